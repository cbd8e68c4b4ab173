import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkBoolean } from '../core/validate.js';
import { boundaryDistances, DISTANCE_EMPTY, reduceSurface, sumOf, surfaceValues, type SurfaceValues } from './surfaceCore.js';
import { boundary } from './surfaceGeometry.js';
import { parseSurfaceOptions, type ParsedSurface, type SurfaceDistanceOptions } from './surfaceOptions.js';

/** Options of {@link averageSurfaceDistance}. */
export interface AverageSurfaceDistanceOptions extends SurfaceDistanceOptions {
  /**
   * `true`: the average symmetric surface distance (ASSD), pooled over both directions;
   * `false`: the mean of D(P→G) alone (prediction to target).
   * @defaultValue `true`
   */
  symmetric?: boolean;
}

/** {@link AverageSurfaceDistanceOptions} with defaults applied. */
export interface ParsedAverageSurface extends ParsedSurface {
  readonly symmetric: boolean;
}

/** Validates the options of {@link averageSurfaceDistance}; `fn` names the caller in messages. */
export function parseAverageSurface(fn: string, options: unknown): ParsedAverageSurface {
  const o = parseSurfaceOptions(fn, options, ['symmetric'], true);
  const symmetric = checkBoolean(fn, 'symmetric', ((options ?? {}) as Record<string, unknown>).symmetric, true);
  return Object.freeze({ ...o, symmetric });
}

/** Per-image, per-class average surface distances (no reduction), inside `tf.tidy`. */
export function averageSurfaceValues(fn: string, yTrue: unknown, yPred: unknown, o: ParsedAverageSurface): SurfaceValues {
  return surfaceValues(fn, yTrue, yPred, o, DISTANCE_EMPTY, (G, P, shape, _k, { spacing }) => {
    const g = boundary(G, shape);
    const p = boundary(P, shape);
    const predToTarget = sumOf(boundaryDistances(p.edge, p.count, g.edge, shape, spacing));
    if (!o.symmetric) return predToTarget / p.count;
    return (predToTarget + sumOf(boundaryDistances(g.edge, g.count, p.edge, shape, spacing))) / (p.count + g.count);
  });
}

/**
 * Average surface distance between the boundaries of the predicted and the target masks, per
 * image and class: by default the average symmetric surface distance (ASSD).
 *
 * With D(P→G) and D(G→P) the distances from each boundary pixel of one mask to the nearest
 * boundary pixel of the other (as in {@link hausdorffDistance}, in `spacing` units):
 * ASSD = (ΣD(P→G) + ΣD(G→P)) / (|∂P| + |∂G|), pooled over both boundaries;
 * with `symmetric: false`, the mean of D(P→G).
 *
 * **Empty masks** (Metrics Reloaded): 0 when G and P are both empty, `Infinity` when exactly one
 * is; never NaN.
 *
 * **When to use:** the typical boundary error of a segmentation (where HD95 reports the near
 * worst case), e.g. in organ and tumour segmentation challenges, in mm with `spacing`.
 *
 * **Cost:** one read of both masks from the backend (`dataSync`), then on the CPU two exact EDTs
 * per image and class over the box around both masks (one with `symmetric: false`): O(pixels).
 *
 * **Reference:** Heimann et al., "Comparison and evaluation of methods for liver segmentation
 * from CT datasets", IEEE TMI 28(8), 2009 (ASSD); Maier-Hein et al., "Metrics reloaded", Nature
 * Methods 2024 (arXiv:2206.01653). Same values as MONAI's `compute_average_surface_distance`
 * with `symmetric=True`: MONAI pools both directions' distances before the mean, as here.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { averageSurfaceDistance } from 'segloss';
 * const yTrue = tf.tensor3d([0, 0, 1, 1, 1, 0, 0, 0, 0, 0], [1, 10, 1]);
 * const yPred = tf.tensor3d([0, 0, 1, 1, 1, 1, 1, 1, 0, 0], [1, 10, 1]);
 * // D(P→G) = [0, 3], D(G→P) = [0, 2]: (0 + 3 + 0 + 2) / 4
 * averageSurfaceDistance(yTrue, yPred, { fromLogits: false }).print(); // 5 / 4 = 1.25
 * ```
 * @returns float32: the mean over images and kept classes, or `[B, K]` with `reduction: 'none'`.
 * @throws Error on unknown options, a `spacing` of the wrong length, class ids out of range, or
 *   tensors of the wrong shape for the mode.
 * @see {@link hausdorffDistance}, {@link normalizedSurfaceDice}, {@link createSurfaceAccumulator}
 */
export function averageSurfaceDistance(yTrue: Tensor, yPred: Tensor, options: AverageSurfaceDistanceOptions = {}): Tensor {
  const fn = 'averageSurfaceDistance';
  const o = parseAverageSurface(fn, options);
  return tf.tidy(fn, () => reduceSurface(averageSurfaceValues(fn, yTrue, yPred, o), o.reduction));
}
