/**
 * Bad input to the surface metrics: each error names the function and the argument in the
 * library's pattern, is thrown before any work, and leaves no tensor behind; good calls leave
 * exactly their result behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { averageSurfaceDistance, boundaryIoU, hausdorffDistance, normalizedSurfaceDice } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';

type AnyMetric = (yTrue: tf.Tensor, yPred: tf.Tensor, options?: Record<string, unknown>) => tf.Tensor;
const METRICS: [string, AnyMetric, Record<string, unknown>][] = [
  ['hausdorffDistance', hausdorffDistance as AnyMetric, {}],
  ['averageSurfaceDistance', averageSurfaceDistance as AnyMetric, {}],
  ['normalizedSurfaceDice', normalizedSurfaceDice as AnyMetric, { tolerance: 1 }],
  ['boundaryIoU', boundaryIoU as AnyMetric, {}],
];

describe.each(BACKENDS)('surface metric errors on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const yTrue = () => tf.tensor4d([0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0], [1, 3, 4, 1]);
  const yPred = () => tf.tensor4d([-2, 3, 3, -1, -2, 2, -3, -1, 1, -2, -2, -2], [1, 3, 4, 1]);

  /** Runs `call` expecting `pattern`, and checks that the throw leaves no tensor behind. */
  function expectThrowClean(call: (t: tf.Tensor, p: tf.Tensor) => unknown, pattern: RegExp): void {
    const [t, p] = [yTrue(), yPred()];
    const before = tf.memory().numTensors;
    expect(() => call(t, p)).toThrow(pattern);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([t, p]);
  }

  it.each(METRICS)('%s leaves exactly its result behind, 10 calls in a row', (_name, metric, base) => {
    const [t, p] = [yTrue(), yPred()];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const out = metric(t, p, { ...base, reduction: i % 2 ? 'none' : 'mean' });
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(out.shape).toEqual(i % 2 ? [1, 1] : []);
      out.dispose();
    }
    tf.dispose([t, p]);
  });

  it.each(METRICS)('%s rejects an unknown option with a suggestion, and a bad reduction', (name, metric, base) => {
    expectThrowClean((t, p) => metric(t, p, { ...base, treshold: 0.4 }), new RegExp(`^${name}: unknown option 'treshold' \\(did you mean 'threshold'\\?\\)`));
    expectThrowClean((t, p) => metric(t, p, { ...base, reduction: 'sum' }), new RegExp(`^${name}: option 'reduction' must be one of 'mean', 'none', got 'sum'\\.`));
  });

  it.each(METRICS.slice(0, 3))('%s rejects a spacing of the wrong length or with a non-positive entry', (name, metric, base) => {
    expectThrowClean(
      (t, p) => metric(t, p, { ...base, spacing: [1, 1, 1] }),
      new RegExp(`^${name}: option 'spacing' must have one entry per spatial axis \\(2 for spatial shape \\[3,4\\]\\), got 3\\.`),
    );
    expectThrowClean((t, p) => metric(t, p, { ...base, spacing: [1, 0] }), new RegExp(`^${name}: option 'spacing' must be a non-empty array of finite numbers > 0`));
  });

  it.each(METRICS)('%s rejects class ids out of range and tensors of the wrong shape', (name, metric, base) => {
    expectThrowClean((t, p) => metric(t, p, { ...base, classes: [1] }), new RegExp(`^${name}: option 'classes' must hold class ids in \\[0, 1\\), got 1\\.`));
    const [wide, flat] = [tf.zeros([1, 3, 5, 1]), tf.zeros([3, 4])];
    expectThrowClean((t) => metric(t, wide, base), new RegExp(`^${name}: yTrue must have the shape of yPred \\[1,3,5,1\\]`));
    expectThrowClean((t) => metric(t, flat, base), new RegExp(`^${name}: yPred must have rank >= 3`));
    tf.dispose([wide, flat]);
  });

  it('hausdorffDistance rejects a percentile outside [0, 100] and a non-boolean directed', () => {
    expectThrowClean((t, p) => hausdorffDistance(t, p, { percentile: 101 }), /^hausdorffDistance: option 'percentile' must be a number in \[0, 100\], got 101\./);
    expectThrowClean((t, p) => hausdorffDistance(t, p, { percentile: -5 }), /^hausdorffDistance: option 'percentile' must be a number in \[0, 100\], got -5\./);
    expectThrowClean((t, p) => {
      try {
        hausdorffDistance(t, p, { percentile: -5 });
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        throw e;
      }
    }, /percentile/);
    expectThrowClean((t, p) => hausdorffDistance(t, p, { directed: 'yes' as never }), /^hausdorffDistance: option 'directed' must be true or false, got 'yes'\./);
  });

  it('normalizedSurfaceDice needs a tolerance: a number >= 0 or one per kept class', () => {
    const nsd = normalizedSurfaceDice as AnyMetric;
    expectThrowClean((t, p) => nsd(t, p), /^normalizedSurfaceDice: option 'tolerance' must be a number >= 0 or a non-empty array of numbers >= 0 \(one per kept class\), got undefined\./);
    expectThrowClean((t, p) => nsd(t, p, { tolerance: -1 }), /^normalizedSurfaceDice: option 'tolerance' .*, got -1\./);
    expectThrowClean((t, p) => nsd(t, p, { tolerance: [1, 2] }), /^normalizedSurfaceDice: option 'tolerance' must have one entry per kept class \(1: \[0\]\), got 2\./);
  });

  it('boundaryIoU takes no spacing (the band is counted in pixels) and no negative dilationRatio', () => {
    expectThrowClean((t, p) => boundaryIoU(t, p, { spacing: [1, 1] } as never), /^boundaryIoU: unknown option 'spacing'/);
    expectThrowClean((t, p) => boundaryIoU(t, p, { dilationRatio: -0.1 }), /^boundaryIoU: option 'dilationRatio' must be a number >= 0, got -0\.1\./);
  });

  it('multiclass index targets outside [0, C) are an error', () => {
    const labels = tf.tensor3d([0, 1, 2, 3], [1, 2, 2], 'int32');
    const logits = tf.zeros([1, 2, 2, 3]);
    const before = tf.memory().numTensors;
    expect(() => hausdorffDistance(labels, logits, { mode: 'multiclass' })).toThrow(/^hausdorffDistance: yTrue class indices must be in \[0, 3\), got 3\./);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([labels, logits]);
  });
});
