import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkNumber } from '../core/validate.js';
import { reduceSurface, SCORE_EMPTY, surfaceValues, type SurfaceValues } from './surfaceCore.js';
import { innerBand } from './surfaceGeometry.js';
import { parseSurfaceOptions, type ParsedSurface, type SurfaceMetricOptions } from './surfaceOptions.js';

/** Options of {@link boundaryIoU} (no `spacing`: the band width is counted in pixels). */
export interface BoundaryIoUOptions extends SurfaceMetricOptions {
  /**
   * Width of the boundary band as a fraction of the image diagonal: the band is
   * d = max(1, round(dilationRatio · √(Σ spatial sizes²))) pixels wide (rounding half up).
   * @defaultValue `0.02`
   */
  dilationRatio?: number;
}

/** {@link BoundaryIoUOptions} with defaults applied. */
export interface ParsedBoundaryIoU extends ParsedSurface {
  readonly dilationRatio: number;
}

/** Validates the options of {@link boundaryIoU}; `fn` names the caller in messages. */
export function parseBoundaryIoU(fn: string, options: unknown): ParsedBoundaryIoU {
  const o = parseSurfaceOptions(fn, options, ['dilationRatio'], false);
  const dilationRatio = checkNumber(fn, 'dilationRatio', ((options ?? {}) as Record<string, unknown>).dilationRatio, 0.02, { min: 0 });
  return Object.freeze({ ...o, dilationRatio });
}

/** The band width d in pixels for a spatial shape: max(1, round half up of ratio · diagonal). */
function bandWidth(dilationRatio: number, spatial: readonly number[]): number {
  const diagonal = Math.sqrt(spatial.reduce((s, n) => s + n * n, 0));
  return Math.max(1, Math.floor(dilationRatio * diagonal + 0.5));
}

/** Per-image, per-class Boundary IoU (no reduction), inside `tf.tidy`. */
export function boundaryIoUValues(fn: string, yTrue: unknown, yPred: unknown, o: ParsedBoundaryIoU): SurfaceValues {
  return surfaceValues(fn, yTrue, yPred, o, SCORE_EMPTY, (G, P, shape, _k, { spatial }) => {
    const d = bandWidth(o.dilationRatio, spatial); // from the whole image, not the crop
    const g = innerBand(G, shape, d);
    const p = innerBand(P, shape, d);
    let inter = 0;
    let union = 0;
    for (let i = 0; i < g.length; i++) {
      inter += g[i] & p[i];
      union += g[i] | p[i];
    }
    return inter / union; // union > 0: a non-empty mask has a non-empty band
  });
}

/**
 * Boundary IoU: the IoU of the inner boundary bands of the predicted and the target masks, per
 * image and class.
 *
 * band(M) = M minus its erosion by the full 3×3 (3×3×3 in 3-D) square repeated d times, with
 * everything outside the image counting as background, and
 * d = max(1, round(`dilationRatio` · √(Σ spatial sizes²))) pixels;
 * BIoU = |band(G) ∩ band(P)| / |band(G) ∪ band(P)|. `spacing` does not apply.
 *
 * **Empty masks** (Metrics Reloaded): 1 when G and P are both empty, 0 when exactly one is.
 *
 * **When to use:** instead of mask IoU when boundary quality matters for large objects, whose
 * mask IoU hardly moves when their boundary is off by a few pixels; it is as sensitive to
 * boundary errors of large objects as of small ones. Needs no tolerance in physical units.
 *
 * **Cost:** one read of both masks from the backend (`dataSync`), then on the CPU one separable
 * erosion per mask (one linear pass per axis) over the box around both masks: O(pixels).
 *
 * **Reference:** Cheng, Girshick, Dollár, Berg and Kirillov, "Boundary IoU: Improving
 * object-centric image segmentation evaluation", CVPR 2021 (arXiv:2103.16562); same values as
 * the authors' `mask_to_boundary` (zero-padded erosion), cross-checked by the golden fixtures.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { boundaryIoU } from 'segloss';
 * const yTrue = tf.tensor3d([0, 0, 1, 1, 1, 0, 0, 0, 0, 0], [1, 10, 1]);
 * const yPred = tf.tensor3d([0, 0, 1, 1, 1, 1, 1, 1, 0, 0], [1, 10, 1]);
 * // d = 1: band(G) = {2, 4}, band(P) = {2, 7}: one pixel shared out of three
 * boundaryIoU(yTrue, yPred, { fromLogits: false }).print(); // 1 / 3 ≈ 0.3333
 * ```
 * @returns float32: the mean over images and kept classes, or `[B, K]` with `reduction: 'none'`.
 * @throws Error on unknown options (`spacing` included), a negative `dilationRatio`, class ids
 *   out of range, or tensors of the wrong shape for the mode.
 * @see {@link normalizedSurfaceDice}, {@link iouScore}, {@link createSurfaceAccumulator}
 */
export function boundaryIoU(yTrue: Tensor, yPred: Tensor, options: BoundaryIoUOptions = {}): Tensor {
  const fn = 'boundaryIoU';
  const o = parseBoundaryIoU(fn, options);
  return tf.tidy(fn, () => reduceSurface(boundaryIoUValues(fn, yTrue, yPred, o), o.reduction));
}
