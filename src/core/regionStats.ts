/**
 * Region sums I, P, T per class — over the whole batch or per image — shared by every region
 * loss (Dice, Jaccard, Tversky, focal Tversky, Combo, ...).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Per-class sums; `[C]`, or `[B, C]` when aggregated per image. */
export interface RegionSums {
  /** Intersection I = Σ m·p·t. */
  I: Tensor;
  /** Prediction mass P = Σ m·p (Σ m·p² when squared). */
  P: Tensor;
  /** Target mass T = Σ m·t (Σ m·t² when squared). */
  T: Tensor;
}

/** How the sums are formed. */
export interface RegionStatsOptions {
  perImage: boolean;
  squared?: boolean;
  softLabel?: boolean;
}

/** Sums `[B, ...spatial, C]` over space (and the batch unless per image). */
export function sumGroups(x: Tensor, perImage: boolean): Tensor {
  const C = x.shape[x.rank - 1];
  return perImage ? tf.sum(tf.reshape(x, [x.shape[0], -1, C]), 1) : tf.sum(tf.reshape(x, [-1, C]), 0);
}

/**
 * I, P and T of probabilities `p` against targets `t` (zero where invalid) under the valid mask
 * `m`, both `[B, ...spatial, C]` (m may be `[B, ...spatial, 1]`).
 *
 * - I = Σ m·p·t, P = Σ m·p, T = Σ m·t;
 * - `squared`: P = Σ m·p², T = Σ m·t²;
 * - `softLabel`: I = (P + T − Σ m·|p − t|) / 2, equal to Σ m·p·t for hard targets.
 */
export function regionStats(p: Tensor, t: Tensor, m: Tensor, options: RegionStatsOptions): RegionSums {
  const { perImage, squared = false, softLabel = false } = options;
  const pm = tf.mul(p, m);
  const tm = tf.mul(t, m);
  const P = sumGroups(squared ? tf.mul(pm, p) : pm, perImage);
  const T = sumGroups(squared ? tf.mul(tm, t) : tm, perImage);
  if (softLabel) {
    const l1 = sumGroups(tf.mul(tf.abs(tf.sub(p, t)), m), perImage);
    return { I: tf.div(tf.sub(tf.add(P, T), l1), 2), P, T };
  }
  return { I: sumGroups(tf.mul(pm, t), perImage), P, T };
}
