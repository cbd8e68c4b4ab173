/**
 * Options shared by the surface metrics (SPEC v1.2 "Surface metrics"): which pixels form the
 * target mask G and the predicted mask P, which classes are kept, how the `[B, K]` values are
 * reduced, and the pixel `spacing` of the distance metrics.
 */
import type { CommonOptions } from '../types.js';
import { parseClassOptions, parseReduction } from '../core/options.js';
import { parseConfusionOptions, type ParsedConfusion } from './confusionStats.js';
import { parseSpacing } from '../losses/signedDistanceMap.js';

/** How a surface metric reduces its per-image, per-class values `[B, K]`. */
export type SurfaceReduction = 'mean' | 'none';

const SURFACE_REDUCTIONS = ['mean', 'none'] as const;

/** Options of every surface metric: how the masks are read, which classes, which reduction. */
export interface SurfaceMetricOptions extends CommonOptions {
  /**
   * `'binary'` / `'multilabel'`: a pixel is in the predicted mask P where its probability
   * p ≥ `threshold` (p = sigmoid(yPred) when `fromLogits`). Validated but unused in
   * `'multiclass'` mode, where P of class c is where the argmax over C is c.
   * @defaultValue `0.5`
   */
  threshold?: number;
  /**
   * Class (channel) ids to evaluate, in this order; the result has one column per kept class.
   * @defaultValue binary `[0]`, multilabel every channel, multiclass every class but 0 (background)
   */
  classes?: number[];
  /**
   * `'mean'`: the mean of all `[B, K]` values (an `Infinity` among them makes it `Infinity`);
   * `'none'`: the `[B, K]` values themselves.
   * @defaultValue `'mean'`
   */
  reduction?: SurfaceReduction;
}

/** Options of the distance-based surface metrics: those of every surface metric plus `spacing`. */
export interface SurfaceDistanceOptions extends SurfaceMetricOptions {
  /**
   * Distance between neighbouring pixels along each spatial axis (one entry per spatial axis),
   * e.g. a CT volume's voxel size in mm; every distance is in these units.
   * @defaultValue 1 along every axis
   */
  spacing?: number[];
}

/** {@link SurfaceDistanceOptions} with defaults applied (spacing is checked per call). */
export interface ParsedSurface extends ParsedConfusion {
  readonly classes?: readonly number[];
  readonly reduction: SurfaceReduction;
  readonly spacing?: readonly number[];
}

/**
 * Validates the shared options once; `extraKeys` are the metric's own options (parsed by the
 * caller) and `withSpacing` says whether `spacing` is one of them.
 */
export function parseSurfaceOptions(fn: string, options: unknown, extraKeys: readonly string[], withSpacing: boolean): ParsedSurface {
  const own = ['classes', 'reduction', ...(withSpacing ? ['spacing'] : []), ...extraKeys];
  const base = parseConfusionOptions(fn, options, own);
  const bag = (options ?? {}) as Record<string, unknown>;
  const { classes } = parseClassOptions(fn, bag);
  const reduction = parseReduction(fn, bag, SURFACE_REDUCTIONS, 'mean');
  const spacing = withSpacing ? parseSpacing(fn, bag.spacing) : undefined;
  return { ...base, ...(classes ? { classes } : {}), reduction, ...(spacing ? { spacing } : {}) };
}
