/** Streaming surface metrics: add batches, read the per-image values and their mean at the end. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, fail } from '../core/validate.js';
import { averageSurfaceDistance, averageSurfaceValues, parseAverageSurface } from './averageSurfaceDistance.js';
import { boundaryIoU, boundaryIoUValues, parseBoundaryIoU } from './boundaryIoU.js';
import { hausdorffDistance, hausdorffValues, parseHausdorff } from './hausdorffDistance.js';
import { normalizedSurfaceDice, parseSurfaceDice, surfaceDiceValues } from './normalizedSurfaceDice.js';
import { reduceSurface, type SurfaceValues } from './surfaceCore.js';
import type { ParsedSurface } from './surfaceOptions.js';

/** One of the four surface metric functions. */
export type SurfaceMetricFn = typeof hausdorffDistance | typeof averageSurfaceDistance | typeof normalizedSurfaceDice | typeof boundaryIoU;

/** Running per-image values of one surface metric; see {@link createSurfaceAccumulator}. */
export interface SurfaceAccumulator {
  /** Evaluates one batch (same checks as the metric) and keeps its `[B, K]` values. */
  update(yTrue: Tensor, yPred: Tensor): void;
  /** The values of every image so far, float32 `[N, K]` (K kept classes); the caller disposes it. */
  values(): Tensor;
  /**
   * The mean of all N·K values, a float32 scalar the caller disposes: the per-image values
   * averaged (`Infinity` if any value is, e.g. a class predicted on an image without it).
   */
  mean(): Tensor;
  /** Images evaluated so far. */
  readonly imageCount: number;
  /** Forgets every value and starts again from zero images. */
  reset(): void;
}

interface Entry {
  parse: (fn: string, options: unknown) => ParsedSurface;
  values: (fn: string, yTrue: unknown, yPred: unknown, o: never) => SurfaceValues;
}

const METRICS = new Map<unknown, Entry>([
  [hausdorffDistance, { parse: parseHausdorff, values: hausdorffValues }],
  [averageSurfaceDistance, { parse: parseAverageSurface, values: averageSurfaceValues }],
  [normalizedSurfaceDice, { parse: parseSurfaceDice, values: surfaceDiceValues }],
  [boundaryIoU, { parse: parseBoundaryIoU, values: boundaryIoUValues }],
]);

const UPDATE = 'SurfaceAccumulator.update';

/**
 * A streaming accumulator of a surface metric ({@link hausdorffDistance},
 * {@link averageSurfaceDistance}, {@link normalizedSurfaceDice} or {@link boundaryIoU}):
 * `update` each batch of a validation set, then read the per-image, per-class values with
 * `values()` and their mean with `mean()`.
 *
 * Surface metrics have no "micro" form: unlike confusion counts, boundary distances of different
 * images cannot be pooled into one meaningful number (an HD95 of the whole set would mix
 * boundaries that never face each other). So, as MONAI and the challenge leaderboards do, each
 * image gets its own value and the dataset score is the mean of those: `mean()` equals the
 * metric with `reduction: 'mean'` on the whole set at once, `values()` the metric with
 * `reduction: 'none'`. The values are kept as plain numbers (K per image), no tensors.
 *
 * @param metric - The surface metric function to accumulate.
 * @param options - The metric's options (validated once, here), except `reduction`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createSurfaceAccumulator, hausdorffDistance } from 'segloss';
 * const acc = createSurfaceAccumulator(hausdorffDistance, { percentile: 95, fromLogits: false });
 * // Two batches of one 1-D image each; in practice yPred comes from model.predict(images).
 * acc.update(tf.tensor3d([0, 1, 1, 1, 0], [1, 5, 1]), tf.tensor3d([0, 1, 1, 1, 0], [1, 5, 1])); // HD95 0
 * acc.update(tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]), tf.tensor3d([0, 0, 0, 1, 1], [1, 5, 1])); // HD95 1.95
 * acc.mean().print(); // (0 + 1.95) / 2 = 0.975
 * acc.reset();
 * ```
 * @throws Error when `metric` is not one of the four functions, on `reduction` or any option the
 *   metric rejects; `update` throws as the metric does, and when a batch's class count K differs
 *   from the first batch's; `values` and `mean` throw before any update.
 * @see {@link createConfusionAccumulator}
 */
export function createSurfaceAccumulator<F extends SurfaceMetricFn>(metric: F, options?: Omit<NonNullable<Parameters<F>[2]>, 'reduction'>): SurfaceAccumulator {
  const fn = 'createSurfaceAccumulator';
  const entry = METRICS.get(metric);
  if (!entry) {
    const names = 'hausdorffDistance, averageSurfaceDistance, normalizedSurfaceDice, boundaryIoU';
    fail(fn, `metric must be one of segloss's surface metrics (${names}), got ${typeof metric === 'function' ? `function '${metric.name}'` : describe(metric)}.`, 'TypeError');
  }
  const bag = (options ?? {}) as Record<string, unknown>;
  if (bag.reduction !== undefined) fail(fn, `option 'reduction' must be left out (read values() or mean()), got ${describe(bag.reduction)}.`);
  const parsed = entry.parse(fn, options);
  let rows: number[] = [];
  let images = 0;
  let K = 0;

  const stored = (caller: string): number[] => {
    if (images === 0) fail(caller, `no images evaluated yet, got 0 batches (call update(yTrue, yPred) first).`);
    return rows;
  };

  return {
    update(yTrue, yPred) {
      let batch: SurfaceValues = { data: new Float64Array(0), B: 0, K: 0 };
      tf.tidy(UPDATE, () => {
        batch = entry.values(UPDATE, yTrue, yPred, parsed as never); // frees the masks' tensors
      });
      if (images > 0 && batch.K !== K) fail(UPDATE, `yPred must give the kept-class count of the earlier batches (${K}), got K = ${batch.K}.`);
      K = batch.K;
      images += batch.B;
      for (let i = 0; i < batch.data.length; i++) rows.push(batch.data[i]);
    },
    values() {
      return reduceSurface({ data: Float64Array.from(stored('SurfaceAccumulator.values')), B: images, K }, 'none');
    },
    mean() {
      return reduceSurface({ data: Float64Array.from(stored('SurfaceAccumulator.mean')), B: images, K }, 'mean');
    },
    get imageCount() {
      return images;
    },
    reset() {
      rows = [];
      images = 0;
      K = 0;
    },
  };
}
