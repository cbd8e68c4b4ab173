import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, fail } from '../core/validate.js';
import { boundaryDistances, reduceSurface, SCORE_EMPTY, surfaceValues, type PairEvaluator, type SurfaceValues } from './surfaceCore.js';
import type { SurfaceMasks } from './surfaceMasks.js';
import { boundary } from './surfaceGeometry.js';
import { parseSurfaceOptions, type ParsedSurface, type SurfaceDistanceOptions } from './surfaceOptions.js';

/** Options of {@link normalizedSurfaceDice}. */
export interface NormalizedSurfaceDiceOptions extends SurfaceDistanceOptions {
  /**
   * Required. The largest boundary distance τ that still counts as agreement, in `spacing`
   * units: one number ≥ 0 for every class, or one per kept class (in the order of `classes`).
   */
  tolerance: number | number[];
}

/** {@link NormalizedSurfaceDiceOptions} with defaults applied. */
export interface ParsedSurfaceDice extends ParsedSurface {
  readonly tolerance: number | readonly number[];
}

const fine = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Validates the options of {@link normalizedSurfaceDice}; `fn` names the caller in messages. */
export function parseSurfaceDice(fn: string, options: unknown): ParsedSurfaceDice {
  const o = parseSurfaceOptions(fn, options, ['tolerance'], true);
  const tolerance = ((options ?? {}) as Record<string, unknown>).tolerance;
  const ok = fine(tolerance) || (Array.isArray(tolerance) && tolerance.length > 0 && tolerance.every(fine));
  if (!ok) {
    fail(fn, `option 'tolerance' must be a number >= 0 or a non-empty array of numbers >= 0 (one per kept class), got ${describe(tolerance)}.`, 'TypeError');
  }
  return Object.freeze({ ...o, tolerance: Array.isArray(tolerance) ? [...(tolerance as number[])] : (tolerance as number) });
}

/** Per-image, per-class normalized surface Dice (no reduction), inside `tf.tidy`. */
export function surfaceDiceValues(fn: string, yTrue: unknown, yPred: unknown, o: ParsedSurfaceDice): SurfaceValues {
  const checkLength = ({ kept }: SurfaceMasks) => {
    if (typeof o.tolerance !== 'number' && o.tolerance.length !== kept.length) {
      fail(fn, `option 'tolerance' must have one entry per kept class (${kept.length}: [${kept.join(', ')}]), got ${o.tolerance.length}.`);
    }
  };
  const evaluate: PairEvaluator = (G, P, shape, k, { spacing }) => {
    const tau = typeof o.tolerance === 'number' ? o.tolerance : o.tolerance[k];
    const g = boundary(G, shape);
    const p = boundary(P, shape);
    let within = 0;
    for (const d of boundaryDistances(p.edge, p.count, g.edge, shape, spacing)) if (d <= tau) within++;
    for (const d of boundaryDistances(g.edge, g.count, p.edge, shape, spacing)) if (d <= tau) within++;
    return within / (p.count + g.count);
  };
  return surfaceValues(fn, yTrue, yPred, o, SCORE_EMPTY, evaluate, checkLength);
}

/**
 * Normalized surface Dice (NSD, surface Dice at tolerance τ): the fraction of both boundaries
 * that lies within τ of the other boundary, per image and class.
 *
 * With D(P→G) and D(G→P) as in {@link hausdorffDistance} (in `spacing` units):
 * NSD = (#{d ∈ D(P→G): d ≤ τ} + #{d ∈ D(G→P): d ≤ τ}) / (|∂P| + |∂G|), in [0, 1].
 *
 * **Empty masks** (Metrics Reloaded): 1 when G and P are both empty, 0 when exactly one is.
 *
 * **When to use:** when boundary errors below a known tolerance (inter-rater variability, e.g.
 * a few mm in radiotherapy contouring) should not count; recommended by Metrics Reloaded next to
 * Dice for boundary quality. τ is in the units of `spacing`.
 *
 * **Cost:** one read of both masks from the backend (`dataSync`), then on the CPU two exact EDTs
 * per image and class over the box around both masks: O(pixels).
 *
 * **Reference:** Nikolov et al., "Clinically applicable segmentation of head and neck anatomy for
 * radiotherapy", J Med Internet Res 23(7), 2021 (arXiv:1809.04430). Same values as MONAI's
 * `compute_surface_dice` (boundary pixels counted once each); DeepMind's `surface-distance`
 * package weighs each boundary element by its surface area instead (see docs/metrics.md).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { normalizedSurfaceDice } from 'segloss';
 * const yTrue = tf.tensor3d([0, 0, 1, 1, 1, 0, 0, 0, 0, 0], [1, 10, 1]);
 * const yPred = tf.tensor3d([0, 0, 1, 1, 1, 1, 1, 1, 0, 0], [1, 10, 1]);
 * // D(P→G) = [0, 3], D(G→P) = [0, 2]: 2 of the 4 distances are ≤ 1
 * normalizedSurfaceDice(yTrue, yPred, { tolerance: 1, fromLogits: false }).print(); // 2 / 4 = 0.5
 * ```
 * @returns float32: the mean over images and kept classes, or `[B, K]` with `reduction: 'none'`.
 * @throws Error when `tolerance` is missing, negative or has the wrong length, on unknown
 *   options, a `spacing` of the wrong length, class ids out of range, or tensors of the wrong
 *   shape for the mode.
 * @see {@link hausdorffDistance}, {@link boundaryIoU}, {@link createSurfaceAccumulator}
 */
export function normalizedSurfaceDice(yTrue: Tensor, yPred: Tensor, options: NormalizedSurfaceDiceOptions): Tensor {
  const fn = 'normalizedSurfaceDice';
  const o = parseSurfaceDice(fn, options);
  return tf.tidy(fn, () => reduceSurface(surfaceDiceValues(fn, yTrue, yPred, o), o.reduction));
}
