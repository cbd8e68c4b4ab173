import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { asymmetricFocalLoss, asymmetricFocalTverskyLoss, unifiedFocalLoss, type LossFn } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number => tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
const tol = { rtol: 1e-5, atol: 1e-6 };

describe.each(BACKENDS)('unifiedFocalLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('unifiedFocalLoss() is named and is λ·asymmetricFocalTverskyLoss + (1 − λ)·asymmetricFocalLoss with shared δ, γ', () => {
    expect(unifiedFocalLoss().name).toBe('unifiedFocalLoss');
    expect(unifiedFocalLoss.modes).toEqual(['binary', 'multiclass']);
    const x = randomLogits([2, 4, 3, 3], 1);
    const labels = randomLabels([2, 4, 3], 3, 2);
    for (const [weight, delta, gamma] of [[0.5, 0.6, 0.5], [0.2, 0.8, 0.3], [1, 0.6, 0.5], [0, 0.6, 0.5]]) {
      const common = { mode: 'multiclass', delta, gamma } as const;
      const want =
        weight * value(asymmetricFocalTverskyLoss(common), labels, x) + (1 - weight) * value(asymmetricFocalLoss(common), labels, x);
      expectClose(value(unifiedFocalLoss({ ...common, weight }), labels, x), want, tol);
    }
    tf.dispose([x, labels]);
  });

  it("'none' gives [B], the same combination per image", () => {
    const x = randomLogits([3, 4, 4, 1], 3);
    const t = randomMask([3, 4, 4, 1], 4);
    const got = tf.tidy(() => unifiedFocalLoss({ reduction: 'none' })(t, x).arraySync() as number[]);
    const ft = tf.tidy(() => asymmetricFocalTverskyLoss({ reduction: 'none', delta: 0.6, gamma: 0.5 })(t, x).arraySync() as number[]);
    const fl = tf.tidy(() => asymmetricFocalLoss({ reduction: 'none', delta: 0.6, gamma: 0.5 })(t, x).arraySync() as number[]);
    expect(got.length).toBe(3);
    got.forEach((v, b) => expectClose(v, 0.5 * ft[b] + 0.5 * fl[b], tol));
    tf.dispose([x, t]);
  });

  it('gives a finite value and gradient for logits of ±100, and a gradient equal to finite differences', () => {
    const labels = randomLabels([2, 4, 4], 3, 5);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 3], 6), 2), 1), 100));
    const loss = unifiedFocalLoss({ mode: 'multiclass', ignoreIndex: 2 });
    expect(Number.isFinite(value(loss, labels, x))).toBe(true);
    expect(gradOf(loss, labels, x).every(Number.isFinite)).toBe(true);
    const small = randomLogits([1, 3, 3, 1], 7);
    const t = randomMask([1, 3, 3, 1], 8);
    const binary = unifiedFocalLoss();
    expectClose(gradOf(binary, t, small), finiteDiff((v) => binary(t, v), small), { rtol: 2e-2, atol: 2e-3 });
    tf.dispose([labels, x, small, t]);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 3], 9);
    const labels = randomLabels([1, 4, 4], 3, 10);
    const half = tf.fill([1, 4, 4], 0.5);
    const loss = unifiedFocalLoss({ mode: 'multiclass' });
    expectNoLeak(loss, labels, x, () => loss(half, x), /^unifiedFocalLoss: yTrue class indices must be integers/);
    tf.dispose([x, labels, half]);
  });

  it('rejects bad options with its own name', () => {
    expect(() => unifiedFocalLoss({ weight: 2 })).toThrow(/^unifiedFocalLoss: option 'weight' must be a number in \[0, 1\], got 2\.$/);
    expect(() => unifiedFocalLoss({ gamma: 3 })).toThrow(/^unifiedFocalLoss: option 'gamma' must be a number in \[0, 1\], got 3\.$/);
    expect(() => unifiedFocalLoss({ wieght: 0.5 } as never)).toThrow(/^unifiedFocalLoss: unknown option 'wieght' \(did you mean 'weight'\?\)/);
  });

  it('the @example gives the documented value (≈ 0.079)', () => {
    const labels = tf.tensor3d([0, 1, 2, 0], [1, 2, 2], 'int32');
    const logits = tf.tensor4d([4, 0, 0, 0, 4, 0, 0, 0, 4, 4, 0, 0], [1, 2, 2, 3]);
    expectClose(value(unifiedFocalLoss({ mode: 'multiclass' }), labels, logits), 0.079, { rtol: 0, atol: 5e-4 });
    tf.dispose([labels, logits]);
  });
});
