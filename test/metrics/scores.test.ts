import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  METRIC_REDUCTIONS,
  accuracy,
  confusionStats,
  diceScore,
  f1Score,
  iouScore,
  precision,
  recall,
  specificity,
  type ScoreFn,
} from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { disposeStats, labels, mask, uniform } from './support.js';

const SCORES: Record<string, ScoreFn> = { iouScore, f1Score, precision, recall, accuracy, specificity };
const REDUCTIONS = METRIC_REDUCTIONS;

/** Stats from plain arrays `[B][C]`. */
function statsOf(tp: number[][], fp: number[][], fn: number[][], tn: number[][]) {
  const t = (x: number[][]) => tf.tensor2d(x, undefined, 'int32');
  return { tp: t(tp), fp: t(fp), fn: t(fn), tn: t(tn) };
}

const value = (x: tf.Tensor) => {
  const v = x.dataSync()[0]!;
  x.dispose();
  return v;
};

describe.each(BACKENDS)('score functions on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('iouScore, f1Score, precision and recall give 1 for a perfect prediction under every reduction', () => {
    const yTrue = labels([3, 4, 5], 3, 1);
    const yPred = tf.tidy(() => tf.mul(tf.oneHot(yTrue, 3).toFloat(), 4)); // argmax = the label
    const stats = confusionStats(yTrue, yPred, { mode: 'multiclass' });
    for (const name of ['iouScore', 'f1Score', 'precision', 'recall', 'accuracy', 'specificity']) {
      for (const reduction of REDUCTIONS) {
        const s = SCORES[name]!(stats, { reduction });
        expect(s.dtype).toBe('float32');
        expect(Array.from(s.dataSync()).every((v) => v === 1), `${name} ${reduction}`).toBe(true);
        s.dispose();
      }
    }
    tf.dispose([yTrue, yPred]);
    disposeStats(stats);
  });

  it('scores of an all-wrong multiclass prediction take their closed-form values', () => {
    // C = 3 classes, prediction = (label + 1) mod 3 everywhere: tp = 0 for every class, so IoU,
    // F1, precision and recall are 0. Each pixel is one fp (its predicted class) and one fn (its
    // label), so Σtn = C·N − 2N: micro accuracy = (C − 2)/C = 1/3, and micro specificity
    // = Σtn / (Σtn + Σfp) = (C − 2)N / ((C − 2)N + N) = 1/2.
    const C = 3;
    const yTrue = labels([2, 4, 6], C, 2);
    const yPred = tf.tidy(() => tf.oneHot(tf.cast(tf.mod(tf.add(yTrue, 1), C), 'int32') as tf.Tensor2D, C).toFloat());
    const stats = confusionStats(yTrue, yPred, { mode: 'multiclass' });
    for (const name of ['iouScore', 'f1Score', 'precision', 'recall']) {
      for (const reduction of ['micro', 'macro', 'micro-imagewise', 'macro-imagewise'] as const) {
        expect(value(SCORES[name]!(stats, { reduction, zeroDivision: 1 })), `${name} ${reduction}`).toBe(0);
      }
    }
    expectClose(value(accuracy(stats)), 1 / 3, { rtol: 0, atol: 1e-6 }, 'accuracy');
    expectClose(value(specificity(stats)), 1 / 2, { rtol: 0, atol: 1e-6 }, 'specificity');
    // micro-imagewise gives the same per image (each image has the same structure).
    expectClose(value(accuracy(stats, { reduction: 'micro-imagewise' })), 1 / 3, { rtol: 0, atol: 1e-6 }, 'accuracy imagewise');
    tf.dispose([yTrue, yPred]);
    disposeStats(stats);
  });

  it('every score applies zeroDivision exactly where its denominator is 0', () => {
    // Image 0: class 0 absent from target and prediction (tp = fp = fn = 0, tn = 4); class 1
    // with tp 2, fp 1, fn 1, tn 0. Image 1: no positives predicted (tp = fp = 0) but fn 3, tn 1.
    const stats = statsOf([[0, 2], [0, 0]], [[0, 1], [0, 0]], [[0, 1], [3, 0]], [[4, 0], [1, 4]]);
    for (const zd of [0, 0.5, 1]) {
      const iou = iouScore(stats, { reduction: 'none', zeroDivision: zd });
      // IoU: [[0/0 → zd, 2/4], [0/3, 0/0 → zd]]
      expectClose(iou, [zd, 0.5, 0, zd], { rtol: 0, atol: 1e-7 }, `iou zd ${zd}`);
      const p = precision(stats, { reduction: 'none', zeroDivision: zd });
      // precision tp/(tp+fp): [[zd, 2/3], [zd, zd]]
      expectClose(p, [zd, 2 / 3, zd, zd], { rtol: 0, atol: 1e-7 }, `precision zd ${zd}`);
      const r = recall(stats, { reduction: 'none', zeroDivision: zd });
      // recall tp/(tp+fn): [[zd, 2/3], [0, zd]]
      expectClose(r, [zd, 2 / 3, 0, zd], { rtol: 0, atol: 1e-7 }, `recall zd ${zd}`);
      const sp = specificity(stats, { reduction: 'none', zeroDivision: zd });
      // specificity tn/(tn+fp): [[1, 0/1], [1, 1]]
      expectClose(sp, [1, 0, 1, 1], { rtol: 0, atol: 1e-7 }, `specificity zd ${zd}`);
      // macro: per class over the batch: class 0 tp 0 fp 0 fn 3 → 0; class 1 tp 2 fp 1 fn 1 → 1/2.
      expectClose(iouScore(stats, { reduction: 'macro', zeroDivision: zd }), 0.25, { rtol: 0, atol: 1e-7 }, 'macro');
      // macro-imagewise: mean over images of the class means: ((zd + 1/2)/2 + (0 + zd)/2) / 2.
      expectClose(iouScore(stats, { reduction: 'macro-imagewise', zeroDivision: zd }), (zd + 0.5 + zd) / 4, { rtol: 0, atol: 1e-7 }, 'macro-imagewise');
      tf.dispose([iou, p, r, sp]);
    }
    // micro applies zeroDivision too (unlike smp): all-zero stats give zd.
    const empty = statsOf([[0]], [[0]], [[0]], [[5]]);
    expect(value(iouScore(empty, { zeroDivision: 0 }))).toBe(0);
    expect(value(iouScore(empty))).toBe(1);
    disposeStats(stats);
    disposeStats(empty);
  });

  it('the reductions follow the SPEC table on hand-computed stats', () => {
    // B = 2, C = 2. IoU per (b, c): [[1/2, 1/4], [1, 0]].
    const stats = statsOf([[1, 1], [2, 0]], [[1, 2], [0, 1]], [[0, 1], [0, 1]], [[2, 0], [2, 2]]);
    const tol = { rtol: 0, atol: 1e-7 };
    // micro: Σtp = 4, Σfp = 4, Σfn = 2 → 4/10.
    expectClose(iouScore(stats, { reduction: 'micro' }), 0.4, tol, 'micro');
    // macro: class 0 tp 3 fp 1 fn 0 → 3/4; class 1 tp 1 fp 3 fn 2 → 1/6; mean 11/24.
    expectClose(iouScore(stats, { reduction: 'macro' }), 11 / 24, tol, 'macro');
    // weighted [1, 3] → [1/4, 3/4]: 3/16 + 1/8 = 5/16.
    expectClose(iouScore(stats, { reduction: 'weighted', classWeights: [1, 3] }), 5 / 16, tol, 'weighted');
    // micro-imagewise: image 0 tp 2 fp 3 fn 1 → 2/6; image 1 tp 2 fp 1 fn 1 → 2/4; mean 5/12.
    expectClose(iouScore(stats, { reduction: 'micro-imagewise' }), 5 / 12, tol, 'micro-imagewise');
    // macro-imagewise: ((1/2 + 1/4)/2 + (1 + 0)/2)/2 = 7/16.
    expectClose(iouScore(stats, { reduction: 'macro-imagewise' }), 7 / 16, tol, 'macro-imagewise');
    // weighted-imagewise [1, 3]: ((1/2·1/4 + 1/4·3/4) + (1·1/4 + 0))/2 = (5/16 + 4/16)/2 = 9/32 (no extra ÷C).
    expectClose(iouScore(stats, { reduction: 'weighted-imagewise', classWeights: [1, 3] }), 9 / 32, tol, 'weighted-imagewise');
    const none = iouScore(stats, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    expectClose(none, [0.5, 0.25, 1, 0], tol, 'none');
    none.dispose();
    disposeStats(stats);
  });

  it('weighted reductions with uniform (or uniformly scaled) weights equal the macro ones', () => {
    const yTrue = mask([2, 5, 5, 3], 3);
    const yPred = uniform([2, 5, 5, 3], 4);
    const stats = confusionStats(yTrue, yPred, { mode: 'multilabel' });
    for (const [weighted, macro] of [['weighted', 'macro'], ['weighted-imagewise', 'macro-imagewise']] as const) {
      const want = value(f1Score(stats, { reduction: macro }));
      expectClose(value(f1Score(stats, { reduction: weighted })), want, { rtol: 1e-6, atol: 1e-7 }, weighted);
      expectClose(value(f1Score(stats, { reduction: weighted, classWeights: [7, 7, 7] })), want, { rtol: 1e-6, atol: 1e-7 }, `${weighted} scaled`);
    }
    tf.dispose([yTrue, yPred]);
    disposeStats(stats);
  });

  it('classWeights change only the weighted reductions', () => {
    const s = statsOf([[1, 2], [0, 3]], [[1, 0], [2, 1]], [[0, 1], [1, 0]], [[4, 3], [3, 2]]);
    for (const reduction of ['micro', 'macro', 'micro-imagewise', 'macro-imagewise', 'none'] as const) {
      const plain = iouScore(s, { reduction });
      const weighted = iouScore(s, { reduction, classWeights: [1, 5] });
      expect(Array.from(weighted.dataSync()), reduction).toEqual(Array.from(plain.dataSync()));
      tf.dispose([plain, weighted]);
    }
    // 'weighted': per-class IoU over the batch, class 0: 1/(1+3+1) = 1/5, class 1: 5/(5+1+1) = 5/7;
    // weights [1, 5] → [1/6, 5/6]: 1/30 + 25/42.
    expectClose(value(iouScore(s, { reduction: 'weighted', classWeights: [1, 5] })), 1 / 30 + 25 / 42, { rtol: 1e-6, atol: 1e-7 });
    disposeStats(s);
  });

  it('IoU = F1 / (2 − F1) for every image and class', () => {
    const yTrue = labels([2, 6, 6], 4, 5);
    const yPred = uniform([2, 6, 6, 4], 6);
    const stats = confusionStats(yTrue, yPred, { mode: 'multiclass' });
    const iou = iouScore(stats, { reduction: 'none' });
    const f1 = f1Score(stats, { reduction: 'none' });
    const fromF1 = tf.div(f1, tf.sub(2, f1));
    expectClose(iou, fromF1, { rtol: 1e-6, atol: 1e-7 }, 'iou vs f1');
    tf.dispose([yTrue, yPred, iou, f1, fromF1]);
    disposeStats(stats);
  });
});

describe('score function API', () => {
  beforeAll(() => useBackend('cpu'));

  it('diceScore is f1Score, and every score is named after itself', () => {
    expect(diceScore).toBe(f1Score);
    for (const [name, fn] of Object.entries(SCORES)) expect(fn.name).toBe(name);
  });

  it('score functions accept the four tensors positionally (smp order tp, fp, fn, tn) and float32 stats', () => {
    const s = statsOf([[3, 1]], [[1, 0]], [[2, 4]], [[5, 6]]);
    const a = value(recall(s, { reduction: 'macro' }));
    const b = value(recall(s.tp, s.fp, s.fn, s.tn, { reduction: 'macro' }));
    const f = tf.tidy(() => ({ tp: s.tp.toFloat(), fp: s.fp.toFloat(), fn: s.fn.toFloat(), tn: s.tn.toFloat() }));
    const c = value(recall(f, { reduction: 'macro' }));
    // recall per class: 3/5 and 1/5 → mean 2/5.
    expectClose(a, 0.4, { rtol: 0, atol: 1e-7 });
    expect(b).toBe(a);
    expect(c).toBe(a);
    disposeStats(s);
    disposeStats(f);
  });

  it('a score leaves only its result behind, also when it throws', () => {
    const s = statsOf([[1, 2]], [[0, 1]], [[1, 0]], [[3, 2]]);
    const before = tf.memory().numTensors;
    for (const reduction of REDUCTIONS) {
      const x = iouScore(s, { reduction, ...(reduction.startsWith('weighted') ? { classWeights: [1, 2] } : {}) });
      expect(tf.memory().numTensors, reduction).toBe(before + 1);
      x.dispose();
    }
    expect(() => iouScore(s, { reduction: 'weighted', classWeights: [1, 2, 3] })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    disposeStats(s);
  });

  it('scores reject bad options and stats with messages naming the problem', () => {
    const s = statsOf([[1, 2]], [[0, 1]], [[1, 0]], [[3, 2]]);
    expect(() => iouScore(s, { reduction: 'mikro' as never })).toThrow(
      /^iouScore: option 'reduction' must be one of 'micro', 'macro', 'weighted', 'micro-imagewise', 'macro-imagewise', 'weighted-imagewise', 'none', got 'mikro' \(did you mean 'micro'\?\)\.$/,
    );
    expect(() => f1Score(s, { reduction: 'weighted', classWeights: [1, 2, 3] })).toThrow(/^f1Score: option 'classWeights' must have one weight per class \(2\), got 3\.$/);
    expect(() => f1Score(s, { reduction: 'macro', classWeights: [1, 2, 3] })).toThrow(/^f1Score: option 'classWeights' must have one weight per class \(2\), got 3\.$/);
    expect(() => precision(s, { reduction: 'weighted', classWeights: [0, 0] })).toThrow(/^precision: option 'classWeights' must have a positive sum/);
    expect(() => precision(s, { reduction: 'weighted', classWeights: [1, -1] })).toThrow(/^precision: option 'classWeights' must be a non-empty array of numbers >= 0/);
    expect(() => recall(s, { zeroDivision: 2 })).toThrow(/^recall: option 'zeroDivision' must be a number in \[0, 1\], got 2\.$/);
    expect(() => recall(s, { zeroDivison: 0 } as never)).toThrow(/^recall: unknown option 'zeroDivison' \(did you mean 'zeroDivision'\?\)/);
    expect(() => accuracy({ tp: s.tp, fp: s.fp } as never)).toThrow(/^accuracy: stats.fn must be a tf.Tensor, got undefined\.$/);
    const one = tf.scalar(1);
    expect(() => accuracy(one as never)).toThrow(/^accuracy: stats.tp must have shape \[B, C\] with B, C >= 1, got \[\]\.$/);
    expect(() => accuracy(3 as never)).toThrow(TypeError);
    one.dispose();
    const wrong = tf.zeros([2, 2], 'int32');
    expect(() => specificity({ ...s, tn: wrong })).toThrow(/^specificity: stats.tn must have the shape of stats.tp \[1,2\], got \[2,2\]\.$/);
    const flat = tf.zeros([2], 'int32');
    expect(() => specificity({ ...s, tn: flat })).toThrow(/^specificity: stats.tn must have shape \[B, C\]/);
    tf.dispose([wrong, flat]);
    disposeStats(s);
    expect(() => iouScore(s)).toThrow(/^iouScore: stats.tp must be a live tensor, got a disposed one\.$/);
  });
});
