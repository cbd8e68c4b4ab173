/**
 * tverskyLoss: closed forms and identities (kornia's test_tversky.py in segloss's terms). The
 * shared battery (test/helpers/lossBattery.ts) covers the behaviours every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { diceLoss, jaccardLoss, tverskyLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('tverskyLoss', (o = {}) => tverskyLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  none: (shape) => [shape[shape.length - 1]],
  classes: true,
  classWeights: true,
});

describe.each(BACKENDS)('tverskyLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  // One image of 4 pixels: t = [1, 1, 0, 0], p = [0.9, 0.4, 0.2, 0.1] (probabilities).
  // I = 1.3, FP = P − I = 0.3, FN = T − I = 0.7. With α = 0.3, β = 0.7, smooth 1:
  // s = (1.3 + 1) / (1.3 + 0.3·0.3 + 0.7·0.7 + 1) = 2.3 / 2.88.
  const t4 = () => tf.tensor3d([1, 1, 0, 0], [1, 4, 1]);
  const p4 = () => tf.tensor3d([0.9, 0.4, 0.2, 0.1], [1, 4, 1]);

  it('tverskyLoss() gives 1 − (I + smooth) / (I + α·FP + β·FN + smooth) for a hand-derived case', () => {
    expectClose(valueOf(tverskyLoss({ fromLogits: false }), t4(), p4()), 1 - 2.3 / 2.88);
    // α = 0.7, β = 0.3: s = 2.3 / (1.3 + 0.21 + 0.21 + 1) = 2.3 / 2.72.
    expectClose(valueOf(tverskyLoss({ fromLogits: false, alpha: 0.7, beta: 0.3 }), t4(), p4()), 1 - 2.3 / 2.72);
  });

  it('tverskyLoss({ gamma }) raises the per-class loss to γ', () => {
    expectClose(valueOf(tverskyLoss({ fromLogits: false, gamma: 2 }), t4(), p4()), (1 - 2.3 / 2.88) ** 2);
  });

  it('tverskyLoss(α = β = 0.5, smooth s) equals diceLoss(smooth 2s)', () => {
    // s_T = (I + s) / (I + (P − I)/2 + (T − I)/2 + s) = (2I + 2s) / (P + T + 2s) = Dice with smooth 2s.
    const x = randomLogits([2, 5, 5, 3], 16);
    const t = randomMask([2, 5, 5, 3], 17);
    for (const s of [0.5, 1, 3]) {
      const tv = valueOf(tverskyLoss({ mode: 'multilabel', alpha: 0.5, beta: 0.5, smooth: s }), t, x);
      expectClose(tv, valueOf(diceLoss({ mode: 'multilabel', smooth: 2 * s }), t, x), undefined, `smooth ${s}`);
    }
  });

  it('tverskyLoss(α = β = 1) equals jaccardLoss', () => {
    // I + (P − I) + (T − I) = P + T − I, the Jaccard denominator.
    const x = randomLogits([2, 5, 5, 3], 18);
    const labels = randomLabels([2, 5, 5], 3, 19);
    const tv = valueOf(tverskyLoss({ mode: 'multiclass', alpha: 1, beta: 1 }), labels, x);
    expectClose(tv, valueOf(jaccardLoss({ mode: 'multiclass' }), labels, x));
  });
});
