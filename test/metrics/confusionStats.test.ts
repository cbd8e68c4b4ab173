import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { confusionStats, iouScore } from '../../src/index.js';
import { sumOverSpace } from '../../src/metrics/confusionStats.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { asArrays, disposeStats, labels, mask, referenceCounts, uniform } from './support.js';

const toFirst = (x: tf.Tensor) => tf.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]);

describe.each(BACKENDS)('confusionStats on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  for (const spatial of [[7], [4, 5], [2, 3, 4]]) {
    it(`confusionStats() counts like the per-pixel definition with ${spatial.length} spatial dim(s), in every mode`, () => {
      const B = 2;
      const cases = [
        { C: 1, o: { mode: 'binary' as const, threshold: 0.5, fromLogits: true } },
        { C: 3, o: { mode: 'multilabel' as const, threshold: 0.3, fromLogits: false } },
        { C: 4, o: { mode: 'multiclass' as const } },
      ];
      for (const [i, { C, o }] of cases.entries()) {
        const shape = [B, ...spatial, C];
        const yPred = o.mode === 'multilabel' ? uniform(shape, 10 + i, 0, 1) : uniform(shape, 10 + i);
        const yTrue = o.mode === 'multiclass' ? labels([B, ...spatial], C, 20 + i) : mask(shape, 20 + i);
        const stats = confusionStats(yTrue, yPred, o);
        expect(stats.tp.shape).toEqual([B, C]);
        expect(stats.tp.dtype).toBe('int32');
        expect(asArrays(stats), `${o.mode}`).toEqual(referenceCounts(yTrue, yPred, o));
        disposeStats(stats);
        tf.dispose([yTrue, yPred]);
      }
    });
  }

  it('confusionStats() gives tp + fp + fn + tn = valid pixels for every image and class', () => {
    // 2 images of 5×6 = 30 pixels; with 255 at some places only the others count.
    const yTrue = labels([2, 5, 6], 3, 3, 255, 0.3);
    const yPred = uniform([2, 5, 6, 3], 4);
    const stats = confusionStats(yTrue, yPred, { mode: 'multiclass', ignoreIndex: 255 });
    const total = tf.addN([stats.tp, stats.fp, stats.fn, stats.tn]);
    const valid = Array.from(tf.sum(tf.notEqual(yTrue, 255).toInt(), [1, 2]).dataSync());
    expect(total.arraySync()).toEqual(valid.map((n) => [n, n, n]));
    tf.dispose([yTrue, yPred, total]);
    disposeStats(stats);
  });

  it('confusionStats() skips ignoreIndex pixels in multiclass mode (changing their prediction changes nothing)', () => {
    const yTrue = tf.tensor2d([[0, 1, 255, 2, 255, 1]], [1, 6], 'int32');
    const a = uniform([1, 6, 3], 5);
    const b = tf.tidy(() => {
      // Flip the prediction at the two ignored pixels only (indices 2 and 4).
      const keep = tf.tensor3d([1, 1, 0, 1, 0, 1], [1, 6, 1]);
      return tf.add(tf.mul(a, keep), tf.mul(tf.neg(a), tf.sub(1, keep)));
    });
    const sa = confusionStats(yTrue, a, { mode: 'multiclass', ignoreIndex: 255 });
    const sb = confusionStats(yTrue, b, { mode: 'multiclass', ignoreIndex: 255 });
    expect(asArrays(sa)).toEqual(asArrays(sb));
    // 4 valid pixels, each counted once per class.
    expect(tf.addN([sa.tp, sa.fp, sa.fn, sa.tn]).arraySync()).toEqual([[4, 4, 4]]);
    expect(asArrays(sa)).toEqual(referenceCounts(yTrue, a, { mode: 'multiclass', ignoreIndex: 255 }));
    tf.dispose([yTrue, a, b]);
    disposeStats(sa);
    disposeStats(sb);
  });

  it('confusionStats() skips ignoreIndex elements in binary and multilabel mode', () => {
    const yTrue = mask([2, 4, 4, 2], 6, -1, 0.25);
    const yPred = uniform([2, 4, 4, 2], 7);
    const o = { mode: 'multilabel' as const, ignoreIndex: -1 };
    const stats = confusionStats(yTrue, yPred, o);
    expect(asArrays(stats)).toEqual(referenceCounts(yTrue, yPred, o));
    const total = tf.addN([stats.tp, stats.fp, stats.fn, stats.tn]);
    const valid = tf.sum(tf.notEqual(yTrue, -1).toInt(), [1, 2]);
    expect(total.arraySync()).toEqual(valid.arraySync());
    tf.dispose([yTrue, yPred, total, valid]);
    disposeStats(stats);
  });

  it('confusionStats() with channelsFirst equals channelsLast on the transposed tensors, in 1-3 spatial dims', () => {
    for (const spatial of [[5], [3, 4], [2, 3, 2]]) {
      for (const [mode, C] of [['binary', 1], ['multilabel', 3], ['multiclass', 3]] as const) {
        const yPred = uniform([2, ...spatial, C], 8);
        const yTrue = mode === 'multiclass' ? labels([2, ...spatial], C, 9, 255) : mask([2, ...spatial, C], 9, 255);
        const last = confusionStats(yTrue, yPred, { mode, ignoreIndex: 255 });
        const yTrueFirst = mode === 'multiclass' ? yTrue : toFirst(yTrue);
        const yPredFirst = toFirst(yPred);
        const first = confusionStats(yTrueFirst, yPredFirst, { mode, ignoreIndex: 255, dataFormat: 'channelsFirst' });
        expect(asArrays(first), `${mode} ${spatial.length}-D`).toEqual(asArrays(last));
        disposeStats(last);
        disposeStats(first);
        tf.dispose([yPred, yTrue, yTrueFirst, yPredFirst]);
      }
    }
  });

  it('confusionStats() gives the same counts for index, [B, ...spatial, 1] and one-hot multiclass targets', () => {
    const idx = labels([2, 3, 5], 4, 11);
    const yPred = uniform([2, 3, 5, 4], 12);
    const a = confusionStats(idx, yPred, { mode: 'multiclass' });
    const b = confusionStats(tf.expandDims(idx, -1), yPred, { mode: 'multiclass' });
    const c = confusionStats(tf.oneHot(idx, 4).toFloat(), yPred, { mode: 'multiclass' });
    expect(asArrays(b)).toEqual(asArrays(a));
    expect(asArrays(c)).toEqual(asArrays(a));
    [a, b, c].forEach(disposeStats);
  });

  it('confusionStats() counts p = threshold as positive (p >= threshold), for probabilities and logits', () => {
    // Probabilities: 0.3 sits exactly on the threshold; 0.29999998 (the float32 just below) does not.
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 4, 1, 1]);
    const probs = tf.tensor4d([0.3, 0.29999998, 0.3, 0.9], [1, 4, 1, 1]);
    const s1 = confusionStats(yTrue, probs, { fromLogits: false, threshold: 0.3 });
    expect(asArrays(s1)).toEqual({ tp: [[1]], fp: [[2]], fn: [[1]], tn: [[0]] });
    // Logits: sigmoid(0) = 0.5 is positive at the default threshold; sigmoid(-1e-6) is not.
    const logits = tf.tensor4d([0, -1e-6, 0, -5], [1, 4, 1, 1]);
    const s2 = confusionStats(yTrue, logits);
    expect(asArrays(s2)).toEqual({ tp: [[1]], fp: [[1]], fn: [[1]], tn: [[1]] });
    tf.dispose([yTrue, probs, logits]);
    disposeStats(s1);
    disposeStats(s2);
  });

  it('confusionStats() with fromLogits equals the sigmoid probabilities with fromLogits false', () => {
    const yTrue = mask([2, 6, 6, 2], 13);
    const logits = uniform([2, 6, 6, 2], 14);
    const probs = tf.sigmoid(logits);
    for (const threshold of [0.2, 0.5, 0.8]) {
      const a = confusionStats(yTrue, logits, { mode: 'multilabel', threshold });
      const b = confusionStats(yTrue, probs, { mode: 'multilabel', threshold, fromLogits: false });
      expect(asArrays(a), `threshold ${threshold}`).toEqual(asArrays(b));
      disposeStats(a);
      disposeStats(b);
    }
    tf.dispose([yTrue, logits, probs]);
  });

  it('the spatial sum gives the same int32 counts on its matMul path and its int32 path (used from 2^24 pixels)', () => {
    const x = tf.tidy(() => tf.cast(tf.greater(uniform([3, 50, 4], 17), 0), 'float32'));
    const fast = sumOverSpace(x);
    const exact = sumOverSpace(x, 0); // forces the int32 path
    expect(fast.dtype).toBe('int32');
    expect(exact.dtype).toBe('int32');
    expect(fast.arraySync()).toEqual(exact.arraySync());
    tf.dispose([x, fast, exact]);
  });

  it('confusionStats() in multiclass mode takes the argmax whatever threshold and fromLogits say', () => {
    const yTrue = labels([2, 3, 4], 3, 18);
    const yPred = uniform([2, 3, 4, 3], 19);
    const a = confusionStats(yTrue, yPred, { mode: 'multiclass' });
    const b = confusionStats(yTrue, yPred, { mode: 'multiclass', threshold: 0.9, fromLogits: false });
    expect(asArrays(b)).toEqual(asArrays(a));
    [a, b].forEach(disposeStats);
    tf.dispose([yTrue, yPred]);
  });

  it('confusionStats() treats soft targets as positive where yTrue > 0.5', () => {
    const yTrue = tf.tensor4d([0.5, 0.51, 0.2, 1], [1, 4, 1, 1]);
    const logits = tf.tensor4d([5, 5, 5, 5], [1, 4, 1, 1]); // all predicted positive
    const s = confusionStats(yTrue, logits);
    expect(asArrays(s)).toEqual({ tp: [[2]], fp: [[2]], fn: [[0]], tn: [[0]] });
    tf.dispose([yTrue, logits]);
    disposeStats(s);
  });
});

describe('confusionStats memory and errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('confusionStats() leaves only its four results behind, also when repeated', () => {
    const yTrue = labels([2, 4, 4], 3, 15, 255);
    const yPred = uniform([2, 4, 4, 3], 16);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const s = confusionStats(yTrue, yPred, { mode: 'multiclass', ignoreIndex: 255 });
      expect(tf.memory().numTensors).toBe(before + 4);
      disposeStats(s);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred]);
  });

  it('confusionStats() leaves no tensor behind when it throws', () => {
    const yTrue = tf.tensor3d([[[0, 5]]], [1, 1, 2], 'int32');
    const yPred = tf.zeros([1, 1, 2, 3]);
    const before = tf.memory().numTensors;
    expect(() => confusionStats(yTrue, yPred, { mode: 'multiclass' })).toThrow(/^confusionStats: yTrue class indices must be in \[0, 3\)/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred]);
  });

  it('confusionStats() rejects bad options and tensors with messages naming the problem', () => {
    const yTrue = tf.zeros([1, 2, 2, 1]);
    const yPred = tf.zeros([1, 2, 2, 1]);
    expect(() => confusionStats(yTrue, yPred, { threshold: 1.5 })).toThrow(/^confusionStats: option 'threshold' must be a number in \[0, 1\], got 1.5\.$/);
    expect(() => confusionStats(yTrue, yPred, { threshold: -0.1 })).toThrow(RangeError);
    expect(() => confusionStats(yTrue, yPred, { treshold: 0.5 } as never)).toThrow(/^confusionStats: unknown option 'treshold' \(did you mean 'threshold'\?\)/);
    expect(() => confusionStats(yTrue, yPred, { mode: 'multi' as never })).toThrow(/^confusionStats: option 'mode' must be one of 'binary', 'multiclass', 'multilabel'/);
    expect(() => confusionStats(yTrue, tf.zeros([1, 2, 2, 2]))).toThrow(/^confusionStats: yPred must have C = 1 channel in 'binary' mode/);
    expect(() => confusionStats(tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3]), { mode: 'multiclass', threshold: 7 })).toThrow(
      /^confusionStats: option 'threshold' must be a number in \[0, 1\], got 7\.$/,
    );
    expect(() => confusionStats(tf.zeros([1, 3, 2, 1]), yPred)).toThrow(/^confusionStats: yTrue must have the shape of yPred/);
    tf.dispose([yTrue, yPred]);
  });

  it('confusionStats() feeds iouScore: 1 tp, 1 fp, 1 fn gives IoU 1/3 (the TSDoc example)', () => {
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
    const stats = confusionStats(yTrue, logits);
    expect(asArrays(stats)).toEqual({ tp: [[1]], fp: [[1]], fn: [[1]], tn: [[1]] });
    const iou = iouScore(stats);
    expect(iou.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([yTrue, logits, iou]);
    disposeStats(stats);
  });
});
