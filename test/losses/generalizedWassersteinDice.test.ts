import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generalizedWassersteinDiceLoss, type LossFn } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number => tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
const tol = { rtol: 1e-5, atol: 1e-6 };
const M3 = [
  [0, 1, 1],
  [1, 0, 0.5],
  [1, 0.5, 0],
];

/** Fidon's score written out for one image: labels g, probabilities p (N×C), M scaled to max 1. */
function gwdl(g: ArrayLike<number>, p: ArrayLike<number>, M: number[][], weighting: 'default' | 'GDL', smooth = 1e-5): number {
  const C = M.length;
  const max = Math.max(...M.flat());
  const count = new Array(C).fill(0);
  for (let i = 0; i < g.length; i++) count[g[i]]++;
  const alpha = (c: number) => (weighting === 'GDL' ? 1 / (count[c] + 1) : c === 0 ? 0 : 1);
  let TP = 0;
  let sumW = 0;
  let D = 0;
  for (let i = 0; i < g.length; i++) {
    let W = 0;
    for (let l = 0; l < C; l++) W += (M[g[i]][l] / max) * p[i * C + l];
    TP += alpha(g[i]) * (1 - W);
    sumW += W;
    D += alpha(g[i]) * (2 - W);
  }
  const denominator = weighting === 'GDL' ? D : 2 * TP + sumW;
  return 1 - (2 * TP + smooth) / (denominator + smooth);
}

describe.each(BACKENDS)('generalizedWassersteinDiceLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('generalizedWassersteinDiceLoss() is named, multiclass only, and gives 0 for a perfect prediction', () => {
    const loss = generalizedWassersteinDiceLoss({ distanceMatrix: M3, fromLogits: false });
    expect(loss.name).toBe('generalizedWassersteinDiceLoss');
    expect(generalizedWassersteinDiceLoss.modes).toEqual(['multiclass']);
    const labels = randomLabels([2, 3, 4], 3, 1);
    const p = tf.tidy(() => tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, 3).reshape([2, 3, 4, 3]).toFloat());
    // p one-hot: W = M(g, g) = 0, so TP = Σα and the denominator is 2·TP: the score is 1.
    expectClose(value(loss, labels, p), 0, { rtol: 0, atol: 1e-6 });
    tf.dispose([labels, p]);
  });

  it("matches Fidon's score written out, for both weightings, per image", () => {
    const x = randomLogits([2, 4, 3, 3], 2);
    const labels = randomLabels([2, 4, 3], 3, 3);
    const p = tf.tidy(() => tf.softmax(x).dataSync());
    const g = labels.dataSync();
    const M = M3.map((r) => r.map((d) => d * 4)); // scaled: the loss divides by the maximum
    for (const weighting of ['default', 'GDL'] as const) {
      const none = tf.tidy(() => generalizedWassersteinDiceLoss({ distanceMatrix: M, weighting, reduction: 'none' })(labels, x).arraySync() as number[]);
      const want = [0, 1].map((b) => gwdl(g.slice(b * 12, b * 12 + 12), p.slice(b * 36, b * 36 + 36), M3, weighting));
      expectClose(none, want, tol, weighting);
      expectClose(value(generalizedWassersteinDiceLoss({ distanceMatrix: M, weighting }), labels, x), (want[0] + want[1]) / 2, tol);
      expectClose(value(generalizedWassersteinDiceLoss({ distanceMatrix: M, weighting, reduction: 'sum' }), labels, x), want[0] + want[1], tol);
    }
    tf.dispose([x, labels]);
  });

  it('confusing two close classes costs less than confusing two distant ones (the @example)', () => {
    const labels = tf.tensor3d([1, 1, 0, 0], [1, 2, 2], 'int32');
    const confused = tf.tensor4d([0, 0, 9, 0, 0, 9, 9, 0, 0, 9, 0, 0], [1, 2, 2, 3]);
    const close = value(generalizedWassersteinDiceLoss({ distanceMatrix: [[0, 1, 1], [1, 0, 0.2], [1, 0.2, 0]] }), labels, confused);
    const far = value(generalizedWassersteinDiceLoss({ distanceMatrix: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] }), labels, confused);
    const p = tf.tidy(() => tf.softmax(confused).dataSync());
    expectClose(close, gwdl(labels.dataSync(), p, [[0, 1, 1], [1, 0, 0.2], [1, 0.2, 0]], 'default'), tol);
    expectClose(close, 0.11, { rtol: 0, atol: 5e-3 });
    expect(far).toBeGreaterThan(0.99);
    tf.dispose([labels, confused]);
  });

  it('channelsFirst equals channelsLast; ignored pixels take no part and get a zero gradient', () => {
    const x = randomLogits([1, 4, 4, 3], 4);
    const labels = tf.tensor3d([0, 1, 2, 7, 1, 1, 0, 0, 7, 2, 2, 0, 1, 0, 2, 2], [1, 4, 4], 'int32');
    const loss = generalizedWassersteinDiceLoss({ distanceMatrix: M3, ignoreIndex: 7 });
    const first = generalizedWassersteinDiceLoss({ distanceMatrix: M3, ignoreIndex: 7, dataFormat: 'channelsFirst' });
    const xFirst = tf.transpose(x, [0, 3, 1, 2]);
    expectClose(value(first, labels, xFirst), value(loss, labels, x), tol);
    const g = gradOf(loss, labels, x);
    for (const pixel of [3, 8]) expect(Array.from(g.slice(pixel * 3, pixel * 3 + 3))).toEqual([0, 0, 0]);
    tf.dispose([x, labels, xFirst]);
  });

  it('gives a finite value and gradient for logits of ±100, and a gradient equal to finite differences', () => {
    const labels = randomLabels([2, 4, 4], 3, 5);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 3], 6), 2), 1), 100));
    for (const weighting of ['default', 'GDL'] as const) {
      const loss = generalizedWassersteinDiceLoss({ distanceMatrix: M3, weighting });
      expect(Number.isFinite(value(loss, labels, x))).toBe(true);
      expect(gradOf(loss, labels, x).every(Number.isFinite)).toBe(true);
      const small = randomLogits([1, 3, 3, 3], 7);
      const sl = randomLabels([1, 3, 3], 3, 8);
      expectClose(gradOf(loss, sl, small), finiteDiff((v) => loss(sl, v), small), { rtol: 2e-2, atol: 2e-3 }, weighting);
      tf.dispose([small, sl]);
    }
    tf.dispose([labels, x]);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 3], 9);
    const labels = randomLabels([1, 4, 4], 3, 10);
    const four = tf.zeros([1, 4, 4, 4]);
    const loss = generalizedWassersteinDiceLoss({ distanceMatrix: M3 });
    expectNoLeak(loss, labels, x, () => loss(labels, four), /^generalizedWassersteinDiceLoss: option 'distanceMatrix' must be 4×4 to match yPred's C = 4, got 3×3\.$/);
    tf.dispose([x, labels, four]);
  });

  it('rejects a missing, non-square, negative or non-zero-diagonal distanceMatrix, and bad options', () => {
    const fn = generalizedWassersteinDiceLoss as (o?: unknown) => LossFn;
    expect(() => fn()).toThrow(/^generalizedWassersteinDiceLoss: options must be an object with 'distanceMatrix', got undefined\.$/);
    expect(() => fn({ weighting: 'GDL' })).toThrow(/^generalizedWassersteinDiceLoss: option 'distanceMatrix' must be given/);
    expect(() => fn({ distanceMatrix: [[0, 1, 1], [1, 0, 1]] })).toThrow(/^generalizedWassersteinDiceLoss: option 'distanceMatrix' must be a square C×C array/);
    expect(() => fn({ distanceMatrix: [[0, -1], [1, 0]] })).toThrow(/^generalizedWassersteinDiceLoss: option 'distanceMatrix' must hold finite numbers >= 0, got -1\.$/);
    expect(() => fn({ distanceMatrix: [[0, 1], [1, 0.5]] })).toThrow(/^generalizedWassersteinDiceLoss: option 'distanceMatrix' must have a zero diagonal, got 0.5 at \[1\]\[1\]\.$/);
    expect(() => fn({ distanceMatrix: [[0, 0], [0, 0]] })).toThrow(/^generalizedWassersteinDiceLoss: option 'distanceMatrix' must have a positive entry/);
    expect(() => fn({ distanceMatrix: M3, weighting: 'gdl' })).toThrow(/^generalizedWassersteinDiceLoss: option 'weighting' must be one of 'default', 'GDL', got 'gdl' \(did you mean 'GDL'\?\)/);
    expect(() => fn({ distanceMatrix: M3, mode: 'binary' })).toThrow(/^generalizedWassersteinDiceLoss: option 'mode' must be one of 'multiclass'/);
    expect(() => fn({ distanceMatrix: M3, smooth: 0 })).toThrow(/^generalizedWassersteinDiceLoss: option 'smooth' must be a number > 0/);
  });
});
