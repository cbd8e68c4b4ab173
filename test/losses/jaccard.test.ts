/**
 * jaccardLoss: closed forms and identities. The shared battery (test/helpers/lossBattery.ts)
 * covers the behaviours every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { diceLoss, jaccardLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('jaccardLoss', (o = {}) => jaccardLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  none: (shape) => [shape[shape.length - 1]],
  classes: true,
  classWeights: true,
});

describe.each(BACKENDS)('jaccardLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  // One image of 4 pixels: t = [1, 1, 0, 0], p = [0.9, 0.4, 0.2, 0.1] (probabilities).
  // I = 1.3, P + T − I = 1.6 + 2 − 1.3 = 2.3; with smooth 1: s = (1.3 + 1) / (2.3 + 1) = 2.3 / 3.3.
  const t4 = () => tf.tensor3d([1, 1, 0, 0], [1, 4, 1]);
  const p4 = () => tf.tensor3d([0.9, 0.4, 0.2, 0.1], [1, 4, 1]);

  it('jaccardLoss() gives 1 − (I + smooth) / (P + T − I + smooth) for a hand-derived case', () => {
    expectClose(valueOf(jaccardLoss({ fromLogits: false }), t4(), p4()), 1 - 2.3 / 3.3);
  });

  it('jaccardLoss({ logLoss: true }) gives −log s for the same case', () => {
    expectClose(valueOf(jaccardLoss({ fromLogits: false, logLoss: true }), t4(), p4()), -Math.log(2.3 / 3.3));
  });

  it('jaccardLoss() gives 1 − smooth / (N + smooth) for an all-wrong prediction', () => {
    // p = 1 − t: I = 0 and P + T − I = N, with N = 32 elements.
    const t = randomMask([2, 4, 4, 1], 28);
    expectClose(valueOf(jaccardLoss({ fromLogits: false }), t, tf.sub(1, t)), 1 - 1 / 33);
  });

  it('jaccardLoss() with smooth 0 has the score s_D / (2 − s_D) of diceLoss with smooth 0', () => {
    // s_J = I / (P + T − I) and s_D = 2I / (P + T), so s_J = s_D / (2 − s_D).
    const x = randomLogits([2, 4, 4, 1], 20);
    const t = randomMask([2, 4, 4, 1], 21);
    const sD = 1 - valueOf(diceLoss({ smooth: 0 }), t, x);
    expectClose(1 - valueOf(jaccardLoss({ smooth: 0 }), t, x), sD / (2 - sD));
  });
});
