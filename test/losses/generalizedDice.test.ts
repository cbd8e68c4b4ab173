import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { diceLoss, generalizedDiceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

describeLossBattery('generalizedDiceLoss', (o = {}) => generalizedDiceLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  // One group, the batch: 'none' is a scalar.
  none: () => [],
});

describe.each(BACKENDS)('generalizedDiceLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('generalizedDiceLoss() is named and gives 0 for a perfect prediction', () => {
    // p = t: I_c = P_c = T_c, so the score is (2Σw·T + s) / (2Σw·T + s) = 1.
    const labels = randomLabels([2, 5, 4], 3, 1);
    const p = tf.tidy(() => tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, 3).reshape([2, 5, 4, 3]).toFloat());
    const loss = generalizedDiceLoss({ mode: 'multiclass', fromLogits: false });
    expect(loss.name).toBe('generalizedDiceLoss');
    expectClose(valueOf(loss, labels, p), 0, { rtol: 0, atol: 1e-6 });
  });

  it('generalizedDiceLoss() gives 1 − s/(N/k² + s) for an all-wrong binary prediction', () => {
    // p = 1 − t with k of N pixels positive: I = 0, P + T = N, w = 1/k².
    const t = randomMask([1, 6, 5, 1], 2, 0.3);
    const k = t.sum().dataSync()[0];
    const p = tf.sub(1, t);
    const smooth = 0.5;
    const want = 1 - smooth / (30 / (k * k) + smooth);
    expectClose(valueOf(generalizedDiceLoss({ fromLogits: false, smooth }), t, p), want);
  });

  it('a class absent from the target takes the largest weight of its group', () => {
    // Multilabel, one image: channel 0 has T = 2, channel 1 T = 4, channel 2 T = 0.
    // 'square' weights: 1/4, 1/16, and max = 1/4 for channel 2.
    const t = tf.tensor([1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0], [1, 6, 1, 3]);
    const p = tf.tensor([0.9, 0.2, 0.1, 0.7, 0.6, 0.3, 0.1, 0.8, 0.2, 0.2, 0.9, 0.0, 0.3, 0.1, 0.4, 0.1, 0.5, 0.1], [1, 6, 1, 3]);
    const tv = t.dataSync();
    const pv = p.dataSync();
    const sums = [0, 1, 2].map((c) => {
      let I = 0;
      let P = 0;
      let T = 0;
      for (let i = c; i < 18; i += 3) {
        I += pv[i] * tv[i];
        P += pv[i];
        T += tv[i];
      }
      return { I, P, T };
    });
    const w = [1 / 4, 1 / 16, 1 / 4];
    const smooth = 1e-5;
    const num = 2 * sums.reduce((a, s, c) => a + w[c] * s.I, 0) + smooth;
    const den = sums.reduce((a, s, c) => a + w[c] * (s.P + s.T), 0) + smooth;
    const loss = generalizedDiceLoss({ mode: 'multilabel', fromLogits: false });
    expectClose(valueOf(loss, t, p), 1 - num / den);
  });

  it("weightType 'uniform' with one class equals diceLoss with the same smooth", () => {
    // One class, w = 1: 1 − (2I + s)/(P + T + s), Dice's formula (its eps clamp is inactive).
    const x = randomLogits([2, 4, 4, 1], 3);
    const t = randomMask([2, 4, 4, 1], 4);
    const gd = valueOf(generalizedDiceLoss({ weightType: 'uniform', smooth: 1 }), t, x);
    expectClose(gd, valueOf(diceLoss({ smooth: 1 }), t, x));
  });

  it("reduction 'none' gives [B] per image and a scalar for the batch; 'mean' and 'sum' reduce them", () => {
    const x = randomLogits([3, 4, 4, 3], 5);
    const labels = randomLabels([3, 4, 4], 3, 6);
    const none = tf.tidy(() => generalizedDiceLoss({ mode: 'multiclass', perImage: true, reduction: 'none' })(labels, x).arraySync() as number[]);
    expect(none.length).toBe(3);
    const mean = valueOf(generalizedDiceLoss({ mode: 'multiclass', perImage: true }), labels, x);
    const sum = valueOf(generalizedDiceLoss({ mode: 'multiclass', perImage: true, reduction: 'sum' }), labels, x);
    expectClose(mean, none.reduce((a, b) => a + b) / 3);
    expectClose(sum, none.reduce((a, b) => a + b));
    const batch = tf.tidy(() => generalizedDiceLoss({ mode: 'multiclass', reduction: 'none' })(labels, x));
    expect(batch.shape).toEqual([]);
  });

  it('generalizedDiceLoss() gives a gradient equal to central finite differences', () => {
    const x = randomLogits([1, 3, 3, 3], 9);
    const labels = randomLabels([1, 3, 3], 3, 10);
    for (const weightType of ['square', 'simple'] as const) {
      const loss = generalizedDiceLoss({ mode: 'multiclass', weightType, smooth: 0.1 });
      expectClose(gradOf(loss, labels, x), finiteDiff((v) => loss(labels, v), x), { rtol: 2e-2, atol: 2e-3 }, weightType);
    }
  });

  it('generalizedDiceLoss() leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 3], 11);
    const labels = randomLabels([1, 4, 4], 3, 12);
    const loss = generalizedDiceLoss({ mode: 'multiclass', classes: [1, 2] });
    const bad = generalizedDiceLoss({ mode: 'multiclass', classes: [3] });
    expectNoLeak(loss, labels, x, () => bad(labels, x), /^generalizedDiceLoss: option 'classes' must hold class ids in \[0, 3\), got 3/);
  });

  it('generalizedDiceLoss() rejects bad options and tensors of the wrong shape', () => {
    expect(() => generalizedDiceLoss({ weightType: 'squared' as never })).toThrow(/^generalizedDiceLoss: option 'weightType'.*did you mean 'square'/);
    expect(() => generalizedDiceLoss({ smooth: 0 })).toThrow(/^generalizedDiceLoss: option 'smooth' must be a number > 0, got 0/);
    expect(() => generalizedDiceLoss({ classWeights: [1] } as never)).toThrow(/^generalizedDiceLoss: unknown option 'classWeights'/);
    expect(() => generalizedDiceLoss({ reduction: 'avg' as never })).toThrow(/^generalizedDiceLoss: option 'reduction'/);
    const x = tf.zeros([1, 3, 3, 2]);
    const t = tf.zeros([1, 3, 3, 2]);
    expect(() => generalizedDiceLoss()(t, x)).toThrow(/^generalizedDiceLoss: yPred must have C = 1 channel in 'binary' mode/);
  });

  it('the @example gives the documented value (≈ 0.0153)', () => {
    const loss = generalizedDiceLoss({ mode: 'multiclass' });
    const labels = tf.tensor3d([0, 1, 2, 2], [1, 2, 2], 'int32');
    const logits = tf.tensor4d([5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 5], [1, 2, 2, 3]);
    expectClose(valueOf(loss, labels, logits), 0.0153, { rtol: 0, atol: 5e-5 });
  });
});
