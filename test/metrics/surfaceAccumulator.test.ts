/** createSurfaceAccumulator: batch by batch equals one call on the whole set; keeps no tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaryIoU, createSurfaceAccumulator, diceLoss, hausdorffDistance, normalizedSurfaceDice } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';

/** Multiclass labels [B, 10, 12] and logits [B, 10, 12, 3] of a seeded random batch. */
function batch(B: number, seed: number): [tf.Tensor, tf.Tensor] {
  const r = rng(seed);
  const n = B * 10 * 12;
  return [
    tf.tensor3d(Int32Array.from({ length: n }, () => Math.floor(r() * 3)), [B, 10, 12], 'int32'),
    tf.tensor4d(Float32Array.from({ length: 3 * n }, () => 4 * r() - 2), [B, 10, 12, 3]),
  ];
}

describe.each(BACKENDS)('createSurfaceAccumulator on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    ['hausdorffDistance (HD95)', hausdorffDistance, { mode: 'multiclass', percentile: 95, spacing: [1, 0.5] }],
    ['normalizedSurfaceDice', normalizedSurfaceDice, { mode: 'multiclass', tolerance: [1, 2], classes: [2, 1] }],
    ['boundaryIoU', boundaryIoU, { mode: 'multiclass', dilationRatio: 0.1 }],
  ] as const)('%s: values() and mean() over three batches equal one call on the concatenated set', (_name, metric, options) => {
    const batches = [batch(2, 1), batch(1, 2), batch(3, 3)];
    const before = tf.memory().numTensors;
    const acc = createSurfaceAccumulator(metric as typeof hausdorffDistance, options as never);
    for (const [labels, logits] of batches) acc.update(labels, logits);
    expect(tf.memory().numTensors).toBe(before); // the values are kept as numbers, not tensors
    expect(acc.imageCount).toBe(6);
    const all = [tf.concat(batches.map((b) => b[0])), tf.concat(batches.map((b) => b[1]))] as const;
    const call = metric as (t: tf.Tensor, p: tf.Tensor, o: object) => tf.Tensor;
    const wantNone = call(all[0], all[1], { ...options, reduction: 'none' });
    const wantMean = call(all[0], all[1], options);
    const [values, mean] = [acc.values(), acc.mean()];
    expect(values.shape).toEqual([6, 2]);
    expect(Array.from(values.dataSync())).toEqual(Array.from(wantNone.dataSync()));
    expectClose(mean, wantMean, { rtol: 1e-6, atol: 0 });
    tf.dispose([...batches.flat(), ...all, wantNone, wantMean, values, mean]);
    acc.reset();
    expect(acc.imageCount).toBe(0);
  });

  it('mean() of HD95 per image is the average of the per-image values, Infinity included', () => {
    const acc = createSurfaceAccumulator(hausdorffDistance, { percentile: 95, fromLogits: false });
    const t = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);
    const same = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);
    const shifted = tf.tensor3d([0, 0, 0, 1, 1], [1, 5, 1]);
    const blank = tf.zeros([1, 5, 1]);
    acc.update(t, same); // 0
    acc.update(t, shifted); // D(P→G) = [1, 2], D(G→P) = [2, 1]: 1 + 0.95·(2 − 1) = 1.95 each way
    let mean = acc.mean();
    expectClose(mean, (0 + 1.95) / 2, { rtol: 1e-6, atol: 0 });
    mean.dispose();
    acc.update(t, blank); // prediction empty, target not: Infinity
    mean = acc.mean();
    expect(mean.dataSync()[0]).toBe(Infinity);
    tf.dispose([t, same, shifted, blank, mean]);
  });

  it('throws for a non-metric, a reduction, options the metric rejects, reads before update and a changed class count', () => {
    expect(() => createSurfaceAccumulator(diceLoss as never)).toThrow(/^createSurfaceAccumulator: metric must be one of segloss's surface metrics \(.*\), got function 'diceLoss'\./);
    expect(() => createSurfaceAccumulator(hausdorffDistance, { reduction: 'none' } as never)).toThrow(
      /^createSurfaceAccumulator: option 'reduction' must be left out \(read values\(\) or mean\(\)\), got 'none'\./,
    );
    expect(() => createSurfaceAccumulator(normalizedSurfaceDice, {} as never)).toThrow(/^createSurfaceAccumulator: option 'tolerance' must be/);
    expect(() => createSurfaceAccumulator(hausdorffDistance, { percentile: 200 })).toThrow(/^createSurfaceAccumulator: option 'percentile'/);
    const acc = createSurfaceAccumulator(hausdorffDistance, { mode: 'multiclass' });
    expect(() => acc.mean()).toThrow(/^SurfaceAccumulator\.mean: no images evaluated yet, got 0 batches/);
    expect(() => acc.values()).toThrow(/^SurfaceAccumulator\.values: no images evaluated yet/);
    const [labels, logits] = batch(1, 4);
    acc.update(labels, logits);
    const four = tf.zeros([1, 10, 12, 4]);
    const narrow = tf.zeros([1, 10, 11], 'int32');
    const before = tf.memory().numTensors;
    expect(() => acc.update(labels, four)).toThrow(/^SurfaceAccumulator\.update: yPred must give the kept-class count of the earlier batches \(2\), got K = 3\./);
    expect(() => acc.update(narrow, logits)).toThrow(/^SurfaceAccumulator\.update: yTrue must be class indices/);
    expect(tf.memory().numTensors).toBe(before);
    expect(acc.imageCount).toBe(1);
    tf.dispose([labels, logits, four, narrow]);
  });
});
