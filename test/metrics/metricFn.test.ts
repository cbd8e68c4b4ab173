import * as tfl from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { confusionStats, diceScore, f1Score, iouScore, precision, toMetric } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { disposeStats, labels, mask, uniform } from './support.js';

describe('toMetric', () => {
  beforeAll(() => useBackend('cpu'));

  it('toMetric() returns a named (yTrue, yPred) => scalar equal to the score of confusionStats', () => {
    const yTrue = labels([2, 4, 4], 3, 1, 255);
    const yPred = uniform([2, 4, 4, 3], 2);
    const metric = toMetric(iouScore, { mode: 'multiclass', ignoreIndex: 255, reduction: 'macro-imagewise' });
    expect(metric.name).toBe('iouScore');
    const before = tf.memory().numTensors;
    const got = metric(yTrue, yPred);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(got.shape).toEqual([]);
    const stats = confusionStats(yTrue, yPred, { mode: 'multiclass', ignoreIndex: 255 });
    const want = iouScore(stats, { reduction: 'macro-imagewise' });
    expectClose(got, want, { rtol: 0, atol: 0 });
    tf.dispose([yTrue, yPred, got, want]);
    disposeStats(stats);
  });

  it('toMetric() takes its name from the score or the name option', () => {
    expect(toMetric(diceScore).name).toBe('f1Score');
    expect(toMetric(precision, { threshold: 0.7 }).name).toBe('precision');
    expect(toMetric(iouScore, { mode: 'multiclass', reduction: 'macro', name: 'mIoU' }).name).toBe('mIoU');
  });

  it('toMetric() validates its options once, when it is built', () => {
    expect(() => toMetric(iouScore, { reduction: 'none' as never })).toThrow(/^toMetric: option 'reduction' must be one of 'micro', 'macro', 'weighted', 'micro-imagewise', 'macro-imagewise', 'weighted-imagewise', got 'none'\.$/);
    expect(() => toMetric(iouScore, { threshhold: 0.5 } as never)).toThrow(/^toMetric: unknown option 'threshhold' \(did you mean 'threshold'\?\)/);
    expect(() => toMetric(iouScore, { threshold: 2 })).toThrow(/^toMetric: option 'threshold' must be a number in \[0, 1\], got 2\.$/);
    expect(() => toMetric(iouScore, { reduction: 'weighted', classWeights: [0] })).toThrow(/^toMetric: option 'classWeights' must have a positive sum/);
    expect(() => toMetric(iouScore, { name: '' })).toThrow(/^toMetric: option 'name' must be a non-empty string/);
    const custom = (() => tf.scalar(0)) as never;
    expect(() => toMetric(custom)).toThrow(/^toMetric: score must be one of segloss's score functions \(iouScore, f1Score, precision, recall, accuracy, specificity\)/);
  });

  it('a toMetric() metric reports errors of a call under its own name', () => {
    const metric = toMetric(f1Score, { mode: 'multilabel', reduction: 'weighted', classWeights: [1, 2] });
    const yTrue = mask([1, 2, 2, 3], 3);
    const yPred = uniform([1, 2, 2, 3], 4);
    const before = tf.memory().numTensors;
    expect(() => metric(yTrue, yPred)).toThrow(/^f1Score: option 'classWeights' must have one weight per class \(3\), got 2\.$/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred]);
  });

  it('model.fit reports a toMetric() metric in its history, with the value of the batch before the update', async () => {
    // A 1×1 conv with sigmoid on 8 images of 4×4×2; one batch per epoch, so the history value is
    // the metric of the predictions made before the (only) optimizer step of that epoch.
    const x = uniform([8, 4, 4, 2], 5, -1, 1);
    const y = mask([8, 4, 4, 1], 6);
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: 'ones' })],
    });
    const metric = toMetric(iouScore, { fromLogits: false, threshold: 0.5 });
    model.compile({ optimizer: tfl.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: [metric] });
    const expected = tf.tidy(() => metric(y, model.predict(x) as tf.Tensor).dataSync()[0]!);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, validationData: [x, y], verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['iouScore', 'loss', 'val_iouScore', 'val_loss']);
    const reported = history.history.iouScore as number[];
    expect(reported).toHaveLength(2);
    expectClose(reported[0]!, expected, { rtol: 1e-6, atol: 1e-6 }, 'first epoch iouScore');
    expect(reported.every((v) => v >= 0 && v <= 1)).toBe(true);
    // The validation value is the metric of the model after the last update.
    const after = tf.tidy(() => metric(y, model.predict(x) as tf.Tensor).dataSync()[0]!);
    expectClose((history.history.val_iouScore as number[])[1]!, after, { rtol: 1e-6, atol: 1e-6 }, 'val_iouScore');
    model.dispose();
    tf.dispose([x, y]);
  });
});
