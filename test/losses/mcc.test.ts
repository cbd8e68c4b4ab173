import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mccLoss, type LossFn } from '../../src/index.js';
import { toFirstPerm } from '../../src/core/normalize.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number =>
  tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);

/** 1 − MCC of counts with eps added to each, in float64. */
function mccClosedForm(tp: number, tn: number, fp: number, fn: number, e = 1e-5): number {
  const [TP, TN, FP, FN] = [tp + e, tn + e, fp + e, fn + e];
  return 1 - (TP * TN - FP * FN) / Math.sqrt((TP + FP) * (TP + FN) * (TN + FP) * (TN + FN));
}

describe.each(BACKENDS)('mccLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('mccLoss() is named and gives ~0 for a perfect prediction, ~2 for an all-wrong one (closed forms with eps)', () => {
    const t = randomMask([2, 5, 4, 1], 1, 0.3);
    const k = t.sum().dataSync()[0];
    const N = 40;
    const loss = mccLoss({ fromLogits: false });
    expect(loss.name).toBe('mccLoss');
    const wrong = tf.sub(1, t);
    // p = t: TP = k, TN = N − k, FP = FN = 0.  p = 1 − t: TP = TN = 0, FP = N − k, FN = k.
    expectClose(value(loss, t, t), mccClosedForm(k, N - k, 0, 0), { rtol: 1e-5, atol: 1e-6 });
    expectClose(value(loss, t, wrong), mccClosedForm(0, 0, N - k, k), { rtol: 1e-5, atol: 1e-6 });
    expect(value(loss, t, t)).toBeLessThan(1e-5);
    tf.dispose([t, wrong]);
  });

  it("reduction 'none' gives [C], or [B, C] with perImage, and ignored elements drop out", () => {
    const x = randomLogits([2, 3, 4, 3], 2);
    const t = randomMask([2, 3, 4, 3], 3);
    const none = tf.tidy(() => mccLoss({ mode: 'multilabel', reduction: 'none' })(t, x));
    const perImage = tf.tidy(() => mccLoss({ mode: 'multilabel', perImage: true, reduction: 'none' })(t, x));
    expect(none.shape).toEqual([3]);
    expect(perImage.shape).toEqual([2, 3]);
    expectClose(value(mccLoss({ mode: 'multilabel' }), t, x), tf.tidy(() => none.mean().dataSync()[0]), { rtol: 1e-5, atol: 1e-6 });
    // Ignoring image 1 entirely leaves image 0's loss.
    const tIgnored = tf.tidy(() => tf.concat([t.slice([0], [1]), tf.fill([1, 3, 4, 3], 255)]));
    const image0 = tf.tidy(() => perImage.slice([0, 0], [1, 3]).mean().dataSync()[0]);
    expectClose(value(mccLoss({ mode: 'multilabel', ignoreIndex: 255 }), tIgnored, x), image0, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, t, none, perImage, tIgnored]);
  });

  it('mccLoss() with channelsFirst equals channelsLast on transposed tensors', () => {
    const x = randomLogits([2, 3, 4, 2], 4);
    const t = randomMask([2, 3, 4, 2], 5);
    const [xf, tf_] = [x, t].map((a) => tf.transpose(a, toFirstPerm(4)));
    expectClose(value(mccLoss({ mode: 'multilabel', dataFormat: 'channelsFirst' }), tf_, xf), value(mccLoss({ mode: 'multilabel' }), t, x), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    tf.dispose([x, t, xf, tf_]);
  });

  it('mccLoss() gives a finite value and gradient for logits of ±100', () => {
    const t = randomMask([2, 4, 4, 1], 6);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 1], 7), 2), 1), 100));
    const loss = mccLoss();
    expect(Number.isFinite(value(loss, t, x))).toBe(true);
    expect(gradOf(loss, t, x).every(Number.isFinite)).toBe(true);
    // logits = ±100 in agreement with t: a perfect prediction, loss ≈ 0 (1 − p kept as sigmoid(−x))
    const perfect = tf.tidy(() => tf.mul(tf.sub(tf.mul(t, 2), 1), 100));
    expect(value(loss, t, perfect)).toBeLessThan(1e-5);
    tf.dispose([x, t, perfect]);
  });

  it('mccLoss() gives a gradient equal to central finite differences', () => {
    const x = randomLogits([1, 3, 3, 2], 8);
    const t = randomMask([1, 3, 3, 2], 9, 0.5);
    const loss = mccLoss({ mode: 'multilabel' });
    expectClose(gradOf(loss, t, x), finiteDiff((v) => loss(t, v), x), { rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x, t]);
  });

  it('mccLoss() leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 1], 10);
    const t = randomMask([1, 4, 4, 1], 11);
    const loss = mccLoss();
    const wrong = tf.zeros([1, 4, 4, 2]);
    expectNoLeak(loss, t, x, () => loss(t, wrong), /^mccLoss: yPred must have C = 1 channel/);
    tf.dispose([x, t, wrong]);
  });

  it('mccLoss() rejects multiclass mode and bad options', () => {
    expect(() => mccLoss({ mode: 'multiclass' as never })).toThrow(/^mccLoss: option 'mode' must be one of 'binary', 'multilabel', got 'multiclass'/);
    expect(() => mccLoss({ eps: 0 })).toThrow(/^mccLoss: option 'eps' must be a number > 0, got 0/);
    expect(() => mccLoss({ classes: [0] } as never)).toThrow(/^mccLoss: unknown option 'classes'/);
    expect(() => mccLoss({ perimage: true } as never)).toThrow(/^mccLoss: unknown option 'perimage' \(did you mean 'perImage'\?\)/);
  });

  it('the @example gives the documented value (≈ 0.036)', () => {
    const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
    const logits = tf.tensor4d([4, -4, -4, 4], [1, 2, 2, 1]);
    expectClose(value(mccLoss(), yTrue, logits), 0.036, { rtol: 0, atol: 5e-4 });
    tf.dispose([yTrue, logits]);
  });
});
