import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { allForeground, createScorer, foregroundFraction, scoreImage } from '../../src/cli/pipeline/score.js';
import { foregroundCount } from '../../src/cli/pipeline/labels.js';
import { splitTail } from '../../src/cli/pipeline/split.js';
import { IGNORED, type Dataset } from '../../src/cli/pipeline/types.js';

const dataset = (...masks: number[][]): Dataset => ({
  channels: 1,
  classes: 2,
  samples: masks.map((m, i) => ({ name: `s${i}`, width: m.length, height: 1, channels: 1, image: new Float32Array(m.length), labels: Int32Array.from(m) })),
});

describe('baselines and fractions', () => {
  it('allForeground() scores predicting foreground on every valid pixel', () => {
    // tp = 1 (the one 1), fp = 2 (the two 0s), fn = 0; the IGNORED pixel takes no part:
    // Dice = 2·1 / (2·1 + 2) = 0.5, IoU = precision = 1/3, recall = 1.
    const s = allForeground(dataset([1, 0, 0, IGNORED]));
    expect(s).toEqual({ dice: 0.5, iou: 1 / 3, precision: 1 / 3, recall: 1 });
  });

  it('foregroundFraction() counts non-background among valid pixels', () => {
    const d = dataset([1, 0, 0, IGNORED], [2, 0, IGNORED, IGNORED]);
    expect(foregroundFraction(d.samples.map((s) => foregroundCount(s.labels)))).toBe(2 / 5);
  });
});

describe('createScorer()', () => {
  it('accumulates batches and ignores IGNORED pixels (binary: foreground scores)', () => {
    const scorer = createScorer('binary');
    // Batch 1: truth [1, 0], logits [+, +] → tp 1, fp 1. Batch 2: truth [1, IGNORED], logits [-, +] → fn 1.
    tf.tidy(() => {
      scorer.update(tf.tensor4d([1, 0], [1, 1, 2, 1]), tf.tensor4d([3, 3], [1, 1, 2, 1]));
      scorer.update(tf.tensor4d([1, IGNORED], [1, 1, 2, 1]), tf.tensor4d([-3, 3], [1, 1, 2, 1]));
    });
    const s = scorer.result();
    // tp 1, fp 1, fn 1: Dice = 2/4, IoU = 1/3, precision = recall = 1/2.
    expect(s.dice).toBeCloseTo(0.5, 6);
    expect(s.iou).toBeCloseTo(1 / 3, 6);
    expect(s.precision).toBeCloseTo(0.5, 6);
    expect(s.recall).toBeCloseTo(0.5, 6);
  });
});

describe('multiclass scores', () => {
  it('createScorer() averages over the classes in the truth: an absent class is not a perfect 1, a never-predicted one has no precision', () => {
    const scorer = createScorer('multiclass');
    // truth [0, 0, 1, 1], prediction (argmax) [0, 0, 0, 0]; class 2 neither in the truth nor predicted.
    tf.tidy(() => scorer.update(tf.tensor4d([0, 0, 1, 1], [1, 1, 4, 1]), tf.tensor4d([5, 0, 0, 5, 0, 0, 5, 0, 0, 5, 0, 0], [1, 1, 4, 3])));
    const s = scorer.result();
    // class 0: TP 2, FP 2 → IoU 1/2, precision 1/2; class 1: TP 0, FN 2 → IoU 0, precision NaN counted 0.
    expect(s.iou).toBeCloseTo(0.25, 6);
    expect(s.precision).toBeCloseTo(0.25, 6);
    expect(s.recall).toBeCloseTo(0.5, 6);
  });

  it('scoreImage() gives the counts, the confusion matrix and the scores of a label map', () => {
    const { scores, confusion } = scoreImage('a', Int32Array.of(0, 1, 1, IGNORED), Int32Array.of(0, 1, 0, 1), 'binary', 2);
    expect(confusion).toEqual([[1, 0], [1, 1]]);
    // foreground TP 1, FP 0, FN 1: Dice 2/3, IoU 1/2, precision 1, recall 1/2
    expect(scores).toEqual({ image: 'a', dice: 2 / 3, iou: 1 / 2, precision: 1, recall: 1 / 2, counts: { tp: [1, 1], fp: [1, 0], fn: [0, 1] } });
    const empty = scoreImage('b', Int32Array.of(0, 0), Int32Array.of(0, 0), 'binary', 2).scores;
    // nothing to find and nothing found: Dice = IoU = 1; precision and recall undefined
    expect([empty.dice, empty.iou, empty.precision, empty.recall]).toEqual([1, 1, NaN, NaN]);
    expect(() => scoreImage('c', Int32Array.of(3), Int32Array.of(0), 'multiclass', 3)).toThrow(/^confusionMatrix: labels must be in 0\.\.2/);
  });
});

describe('splitTail()', () => {
  it('holds out round(n·fraction) samples, at least one and leaving one', () => {
    const d = dataset([0], [0], [0], [0]);
    expect(splitTail(d, 0.25).map((x) => x.samples.length)).toEqual([3, 1]);
    expect(splitTail(d, 0.01).map((x) => x.samples.length)).toEqual([3, 1]);
    expect(splitTail(d, 0.99).map((x) => x.samples.length)).toEqual([1, 3]);
    expect(() => splitTail(dataset([0]), 0.5)).toThrow('need at least 2 image/mask pairs to hold some out for validation, got 1.');
  });
});
