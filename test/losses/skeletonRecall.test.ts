import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { skeletonRecallLoss, tubedSkeleton, type LossFn } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number => tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
const tol = { rtol: 1e-5, atol: 1e-6 };
/** A one-pixel vertical line, 4 pixels long, in a 4×3 image. */
const LINE = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0];

describe.each(BACKENDS)('skeletonRecallLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('skeletonRecallLoss() is named and gives 1 − 0.9 when a line is covered at p = 0.9 (the @example)', () => {
    const loss = skeletonRecallLoss({ fromLogits: false });
    expect(loss.name).toBe('skeletonRecallLoss');
    expect(skeletonRecallLoss.modes).toEqual(['binary', 'multiclass']);
    const yTrue = tf.tensor4d(LINE, [1, 4, 3, 1]);
    const probs = tf.mul(yTrue, 0.9);
    // The line is its own tube (4 pixels): recall = (4·0.9 + s) / (4 + s).
    expectClose(value(loss, yTrue, probs), 1 - (3.6 + 1e-5) / (4 + 1e-5), tol);
    tf.dispose([yTrue, probs]);
  });

  it('the gradient with respect to p is −S_c / (K·(Σ S_c + smooth)), zero off the tube', () => {
    const labels = randomLabels([2, 8, 8], 3, 1);
    const p = tf.tidy(() => tf.softmax(randomLogits([2, 8, 8, 3], 2)));
    const smooth = 0.5;
    const loss = skeletonRecallLoss({ mode: 'multiclass', fromLogits: false, smooth });
    const tube = tubedSkeleton(labels, { mode: 'multiclass' });
    const S = tube.dataSync();
    const total = [0, 0, 0];
    for (const v of S) total[v]++;
    const want = Float32Array.from({ length: 2 * 64 * 3 }, (_, i) => {
      const c = i % 3;
      return c > 0 && S[Math.floor(i / 3)] === c ? -1 / (2 * (total[c] + smooth)) : 0;
    });
    expectClose(gradOf(loss, labels, p), want, tol);
    tf.dispose([labels, p, tube]);
  });

  it('perImage averages per-image recalls; an image without foreground scores recall 1', () => {
    const yTrue = tf.tensor4d([...LINE, ...new Array(12).fill(0)], [2, 4, 3, 1]);
    const probs = tf.mul(yTrue, 0.5);
    // Image 0: recall (4·0.5 + s) / (4 + s); image 1: (0 + s) / (0 + s) = 1.
    const s = 1e-5;
    expectClose(value(skeletonRecallLoss({ fromLogits: false, perImage: true }), yTrue, probs), 1 - ((2 + s) / (4 + s) + 1) / 2, tol);
    expectClose(value(skeletonRecallLoss({ fromLogits: false }), yTrue, probs), 1 - (2 + s) / (4 + s), tol);
    tf.dispose([yTrue, probs]);
  });

  it('an empty target gives 0 and a zero gradient; channelsFirst equals channelsLast', () => {
    const x = randomLogits([1, 4, 5, 3], 3);
    const empty = tf.zeros([1, 4, 5], 'int32');
    const loss = skeletonRecallLoss({ mode: 'multiclass' });
    expect(value(loss, empty, x)).toBe(0);
    expect(Array.from(gradOf(loss, empty, x)).every((g) => g === 0)).toBe(true);
    const labels = randomLabels([1, 4, 5], 3, 4);
    const xFirst = tf.transpose(x, [0, 3, 1, 2]);
    expectClose(value(skeletonRecallLoss({ mode: 'multiclass', dataFormat: 'channelsFirst' }), labels, xFirst), value(loss, labels, x), tol);
    tf.dispose([x, empty, labels, xFirst]);
  });

  it('ignored pixels are never on the tube', () => {
    const yTrue = tf.tensor4d([0, 1, 0, 0, 1, 0, 0, 255, 0, 0, 1, 0], [1, 4, 3, 1]);
    const x = randomLogits([1, 4, 3, 1], 5);
    const g = gradOf(skeletonRecallLoss({ ignoreIndex: 255 }), yTrue, x);
    expect(Math.abs(g[7])).toBe(0);
    expect(g[1]).toBeLessThan(0);
    tf.dispose([yTrue, x]);
  });

  it('gives a finite value and gradient for logits of ±100', () => {
    const t = randomMask([2, 6, 6, 1], 6, 0.6);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 6, 6, 1], 7), 2), 1), 100));
    const loss = skeletonRecallLoss();
    expect(Number.isFinite(value(loss, t, x))).toBe(true);
    expect(gradOf(loss, t, x).every(Number.isFinite)).toBe(true);
    tf.dispose([t, x]);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 6, 6, 1], 8);
    const t = randomMask([1, 6, 6, 1], 9, 0.6);
    const volume = tf.zeros([1, 3, 6, 6, 1]);
    const loss = skeletonRecallLoss();
    expectNoLeak(loss, t, x, () => loss(volume, volume), /^skeletonRecallLoss: yPred must have 2 spatial dims/);
    tf.dispose([x, t, volume]);
  });

  it('rejects 3-D volumes, bad options and tensors of the wrong shape', () => {
    const volume = tf.zeros([1, 3, 6, 6, 1]);
    expect(() => skeletonRecallLoss()(volume, volume)).toThrow(
      /^skeletonRecallLoss: yPred must have 2 spatial dims \(\[B, H, W, C\], channels last; 3-D volumes are not supported\), got 3 \(shape \[1,3,6,6,1\]\)\.$/,
    );
    expect(() => skeletonRecallLoss({ smooth: -1 })).toThrow(/^skeletonRecallLoss: option 'smooth' must be a number >= 0, got -1\.$/);
    expect(() => skeletonRecallLoss({ mode: 'multilabel' } as never)).toThrow(/^skeletonRecallLoss: option 'mode' must be one of 'binary', 'multiclass'/);
    expect(() => skeletonRecallLoss({ perimage: true } as never)).toThrow(/^skeletonRecallLoss: unknown option 'perimage' \(did you mean 'perImage'\?\)/);
    const two = tf.zeros([1, 4, 4, 2]);
    expect(() => skeletonRecallLoss()(two, two)).toThrow(/^skeletonRecallLoss: yPred must have C = 1 channel in 'binary' mode/);
    tf.dispose([volume, two]);
  });
});
