/**
 * Bad input gets a clear Error naming the function, the argument, what was expected and what
 * came — at factory time for options, at call time for tensors — and leaks no tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../src/index.js';
import { useBackend } from './helpers/backends.js';

type Factory = (options?: Record<string, unknown>) => segloss.LossFn;
const make = (name: string, options?: Record<string, unknown>) => (segloss as unknown as Record<string, Factory>)[name](options);

beforeAll(() => useBackend('cpu'));

describe('option errors are thrown by the factory', () => {
  it.each([
    ['diceLoss', { smoth: 1 }, Error, /^diceLoss: unknown option 'smoth' \(did you mean 'smooth'\?\)/],
    ['focalLoss', { gama: 2 }, Error, /^focalLoss: unknown option 'gama' \(did you mean 'gamma'\?\)/],
    ['tverskyLoss', { alpah: 0.3 }, Error, /^tverskyLoss: unknown option 'alpah' \(did you mean 'alpha'\?\)/],
    ['diceLoss', { mode: 'multiclas' }, Error, /^diceLoss: option 'mode' must be one of 'binary', 'multiclass', 'multilabel', got 'multiclas' \(did you mean 'multiclass'\?\)/],
    ['diceLoss', { reduction: 'avg' }, Error, /^diceLoss: option 'reduction' must be one of 'mean', 'sum', 'none', got 'avg'/],
    ['diceLoss', { dataFormat: 'NHWC' }, Error, /^diceLoss: option 'dataFormat' must be one of 'channelsLast', 'channelsFirst', got 'NHWC'/],
    ['diceLoss', { smooth: -1 }, RangeError, /^diceLoss: option 'smooth' must be a number >= 0, got -1\./],
    ['diceLoss', { eps: 0 }, RangeError, /^diceLoss: option 'eps' must be a number > 0, got 0\./],
    ['diceLoss', { smooth: '1' }, TypeError, /^diceLoss: option 'smooth' must be a number >= 0, got '1'\./],
    ['diceLoss', { fromLogits: 'yes' }, TypeError, /^diceLoss: option 'fromLogits' must be true or false, got 'yes'\./],
    ['diceLoss', { classes: [0, 1.5] }, TypeError, /^diceLoss: option 'classes' must be a non-empty array of integers >= 0, got \[0, 1\.5\]\./],
    ['diceLoss', { classWeights: [1, -2] }, TypeError, /^diceLoss: option 'classWeights' must be a non-empty array of numbers >= 0/],
    ['diceLoss', { squared: true, softLabel: true }, Error, /^diceLoss: options 'squared' and 'softLabel' cannot be combined/],
    ['tverskyLoss', { gamma: -1 }, RangeError, /^tverskyLoss: option 'gamma' must be a number >= 0, got -1\./],
    ['tverskyLoss', { beta: -0.1 }, RangeError, /^tverskyLoss: option 'beta' must be a number >= 0, got -0\.1\./],
    ['focalLoss', { alpha: 1.5 }, RangeError, /^focalLoss: option 'alpha' must be a number in \[0, 1\], got 1\.5\./],
    ['focalLoss', { alpha: [0.2, 0.8] }, TypeError, /^focalLoss: option 'alpha' must be a number in \[0, 1\] or null in 'binary' mode/],
    ['focalLoss', { gamma: Number.NaN }, RangeError, /^focalLoss: option 'gamma' must be a number >= 0, got NaN\./],
    ['bceLoss', { mode: 'multiclass' }, Error, /^bceLoss: option 'mode' must be one of 'binary', 'multilabel', got 'multiclass'/],
    ['bceLoss', { labelSmoothing: 2 }, RangeError, /^bceLoss: option 'labelSmoothing' must be a number in \[0, 1\], got 2\./],
    ['crossEntropyLoss', { mode: 'binary' }, Error, /^crossEntropyLoss: option 'mode' must be one of 'multiclass', got 'binary'/],
    ['comboLoss', { beta: 2 }, RangeError, /^comboLoss: option 'beta' must be a number in \[0, 1\], got 2\./],
    ['comboLoss', { mode: 'multiclass' }, Error, /^comboLoss: option 'mode' must be one of 'binary', 'multilabel'/],
    ['bceDiceLoss', { bceWeigth: 1 }, Error, /^bceDiceLoss: unknown option 'bceWeigth' \(did you mean 'bceWeight'\?\)/],
  ])('%s(%j) throws %s', (name, options, kind, pattern) => {
    let error: unknown;
    try {
      make(name, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toMatch(pattern);
  });

  it('rejects options that are not an object', () => {
    expect(() => segloss.diceLoss(5 as never)).toThrow(/^diceLoss: options must be an object, got 5\./);
  });
});

describe('tensor errors are thrown at call time and leak nothing', () => {
  const cases: [string, string, Record<string, unknown> | undefined, () => [unknown, unknown], RegExp][] = [
    ['a rank-2 yPred', 'diceLoss', undefined, () => [tf.zeros([4, 4]), tf.zeros([4, 4])], /^diceLoss: yPred must have rank >= 3 \(\[B, \.\.\.spatial, C\]\), got shape \[4,4\]\./],
    ['C = 3 in binary mode', 'diceLoss', undefined, () => [tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3])], /^diceLoss: yPred must have C = 1 channel in 'binary' mode .* got C = 3/],
    ['C = 1 in multiclass mode', 'crossEntropyLoss', undefined, () => [tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 1])], /^crossEntropyLoss: yPred must have C >= 2 channels in 'multiclass' mode, got C = 1/],
    ['mismatched batch', 'bceLoss', undefined, () => [tf.zeros([2, 2, 2, 1]), tf.zeros([1, 2, 2, 1])], /^bceLoss: yTrue must have the batch size of yPred \(1\), got shape \[2,2,2,1\]/],
    ['mismatched spatial shape', 'focalLoss', undefined, () => [tf.zeros([1, 3, 2, 1]), tf.zeros([1, 2, 2, 1])], /^focalLoss: yTrue must have the shape of yPred \[1,2,2,1\] in 'binary' mode, got shape \[1,3,2,1\]\./],
    ['wrong label shape', 'diceLoss', { mode: 'multiclass' }, () => [tf.zeros([1, 3, 3], 'int32'), tf.zeros([1, 2, 2, 3])], /^diceLoss: yTrue must be class indices \[1,2,2\]/],
    ['non-integral labels', 'crossEntropyLoss', undefined, () => [tf.tensor3d([0, 1.5, 1, 0], [1, 2, 2]), tf.zeros([1, 2, 2, 3])], /^crossEntropyLoss: yTrue class indices must be integers, got 1 non-integral value/],
    ['a negative label', 'focalLoss', { mode: 'multiclass' }, () => [tf.tensor3d([0, -1, 1, 0], [1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])], /^focalLoss: yTrue class indices must be in \[0, 3\), got -1\./],
    ['a label outside [0, C) that is not ignoreIndex', 'diceLoss', { mode: 'multiclass', ignoreIndex: 255 }, () => [tf.tensor3d([0, 254, 255, 0], [1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])], /^diceLoss: yTrue class indices must be in \[0, 3\) or ignoreIndex 255, got 254\./],
    ['classWeights of the wrong length', 'diceLoss', { mode: 'multiclass', classWeights: [1, 2] }, () => [tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])], /^diceLoss: option 'classWeights' must have one weight per class \(3\), got 2\./],
    ['a class id outside [0, C)', 'jaccardLoss', { mode: 'multiclass', classes: [0, 3] }, () => [tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])], /^jaccardLoss: option 'classes' must hold class ids in \[0, 3\), got 3\./],
    ['a focal alpha array of the wrong length', 'focalLoss', { mode: 'multiclass', alpha: [1, 1] }, () => [tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])], /^focalLoss: option 'alpha' must have one entry per class \(3\), got 2\./],
    ['an int32 yPred', 'diceLoss', undefined, () => [tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1], 'int32')], /^diceLoss: yPred must be float32, got int32\./],
    ['a non-tensor yTrue', 'diceLoss', undefined, () => [[1, 0], tf.zeros([1, 2, 2, 1])], /^diceLoss: yTrue must be a tf\.Tensor, got \[1, 0\]\./],
  ];
  it.each(cases)('%s: %s throws a message naming it', (_what, name, options, inputs, pattern) => {
    const loss = make(name, options);
    const [yTrue, yPred] = inputs();
    const before = tf.memory().numTensors;
    expect(() => loss(yTrue as tf.Tensor, yPred as tf.Tensor)).toThrow(pattern);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred].filter((x): x is tf.Tensor => x instanceof tf.Tensor));
  });
});
