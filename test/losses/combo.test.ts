/**
 * comboLoss: closed forms and limits. The shared battery (test/helpers/lossBattery.ts) covers the
 * behaviours every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { bceLoss, comboLoss, diceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('comboLoss', (o = {}) => comboLoss(o), { modes: ['binary', 'multilabel'] });

describe.each(BACKENDS)('comboLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('comboLoss() gives α·L_wbce + (1 − α)·(1 − DSC) for a hand-derived case', () => {
    // t = [1, 1, 0, 0], p = [0.9, 0.4, 0.2, 0.1] (probabilities), α = 0.5, β = 0.7:
    // L_wbce = mean(−[0.7·ln 0.9, 0.7·ln 0.4, 0.3·ln 0.8, 0.3·ln 0.9]);
    // DSC = (2·1.3 + 1) / (1.6 + 2 + 1) = 3.6 / 4.6 (I = 1.3, P = 1.6, T = 2, smooth 1).
    const t = tf.tensor3d([1, 1, 0, 0], [1, 4, 1]);
    const p = tf.tensor3d([0.9, 0.4, 0.2, 0.1], [1, 4, 1]);
    const wbce = -(0.7 * Math.log(0.9) + 0.7 * Math.log(0.4) + 0.3 * Math.log(0.8) + 0.3 * Math.log(0.9)) / 4;
    expectClose(valueOf(comboLoss({ fromLogits: false, beta: 0.7 }), t, p), 0.5 * wbce + 0.5 * (1 - 3.6 / 4.6));
  });

  it('comboLoss({ alpha: 1, beta: 0.5 }) is half of bceLoss, and alpha 0 is diceLoss', () => {
    // β = 0.5 weighs both terms of BCE by 1/2; α = 0 keeps only 1 − DSC with the same smooth.
    const x = randomLogits([2, 4, 4, 1], 1);
    const t = randomMask([2, 4, 4, 1], 2);
    expectClose(valueOf(comboLoss({ alpha: 1, beta: 0.5 }), t, x), 0.5 * valueOf(bceLoss(), t, x));
    expectClose(valueOf(comboLoss({ alpha: 0, smooth: 2 }), t, x), valueOf(diceLoss({ smooth: 2 }), t, x));
  });
});
