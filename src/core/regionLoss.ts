/**
 * The one entry of the region losses (Dice, Jaccard, Tversky, focal Tversky, log-cosh Dice):
 * input layer → I, P, T → per-class score → reduction, read top to bottom here.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn } from '../types.js';
import { fusedRegionSums } from '../kernels/fusedLosses.js';
import { defineLoss } from './defineLoss.js';
import type { ParsedRegion } from './options.js';
import { reduceClasses } from './reduce.js';
import { compositeRegionSums, type RegionSums } from './regionStats.js';
import { backendEps } from './stable.js';

/** Per-class loss from the region sums; `eps` is already adapted to the backend. */
export type PerClassLoss = (sums: RegionSums, eps: number) => Tensor;

/** How the sums are formed beyond the parsed options. */
export interface RegionLossShape {
  /**
   * P = Σ m·p², T = Σ m·t² (Milletari et al.'s V-Net form).
   * @defaultValue `false`
   */
  squared?: boolean;
}

/**
 * Builds a region loss from parsed options and its per-class formula. Each call takes I, P, T
 * from one fused pass where the backend has the Segloss kernels (cpu, wasm), else from the
 * composite path (the same input checks and errors either way); then the per-class formula and
 * the reduction, whose class check (`classes`, `classWeights` against C) is the only one.
 */
export function regionLoss(fn: string, options: ParsedRegion, perClass: PerClassLoss, shape: RegionLossShape = {}): LossFn {
  const terms = { squared: shape.squared ?? false, softLabel: options.softLabel };
  return defineLoss(fn, (yTrue, yPred) => {
    const sums = fusedRegionSums(fn, yTrue, yPred, options, terms) ?? compositeRegionSums(fn, yTrue, yPred, options, terms);
    return reduceClasses(fn, perClass(sums, backendEps(options.eps)), options);
  });
}
