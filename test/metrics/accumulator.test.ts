import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_REDUCTIONS, confusionStats, createConfusionAccumulator, f1Score, iouScore, recall, specificity } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { asArrays, disposeStats, labels, mask, uniform } from './support.js';

const SCORES = [iouScore, f1Score, recall, specificity];
const optionsFor = (reduction: (typeof METRIC_REDUCTIONS)[number], C: number) =>
  reduction.startsWith('weighted') ? { reduction, classWeights: Array.from({ length: C }, (_, c) => c + 1) } : { reduction };

describe.each(BACKENDS)('createConfusionAccumulator on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  for (const mode of ['multiclass', 'multilabel'] as const) {
    it(`accumulating batches gives exactly the stats and every score of one call on the whole set (${mode})`, () => {
      const C = 3;
      const sizes = [2, 1, 3, 1]; // uneven batches, 7 images of 4×5
      const N = sizes.reduce((a, b) => a + b, 0);
      const yPred = uniform([N, 4, 5, C], 1);
      const yTrue = mode === 'multiclass' ? labels([N, 4, 5], C, 2, 255) : mask([N, 4, 5, C], 2, 255);
      const whole = confusionStats(yTrue, yPred, { mode, ignoreIndex: 255 });
      const acc = createConfusionAccumulator({ mode, ignoreIndex: 255 });
      let start = 0;
      for (const b of sizes) {
        tf.tidy(() => acc.update(tf.slice(yTrue, start, b), tf.slice(yPred, start, b)));
        start += b;
      }
      expect(acc.imageCount).toBe(N);
      const got = acc.stats();
      expect(got.tp.shape).toEqual([N, C]);
      expect(asArrays(got)).toEqual(asArrays(whole));
      for (const score of SCORES) {
        for (const reduction of METRIC_REDUCTIONS) {
          const a = acc.score(score, optionsFor(reduction, C));
          const w = score(whole, optionsFor(reduction, C));
          expect(a.shape).toEqual(w.shape);
          expect(Array.from(a.dataSync()), `${score.name} ${reduction}`).toEqual(Array.from(w.dataSync()));
          tf.dispose([a, w]);
        }
      }
      acc.reset();
      [whole, got].forEach(disposeStats);
      tf.dispose([yTrue, yPred]);
    });
  }
});

describe('createConfusionAccumulator memory and errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('an accumulator keeps a bounded number of tensors over many batches and reset() frees them all', () => {
    const before = tf.memory().numTensors;
    const acc = createConfusionAccumulator({ mode: 'binary' });
    const yTrue = mask([1, 3, 3, 1], 3);
    const yPred = uniform([1, 3, 3, 1], 4);
    const one = confusionStats(yTrue, yPred);
    let most = 0;
    for (let i = 0; i < 40; i++) {
      acc.update(yTrue, yPred);
      most = Math.max(most, tf.memory().numTensors - before);
    }
    // Chunks are merged every 16 batches: never more than 16 chunks of 4 tensors, plus the inputs and `one`.
    expect(most).toBeLessThanOrEqual(2 + 4 + 16 * 4);
    // 40 copies of the same image: every row equals the single-call row.
    const all = acc.stats();
    expect(all.tp.shape).toEqual([40, 1]);
    const tp = one.tp.dataSync()[0];
    expect(Array.from(all.tp.dataSync()).every((v) => v === tp)).toBe(true);
    disposeStats(all);
    const s = acc.score(iouScore, { reduction: 'micro-imagewise' });
    s.dispose();
    acc.reset();
    expect(acc.imageCount).toBe(0);
    disposeStats(one);
    tf.dispose([yTrue, yPred]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an accumulator starts again after reset() and can count a different class count then', () => {
    const acc = createConfusionAccumulator({ mode: 'multilabel' });
    const a = mask([1, 2, 2, 2], 5);
    const b = mask([1, 2, 2, 3], 6);
    const pa = uniform([1, 2, 2, 2], 7);
    const pb = uniform([1, 2, 2, 3], 8);
    acc.update(a, pa);
    const before = tf.memory().numTensors;
    expect(() => acc.update(b, pb)).toThrow(/^ConfusionAccumulator\.update: yPred must have the class count of the earlier batches \(2\), got C = 3\.$/);
    expect(tf.memory().numTensors).toBe(before);
    acc.reset();
    acc.update(b, pb);
    const s = acc.stats();
    expect(s.tp.shape).toEqual([1, 3]);
    disposeStats(s);
    acc.reset();
    tf.dispose([a, b, pa, pb]);
  });

  it('an accumulator rejects bad options at once and reading before any update', () => {
    expect(() => createConfusionAccumulator({ threshold: 1.5 })).toThrow(/^createConfusionAccumulator: option 'threshold' must be a number in \[0, 1\]/);
    expect(() => createConfusionAccumulator({ ignoreIdx: 255 } as never)).toThrow(/^createConfusionAccumulator: unknown option 'ignoreIdx' \(did you mean 'ignoreIndex'\?\)/);
    const acc = createConfusionAccumulator();
    expect(() => acc.stats()).toThrow(/^ConfusionAccumulator\.stats: no images counted yet/);
    expect(() => acc.score(iouScore)).toThrow(/^ConfusionAccumulator\.score: no images counted yet/);
    expect(() => acc.score('iou' as never)).toThrow(/^ConfusionAccumulator\.score: score must be a score function/);
    const y = tf.zeros([1, 2, 2, 2]);
    expect(() => acc.update(y, y)).toThrow(/^ConfusionAccumulator\.update: yPred must have C = 1 channel in 'binary' mode/);
    expect(acc.imageCount).toBe(0);
    y.dispose();
  });
});
