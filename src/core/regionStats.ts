/**
 * Region sums I, P, T per class — over the whole batch or per image — shared by every region
 * loss (Dice, Jaccard, Tversky, focal Tversky, Combo, ...).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { prepare } from './normalize.js';
import type { ParsedCommon } from './options.js';

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

/** How the probabilities come from yPred. */
export type Activation = 'sigmoid' | 'softmax' | 'none';

/**
 * I, P, T of the prediction `x` (channels-last yPred: logits, or probabilities when `activation`
 * is 'none') in one custom-gradient op over activation and sums, so the backward pass is a few
 * elementwise ops instead of the autodiff chain of every product and sum:
 * ∂L/∂p = m·(∂L/∂I·t + ∂L/∂P·(1 or 2p)) (softLabel: ∂L/∂I·(1 − sign(p − t))/2 in place of t), then
 * σ'(x) = p(1 − p), or the softmax Jacobian p·(g − Σ p·g). `t` and `m` as for `regionStats`.
 */
export function regionStatsOfInput(x: Tensor, t: Tensor, m: Tensor, activation: Activation, options: RegionStatsOptions): RegionSums {
  const { perImage, squared = false, softLabel = false } = options;
  const C = x.shape[x.rank - 1];
  const B = x.shape[0];
  const op = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const p = activation === 'sigmoid' ? tf.sigmoid(xs) : activation === 'softmax' ? tf.softmax(xs, -1) : xs;
    const { I, P, T } = regionStats(p, t, m, { perImage: true, squared, softLabel });
    save([p, t, m]);
    return {
      value: tf.stack([I, P, T]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ps, ts, ms] = saved;
        const shape = [B, ...Array<number>(x.rank - 2).fill(1), C];
        const dI = tf.reshape(tf.slice(dy, [0, 0, 0], [1, B, C]), shape);
        const dP = tf.reshape(tf.slice(dy, [1, 0, 0], [1, B, C]), shape);
        const slopeI = softLabel ? tf.div(tf.sub(1, tf.sign(tf.sub(ps, ts))), 2) : ts;
        const g = tf.mul(ms, tf.add(tf.mul(dI, slopeI), squared ? tf.mul(dP, tf.mul(ps, 2)) : dP));
        if (activation === 'sigmoid') return tf.mul(g, tf.mul(ps, tf.sub(1, ps)));
        if (activation === 'softmax') return tf.mul(ps, tf.sub(g, tf.sum(tf.mul(ps, g), -1, true)));
        return g;
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
  const stacked = op(x);
  const pick = (k: number) => {
    const r = tf.reshape(tf.slice(stacked, [k, 0, 0], [1, B, C]), [B, C]);
    return perImage ? r : tf.sum(r, 0);
  };
  return { I: pick(0), P: pick(1), T: pick(2) };
}

/**
 * I, P, T per class on the composite path (every backend without the fused kernels): the input
 * layer, then {@link regionStatsOfInput} with its closed-form gradient. `[B, C]` per image, else `[C]`.
 */
export function compositeRegionSums(fn: string, yTrue: Tensor, yPred: Tensor, o: ParsedCommon & { perImage: boolean }, terms: Omit<RegionStatsOptions, 'perImage'>): RegionSums {
  const { x, t, m } = prepare(fn, yTrue, yPred, o);
  const activation: Activation = !o.fromLogits ? 'none' : o.mode === 'multiclass' ? 'softmax' : 'sigmoid';
  return regionStatsOfInput(x, t, m, activation, { perImage: o.perImage, ...terms });
}
