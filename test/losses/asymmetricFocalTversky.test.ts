import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { asymmetricFocalTverskyLoss, type LossFn } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number => tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
const tol = { rtol: 1e-5, atol: 1e-6 };

/** The formula in plain JavaScript for one binary image of probabilities q and targets t. */
function binaryAft(q: ArrayLike<number>, t: ArrayLike<number>, delta: number, gamma: number, eps = 1e-7): number {
  const ti = (pOf: (i: number) => number, tOf: (i: number) => number) => {
    let TP = 0;
    let FN = 0;
    let FP = 0;
    for (let i = 0; i < q.length; i++) {
      const p = Math.min(Math.max(pOf(i), eps), 1 - eps);
      TP += tOf(i) * p;
      FN += tOf(i) * (1 - p);
      FP += (1 - tOf(i)) * p;
    }
    return (TP + eps) / (TP + delta * FN + (1 - delta) * FP + eps);
  };
  const back = 1 - ti((i) => 1 - q[i], (i) => 1 - t[i]);
  const fore = Math.max(1 - ti((i) => q[i], (i) => t[i]), eps) ** (1 - gamma);
  return (back + fore) / 2;
}

describe.each(BACKENDS)('asymmetricFocalTverskyLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('asymmetricFocalTverskyLoss() is named, declares its modes and gives about eps^(1 − γ)/2 for a perfect prediction', () => {
    const loss = asymmetricFocalTverskyLoss({ fromLogits: false, gamma: 0.5 });
    expect(loss.name).toBe('asymmetricFocalTverskyLoss');
    expect(asymmetricFocalTverskyLoss.modes).toEqual(['binary', 'multiclass']);
    const t = randomMask([1, 4, 5, 1], 1);
    // p = t: TI ≈ 1 for both classes, and the foreground term is max(1 − TI, eps)^0.5 / 2. The
    // clamp puts each p within 1e-7 of its target (1 − 1e-7 is 1 − 2^-23 in float32), so
    // eps ≤ 1 − TI ≤ 2^-22: the loss lies in [√eps / 2, √2^-22 / 2] (background term ≈ 1e-7).
    const got = value(loss, t, t);
    expect(got).toBeGreaterThanOrEqual((Math.sqrt(1e-7) / 2) * (1 - 1e-5)); // eps in float32
    expect(got).toBeLessThanOrEqual(Math.sqrt(2 ** -22) / 2 + 1e-6);
    t.dispose();
  });

  it('asymmetricFocalTverskyLoss() matches the formula written out for a binary image', () => {
    const x = randomLogits([1, 5, 4, 1], 2);
    const t = randomMask([1, 5, 4, 1], 3);
    const q = tf.tidy(() => tf.sigmoid(x).dataSync());
    for (const [delta, gamma] of [[0.7, 0.75], [0.3, 0.2]]) {
      expectClose(value(asymmetricFocalTverskyLoss({ delta, gamma }), t, x), binaryAft(q, t.dataSync(), delta, gamma), { rtol: 1e-5, atol: 1e-6 });
    }
    tf.dispose([x, t]);
  });

  it("'none' gives the per-image values, and 'mean' their mean", () => {
    const x = randomLogits([3, 4, 4, 1], 4);
    const t = randomMask([3, 4, 4, 1], 5);
    const none = tf.tidy(() => asymmetricFocalTverskyLoss({ reduction: 'none' })(t, x).arraySync() as number[]);
    const q = tf.tidy(() => tf.sigmoid(x).dataSync());
    const tv = t.dataSync();
    none.forEach((v, b) => expectClose(v, binaryAft(q.slice(b * 16, b * 16 + 16), tv.slice(b * 16, b * 16 + 16), 0.7, 0.75), tol));
    expectClose(value(asymmetricFocalTverskyLoss(), t, x), none.reduce((a, b) => a + b) / 3, tol);
    tf.dispose([x, t]);
  });

  it('ignored pixels take no part and get a zero gradient; channelsFirst equals channelsLast', () => {
    const x = randomLogits([1, 4, 4, 3], 6);
    const labels = tf.tensor3d([0, 1, 2, 9, 1, 1, 0, 0, 9, 2, 2, 0, 1, 0, 9, 2], [1, 4, 4], 'int32');
    const loss = asymmetricFocalTverskyLoss({ mode: 'multiclass', ignoreIndex: 9 });
    const g = gradOf(loss, labels, x);
    for (const pixel of [3, 8, 14]) expect(Array.from(g.slice(pixel * 3, pixel * 3 + 3))).toEqual([0, 0, 0]);
    const xFirst = tf.transpose(x, [0, 3, 1, 2]);
    const first = asymmetricFocalTverskyLoss({ mode: 'multiclass', ignoreIndex: 9, dataFormat: 'channelsFirst' });
    expectClose(value(first, labels, xFirst), value(loss, labels, x), tol);
    tf.dispose([x, labels, xFirst]);
  });

  it('gives a finite value and gradient for logits of ±100', () => {
    const labels = randomLabels([2, 4, 4], 3, 7);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 3], 8), 2), 1), 100));
    const xb = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 1], 9), 2), 1), 100));
    const t = randomMask([2, 4, 4, 1], 10);
    for (const [loss, yt, yp] of [[asymmetricFocalTverskyLoss({ mode: 'multiclass' }), labels, x], [asymmetricFocalTverskyLoss(), t, xb]] as const) {
      expect(Number.isFinite(value(loss, yt, yp))).toBe(true);
      expect(gradOf(loss, yt, yp).every(Number.isFinite)).toBe(true);
    }
    tf.dispose([labels, x, xb, t]);
  });

  it('gives a gradient equal to central finite differences', () => {
    const x = randomLogits([2, 3, 3, 3], 11);
    const labels = randomLabels([2, 3, 3], 3, 12);
    const loss = asymmetricFocalTverskyLoss({ mode: 'multiclass' });
    expectClose(gradOf(loss, labels, x), finiteDiff((v) => loss(labels, v), x), { rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x, labels]);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 1], 13);
    const t = randomMask([1, 4, 4, 1], 14);
    const wrong = tf.zeros([1, 4, 4, 2]);
    const loss = asymmetricFocalTverskyLoss();
    expectNoLeak(loss, t, x, () => loss(t, wrong), /^asymmetricFocalTverskyLoss: yPred must have C = 1 channel in 'binary' mode/);
    tf.dispose([x, t, wrong]);
  });

  it('rejects bad options', () => {
    expect(() => asymmetricFocalTverskyLoss({ gamma: 1.2 })).toThrow(/^asymmetricFocalTverskyLoss: option 'gamma' must be a number in \[0, 1\], got 1.2\.$/);
    expect(() => asymmetricFocalTverskyLoss({ delta: -0.1 })).toThrow(/^asymmetricFocalTverskyLoss: option 'delta' must be a number in \[0, 1\], got -0.1\.$/);
    expect(() => asymmetricFocalTverskyLoss({ eps: 0 })).toThrow(/^asymmetricFocalTverskyLoss: option 'eps' must be a number > 0/);
    expect(() => asymmetricFocalTverskyLoss({ smooth: 1 } as never)).toThrow(/^asymmetricFocalTverskyLoss: unknown option 'smooth'/);
  });

  it('the @example gives the documented value (≈ 0.068)', () => {
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const logits = tf.tensor4d([8, 8, -8, -8], [1, 2, 2, 1]);
    // Both classes: TP = 2q, FN = FP = 2(1 − q) with q = sigmoid(8), so 1 − TI = 1 − q.
    const miss = 1 / (1 + Math.exp(8));
    expectClose(value(asymmetricFocalTverskyLoss(), yTrue, logits), (miss + miss ** 0.25) / 2, { rtol: 1e-4, atol: 1e-6 });
    expectClose((miss + miss ** 0.25) / 2, 0.068, { rtol: 0, atol: 5e-4 });
    tf.dispose([yTrue, logits]);
  });
});
