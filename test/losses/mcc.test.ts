import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mccLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

/** 1 − MCC of counts with eps added to each, in float64. */
function mccClosedForm(tp: number, tn: number, fp: number, fn: number, e = 1e-5): number {
  const [TP, TN, FP, FN] = [tp + e, tn + e, fp + e, fn + e];
  return 1 - (TP * TN - FP * FN) / Math.sqrt((TP + FP) * (TP + FN) * (TN + FP) * (TN + FN));
}

describeLossBattery('mccLoss', (o = {}) => mccLoss(o), {
  modes: ['binary', 'multilabel'],
  // 1 − MCC with eps = 1e-5 added to each count is ~1e-6, not 0, at a perfect prediction.
  perfect: 1e-5,
  none: (shape) => [shape[shape.length - 1]],
});

describe.each(BACKENDS)('mccLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('mccLoss() is named and gives ~0 for a perfect prediction, ~2 for an all-wrong one (closed forms with eps)', () => {
    const t = randomMask([2, 5, 4, 1], 1, 0.3);
    const k = t.sum().dataSync()[0];
    const N = 40;
    const loss = mccLoss({ fromLogits: false });
    expect(loss.name).toBe('mccLoss');
    const wrong = tf.sub(1, t);
    // p = t: TP = k, TN = N − k, FP = FN = 0.  p = 1 − t: TP = TN = 0, FP = N − k, FN = k.
    expectClose(valueOf(loss, t, t), mccClosedForm(k, N - k, 0, 0));
    expectClose(valueOf(loss, t, wrong), mccClosedForm(0, 0, N - k, k));
    expect(valueOf(loss, t, t)).toBeLessThan(1e-5);
  });

  it("reduction 'none' gives [C], or [B, C] with perImage, and ignored elements drop out", () => {
    const x = randomLogits([2, 3, 4, 3], 2);
    const t = randomMask([2, 3, 4, 3], 3);
    const none = tf.tidy(() => mccLoss({ mode: 'multilabel', reduction: 'none' })(t, x));
    const perImage = tf.tidy(() => mccLoss({ mode: 'multilabel', perImage: true, reduction: 'none' })(t, x));
    expect(none.shape).toEqual([3]);
    expect(perImage.shape).toEqual([2, 3]);
    expectClose(valueOf(mccLoss({ mode: 'multilabel' }), t, x), tf.tidy(() => none.mean().dataSync()[0]));
    // Ignoring image 1 entirely leaves image 0's loss.
    const tIgnored = tf.tidy(() => tf.concat([t.slice([0], [1]), tf.fill([1, 3, 4, 3], 255)]));
    const image0 = tf.tidy(() => perImage.slice([0, 0], [1, 3]).mean().dataSync()[0]);
    expectClose(valueOf(mccLoss({ mode: 'multilabel', ignoreIndex: 255 }), tIgnored, x), image0);
  });

  it('mccLoss() gives a finite value and gradient for logits of ±100', () => {
    const t = randomMask([2, 4, 4, 1], 6);
    const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 1], 7), 2), 1), 100));
    const loss = mccLoss();
    expect(Number.isFinite(valueOf(loss, t, x))).toBe(true);
    expect(gradOf(loss, t, x).every(Number.isFinite)).toBe(true);
    // logits = ±100 in agreement with t: a perfect prediction, loss ≈ 0 (1 − p kept as sigmoid(−x))
    const perfect = tf.tidy(() => tf.mul(tf.sub(tf.mul(t, 2), 1), 100));
    expect(valueOf(loss, t, perfect)).toBeLessThan(1e-5);
  });

  it('mccLoss() gives a gradient equal to central finite differences', () => {
    const x = randomLogits([1, 3, 3, 2], 8);
    const t = randomMask([1, 3, 3, 2], 9, 0.5);
    const loss = mccLoss({ mode: 'multilabel' });
    expectClose(gradOf(loss, t, x), finiteDiff((v) => loss(t, v), x), { rtol: 2e-2, atol: 2e-3 });
  });

  it('mccLoss() leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 1], 10);
    const t = randomMask([1, 4, 4, 1], 11);
    const loss = mccLoss();
    const wrong = tf.zeros([1, 4, 4, 2]);
    expectNoLeak(loss, t, x, () => loss(t, wrong), /^mccLoss: yPred must have C = 1 channel/);
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
    expectClose(valueOf(mccLoss(), yTrue, logits), 0.036, { rtol: 0, atol: 5e-4 });
  });
});
