/** The one computation path of the region losses: input layer → I, P, T → score → reduction. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn } from '../types.js';
import { defineLoss } from './defineLoss.js';
import { activate, prepare } from './normalize.js';
import type { ParsedRegion } from './options.js';
import { checkClassOptions, reduceClasses } from './reduce.js';
import { regionStats, type RegionSums } from './regionStats.js';
import { backendEps } from './stable.js';

/** Per-class loss from the region sums; `eps` is already adapted to the backend. */
export type PerClassLoss = (sums: RegionSums, eps: number) => Tensor;

/** Builds a region loss from parsed options and its per-class formula. */
export function regionLoss(fn: string, options: ParsedRegion, perClass: PerClassLoss, squared = false): LossFn {
  return defineLoss(fn, (yTrue, yPred) => {
    const { x, t, m, C } = prepare(fn, yTrue, yPred, options);
    checkClassOptions(fn, C, options);
    const p = activate(x, options.mode, options.fromLogits);
    const sums = regionStats(p, t, m, { perImage: options.perImage, squared, softLabel: options.softLabel });
    return reduceClasses(fn, perClass(sums, backendEps(options.eps)), options);
  });
}

/** Dice score per class, (2I + smooth) / max(P + T + smooth, eps). */
export function diceScore({ I, P, T }: RegionSums, smooth: number, eps: number): Tensor {
  return tf.div(tf.add(tf.mul(I, 2), smooth), tf.maximum(tf.add(tf.add(P, T), smooth), eps));
}

/** 1 − s, or −log(max(s, eps)) when `logLoss`. */
export function scoreToLoss(s: Tensor, logLoss: boolean, eps: number): Tensor {
  return logLoss ? tf.neg(tf.log(tf.maximum(s, eps))) : tf.sub(1, s);
}
