/**
 * focalTverskyLoss: closed forms and identities. The shared battery (test/helpers/lossBattery.ts)
 * covers the behaviours every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { focalTverskyLoss, tverskyLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLabels, randomLogits } from '../helpers/random.js';

describeLossBattery('focalTverskyLoss', (o = {}) => focalTverskyLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  none: (shape) => [shape[shape.length - 1]],
  classes: true,
  classWeights: true,
});

describe.each(BACKENDS)('focalTverskyLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('focalTverskyLoss() gives (1 − s)^0.75 by default for a hand-derived case', () => {
    // t = [1, 1, 0, 0], p = [0.9, 0.4, 0.2, 0.1]: I = 1.3, FP = 0.3, FN = 0.7; with α = 0.3,
    // β = 0.7, smooth 1: s = 2.3 / (1.3 + 0.09 + 0.49 + 1) = 2.3 / 2.88.
    const t = tf.tensor3d([1, 1, 0, 0], [1, 4, 1]);
    const p = tf.tensor3d([0.9, 0.4, 0.2, 0.1], [1, 4, 1]);
    expectClose(valueOf(focalTverskyLoss({ fromLogits: false }), t, p), (1 - 2.3 / 2.88) ** 0.75);
  });

  it("focalTverskyLoss() per class is tverskyLoss per class to the power γ ('none')", () => {
    const x = randomLogits([2, 4, 4, 3], 1);
    const labels = randomLabels([2, 4, 4], 3, 2);
    const o = { mode: 'multiclass', reduction: 'none', alpha: 0.4, beta: 0.6 } as const;
    const tv = tverskyLoss(o)(labels, x);
    for (const gamma of [0.75, 2]) {
      expectClose(focalTverskyLoss({ ...o, gamma })(labels, x), tf.pow(tv, gamma), undefined, `γ = ${gamma}`);
    }
  });

  it('focalTverskyLoss({ gamma: 1 }) equals tverskyLoss with the same α and β', () => {
    const x = randomLogits([2, 4, 4, 3], 3);
    const labels = randomLabels([2, 4, 4], 3, 4);
    const o = { mode: 'multiclass', alpha: 0.2, beta: 0.8 } as const;
    expectClose(valueOf(focalTverskyLoss({ ...o, gamma: 1 }), labels, x), valueOf(tverskyLoss(o), labels, x));
  });
});
