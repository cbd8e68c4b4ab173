/** The @example blocks of the metric TSDoc, run as written, with the values their comments state. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, confusionStats, diceScore, f1Score, iouScore, precision, recall, specificity } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';

const first = (x: tf.Tensor) => {
  const v = x.dataSync()[0]!;
  x.dispose();
  return v;
};

describe('metric TSDoc examples', () => {
  beforeAll(() => useBackend('cpu'));

  it('the confusionStats, precision, accuracy and specificity examples give 1/3, 1/2, 1/2, 1/2', () => {
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
    const stats = confusionStats(yTrue, logits); // tp 1, fp 1, fn 1, tn 1
    expect(first(iouScore(stats))).toBeCloseTo(1 / 3, 6);
    expect(first(precision(confusionStats(yTrue, logits)))).toBe(0.5);
    expect(first(accuracy(confusionStats(yTrue, logits)))).toBe(0.5);
    expect(first(specificity(confusionStats(yTrue, logits)))).toBe(0.5);
  });

  it('the iouScore example gives a macro IoU of 2/3', () => {
    const yTrue = tf.tensor2d([0, 1, 2, 2], [1, 4], 'int32');
    const logits = tf.oneHot(tf.tensor2d([0, 1, 2, 1], [1, 4], 'int32'), 3).toFloat();
    const stats = confusionStats(yTrue, logits, { mode: 'multiclass' });
    expect(first(iouScore(stats, { reduction: 'macro' }))).toBeCloseTo(2 / 3, 6);
  });

  it('the f1Score, recall and diceScore examples give 0.5, 1 and true', () => {
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const probs = tf.tensor4d([0.9, 0.2, 0.7, 0.1], [1, 2, 2, 1]);
    expect(first(f1Score(confusionStats(yTrue, probs, { fromLogits: false })))).toBe(0.5);
    const logits = tf.tensor4d([3, 2, 2, -3], [1, 2, 2, 1]);
    expect(first(recall(confusionStats(yTrue, logits)))).toBe(1);
    expect(diceScore === f1Score).toBe(true);
  });
});
