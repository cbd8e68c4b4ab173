/**
 * The per-class scores of the region losses, side by side, in the SPEC's symbols: each takes the
 * region sums I, P, T (`[C]` or `[B, C]`) and returns a score in [0, 1] per class; a loss file
 * only chooses one and turns it into a loss ({@link scoreToLoss}, or its own transform).
 * `eps` clamps the denominator (already adapted to the backend: `backendEps`). Each quotient is
 * a {@link ratio}, whose gradient has no square of a region sum (finite on 16-bit floats).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RegionSums } from './regionStats.js';
import { ratio } from './stable.js';

/** Dice score, (2I + smooth) / max(P + T + smooth, eps). */
export function diceScore({ I, P, T }: RegionSums, smooth: number, eps: number): Tensor {
  return ratio(tf.add(tf.mul(I, 2), smooth), tf.maximum(tf.add(tf.add(P, T), smooth), eps));
}

/** Jaccard (IoU) score, (I + smooth) / max(P + T − I + smooth, eps). */
export function jaccardScore({ I, P, T }: RegionSums, smooth: number, eps: number): Tensor {
  return ratio(tf.add(I, smooth), tf.maximum(tf.add(tf.sub(tf.add(P, T), I), smooth), eps));
}

/** The false-positive and false-negative weights of {@link tverskyScore}. */
export interface TverskyWeights {
  /** Weight of FP = P − I. */
  alpha: number;
  /** Weight of FN = T − I. */
  beta: number;
}

/**
 * Tversky score, (I + smooth) / max(I + α·FP + β·FN + smooth, eps) with FP = P − I, FN = T − I.
 * α = β = 1 is the Jaccard score; α = β = ½ with smooth s is the Dice score with smooth 2s.
 */
export function tverskyScore({ I, P, T }: RegionSums, { alpha, beta }: TverskyWeights, smooth: number, eps: number): Tensor {
  const FP = tf.sub(P, I);
  const FN = tf.sub(T, I);
  const denominator = tf.add(tf.add(tf.add(I, tf.mul(FP, alpha)), tf.mul(FN, beta)), smooth);
  return ratio(tf.add(I, smooth), tf.maximum(denominator, eps));
}

/** 1 − s, or −log(max(s, eps)) when `logLoss`. */
export function scoreToLoss(s: Tensor, logLoss: boolean, eps: number): Tensor {
  return logLoss ? tf.neg(tf.log(tf.maximum(s, eps))) : tf.sub(1, s);
}
