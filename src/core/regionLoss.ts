/** The one entry of the region losses: input layer → I, P, T → per-class score → reduction. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn } from '../types.js';
import { fusedRegionLoss } from '../kernels/fusedLosses.js';
import type { ParsedRegion } from './options.js';
import type { RegionSums } from './regionStats.js';

/** Per-class loss from the region sums; `eps` is already adapted to the backend. */
export type PerClassLoss = (sums: RegionSums, eps: number) => Tensor;

/**
 * Builds a region loss from parsed options and its per-class formula: I, P, T from one fused pass
 * on backends with the Segloss kernels (cpu, wasm), else from the composite path; then the
 * per-class formula and the reduction. Every region loss goes through here.
 */
export function regionLoss(fn: string, options: ParsedRegion, perClass: PerClassLoss, squared = false): LossFn {
  return fusedRegionLoss(fn, options, perClass, squared);
}

/** Dice score per class, (2I + smooth) / max(P + T + smooth, eps). */
export function diceScore({ I, P, T }: RegionSums, smooth: number, eps: number): Tensor {
  return tf.div(tf.add(tf.mul(I, 2), smooth), tf.maximum(tf.add(tf.add(P, T), smooth), eps));
}

/** 1 − s, or −log(max(s, eps)) when `logLoss`. */
export function scoreToLoss(s: Tensor, logLoss: boolean, eps: number): Tensor {
  return logLoss ? tf.neg(tf.log(tf.maximum(s, eps))) : tf.sub(1, s);
}
