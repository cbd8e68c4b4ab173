import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { asymmetricFocalLoss, bceLoss, crossEntropyLoss, type LossFn } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number => tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
const tol = { rtol: 1e-5, atol: 1e-6 };

describe.each(BACKENDS)('asymmetricFocalLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('asymmetricFocalLoss() is named, declares its modes and gives ≈ 0 for a perfect prediction', () => {
    const loss = asymmetricFocalLoss({ fromLogits: false });
    expect(loss.name).toBe('asymmetricFocalLoss');
    expect(asymmetricFocalLoss.modes).toEqual(['binary', 'multiclass']);
    const t = randomMask([2, 4, 5, 1], 1);
    // p = t is clamped to [eps, 1 − eps]: each pixel costs at most −log(1 − 1e-7) ≈ 1e-7.
    expectClose(value(loss, t, t), 0, { rtol: 0, atol: 1e-6 });
    t.dispose();
  });

  it('asymmetricFocalLoss() gives (k·δ + (N − k)·(1 − δ)·0.5^γ)·ln 2 / N for p = 0.5 everywhere', () => {
    // p = 0.5: a foreground pixel costs δ·ln 2, a background pixel (1 − δ)·(1 − 0.5)^γ·ln 2.
    const t = randomMask([1, 6, 5, 1], 2, 0.3);
    const k = t.sum().dataSync()[0];
    const x = tf.zeros([1, 6, 5, 1]);
    for (const [delta, gamma] of [[0.7, 2], [0.4, 0.5]]) {
      const want = ((k * delta + (30 - k) * (1 - delta) * 0.5 ** gamma) * Math.LN2) / 30;
      expectClose(value(asymmetricFocalLoss({ delta, gamma }), t, x), want, tol);
    }
    tf.dispose([t, x]);
  });

  it('with γ = 0 and δ = 0.5 it is half of BCE (binary) and half of cross-entropy (multiclass)', () => {
    const x = randomLogits([2, 3, 4, 1], 3);
    const t = randomMask([2, 3, 4, 1], 4);
    expectClose(value(asymmetricFocalLoss({ delta: 0.5, gamma: 0 }), t, x), value(bceLoss(), t, x) / 2, tol);
    const xm = randomLogits([2, 3, 4, 3], 5);
    const labels = randomLabels([2, 3, 4], 3, 6);
    const ce = value(crossEntropyLoss({ mode: 'multiclass' }), labels, xm);
    expectClose(value(asymmetricFocalLoss({ mode: 'multiclass', delta: 0.5, gamma: 0 }), labels, xm), ce / 2, tol);
    tf.dispose([x, t, xm, labels]);
  });

  it('ignored pixels take no part and get a zero gradient', () => {
    const x = randomLogits([1, 4, 4, 3], 7);
    const labels = tf.tensor3d([0, 1, 2, 255, 1, 1, 0, 0, 255, 2, 2, 0, 1, 0, 255, 2], [1, 4, 4], 'int32');
    const loss = asymmetricFocalLoss({ mode: 'multiclass', ignoreIndex: 255 });
    const g = gradOf(loss, labels, x);
    for (const pixel of [3, 8, 14]) expect(Array.from(g.slice(pixel * 3, pixel * 3 + 3))).toEqual([0, 0, 0]);
    // Changing the logits of an ignored pixel does not change the value.
    const moved = tf.tidy(() => tf.add(x, tf.oneHot(tf.tensor1d([3 * 3], 'int32'), 48).reshape([1, 4, 4, 3]).mul(5)));
    expectClose(value(loss, labels, moved), value(loss, labels, x), tol);
    tf.dispose([x, labels, moved]);
  });

  it("channelsFirst equals the transposed channelsLast, and 'none' gives one value per image", () => {
    const x = randomLogits([2, 3, 4, 3], 8);
    const labels = randomLabels([2, 3, 4], 3, 9);
    const xFirst = tf.transpose(x, [0, 3, 1, 2]);
    const last = value(asymmetricFocalLoss({ mode: 'multiclass' }), labels, x);
    expectClose(value(asymmetricFocalLoss({ mode: 'multiclass', dataFormat: 'channelsFirst' }), labels, xFirst), last, tol);
    const none = tf.tidy(() => asymmetricFocalLoss({ mode: 'multiclass', reduction: 'none' })(labels, x).arraySync() as number[]);
    expect(none.length).toBe(2);
    // Both images have 12 valid pixels, so the batch mean is the mean of the image means.
    expectClose((none[0] + none[1]) / 2, last, tol);
    tf.dispose([x, labels, xFirst]);
  });

  it('an all-ignored batch gives 0 and a zero gradient', () => {
    const x = randomLogits([1, 2, 3, 1], 10);
    const t = tf.fill([1, 2, 3, 1], 255);
    const loss = asymmetricFocalLoss({ ignoreIndex: 255 });
    expect(value(loss, t, x)).toBe(0);
    expect(Array.from(gradOf(loss, t, x)).every((g) => g === 0)).toBe(true);
    tf.dispose([x, t]);
  });

  it('gives a finite value and gradient for logits of ±100', () => {
    const labels = randomLabels([2, 4, 4], 3, 11);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 3], 12), 2), 1), 100));
    const xb = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 1], 13), 2), 1), 100));
    const t = randomMask([2, 4, 4, 1], 14);
    for (const [loss, yt, yp] of [[asymmetricFocalLoss({ mode: 'multiclass' }), labels, x], [asymmetricFocalLoss(), t, xb]] as const) {
      expect(Number.isFinite(value(loss, yt, yp))).toBe(true);
      expect(gradOf(loss, yt, yp).every(Number.isFinite)).toBe(true);
    }
    tf.dispose([labels, x, xb, t]);
  });

  it('gives a gradient equal to central finite differences', () => {
    const x = randomLogits([1, 3, 3, 3], 15);
    const labels = randomLabels([1, 3, 3], 3, 16);
    const loss = asymmetricFocalLoss({ mode: 'multiclass', gamma: 1.5 });
    expectClose(gradOf(loss, labels, x), finiteDiff((v) => loss(labels, v), x), { rtol: 2e-2, atol: 2e-3 }, 'multiclass');
    const xb = randomLogits([1, 3, 3, 1], 17);
    const t = randomMask([1, 3, 3, 1], 18);
    const binary = asymmetricFocalLoss();
    expectClose(gradOf(binary, t, xb), finiteDiff((v) => binary(t, v), xb), { rtol: 2e-2, atol: 2e-3 }, 'binary');
    tf.dispose([x, labels, xb, t]);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 3], 19);
    const labels = randomLabels([1, 4, 4], 3, 20);
    const bad = tf.tensor3d([0, 1, 2, 3, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0], [1, 4, 4], 'int32');
    const loss = asymmetricFocalLoss({ mode: 'multiclass' });
    expectNoLeak(loss, labels, x, () => loss(bad, x), /^asymmetricFocalLoss: yTrue class indices must be in \[0, 3\), got 3/);
    tf.dispose([x, labels, bad]);
  });

  it('rejects bad options and tensors of the wrong shape', () => {
    expect(() => asymmetricFocalLoss({ delta: 1.5 })).toThrow(/^asymmetricFocalLoss: option 'delta' must be a number in \[0, 1\], got 1.5\.$/);
    expect(() => asymmetricFocalLoss({ gamma: -1 })).toThrow(/^asymmetricFocalLoss: option 'gamma' must be a number >= 0, got -1\.$/);
    expect(() => asymmetricFocalLoss({ mode: 'multilabel' as never })).toThrow(/^asymmetricFocalLoss: option 'mode' must be one of 'binary', 'multiclass'/);
    expect(() => asymmetricFocalLoss({ reduction: 'sum' as never })).toThrow(/^asymmetricFocalLoss: option 'reduction' must be one of 'mean', 'none'/);
    expect(() => asymmetricFocalLoss({ detla: 0.5 } as never)).toThrow(/^asymmetricFocalLoss: unknown option 'detla' \(did you mean 'delta'\?\)/);
    const x = tf.zeros([1, 3, 3, 2]);
    expect(() => asymmetricFocalLoss()(x, x)).toThrow(/^asymmetricFocalLoss: yPred must have C = 1 channel in 'binary' mode/);
    x.dispose();
  });

  it('the @example gives the documented value (0.7·ln 2 / 4)', () => {
    const yTrue = tf.tensor4d([1, 0, 0, 0], [1, 2, 2, 1]);
    const probs = tf.tensor4d([0.5, 0, 0, 0], [1, 2, 2, 1]);
    expectClose(value(asymmetricFocalLoss({ fromLogits: false }), yTrue, probs), (0.7 * Math.LN2) / 4, tol);
    tf.dispose([yTrue, probs]);
  });
});
