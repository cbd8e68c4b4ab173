import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, prepare } from '../core/normalize.js';
import { COMMON_KEYS, parseClassOptions, parseCommon, parseReduction } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { regionStats } from '../core/regionStats.js';
import { ratio, safeDivide } from '../core/stable.js';
import { checkBoolean, checkEnum, checkKeys, checkNumber } from '../core/validate.js';

/** How {@link generalizedDiceLoss} weighs each class from its target mass T_c. */
export type GeneralizedDiceWeightType = 'square' | 'simple' | 'uniform';
/** Every valid {@link GeneralizedDiceWeightType}. */
export const GENERALIZED_DICE_WEIGHT_TYPES = ['square', 'simple', 'uniform'] as const;

/** Options of {@link generalizedDiceLoss}. */
export interface GeneralizedDiceLossOptions extends CommonOptions {
  /**
   * Class weights w_c from the target mass: `'square'` 1/T_c², `'simple'` 1/T_c, `'uniform'` 1.
   * @defaultValue `'square'`
   */
  weightType?: GeneralizedDiceWeightType;
  /**
   * Added to numerator and denominator of the group score; must be > 0 (it keeps an empty
   * group finite).
   * @defaultValue `1e-5`
   */
  smooth?: number;
  /**
   * One group per image (weights and score per image) instead of the whole batch.
   * @defaultValue `false`
   */
  perImage?: boolean;
  /**
   * Class (channel) ids that take part, in any order.
   * @defaultValue every class
   */
  classes?: number[];
  /**
   * `'mean'` or `'sum'` over groups, or `'none'` for the group losses (`[B]` with `perImage`,
   * else a scalar).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const KEYS = [...COMMON_KEYS, 'weightType', 'smooth', 'perImage', 'classes', 'reduction'] as const;

/** Keeps the columns `classes` of `[..., C]` (slices and a concat: no gather, whose gradient wasm lacks). */
function keepColumns(x: Tensor, classes: readonly number[] | undefined): Tensor {
  if (!classes) return x;
  const lead = x.shape.slice(0, -1);
  const cols = classes.map((c) => tf.slice(x, [...lead.map(() => 0), c], [...lead, 1]));
  return cols.length === 1 ? cols[0] : tf.concat(cols, x.rank - 1);
}

/**
 * The class weights w_c = 1/T_c^k (k = 2 `'square'`, 1 `'simple'`) of each group, divided by the
 * group's largest: w_c/w_max = (T_min/T_c)^k ∈ (0, 1], T_min the smallest T_c > 0 (`[]` or `[B]`,
 * 1 when no class is present). A class with T_c = 0 takes the largest weight (1), and a group with
 * no target at all 0 (`any` is false there). No weight overflows, as 1/T² does on 16-bit floats
 * once T passes 256 (1/∞ = 0, then 0/0); a tiny weight underflowing to 0 is the right limit. T
 * comes from yTrue only, so these are constants (not on the gradient path).
 */
function classWeightsFromTargets(T: Tensor, k: number): { w: Tensor; tMin: Tensor; any: Tensor } {
  const present = tf.greater(T, 0);
  const tMax = tf.max(T, -1, true);
  const smallest = tf.min(tf.where(present, T, tf.mul(tf.onesLike(T), tMax)), -1, true);
  const tMin = tf.where(tf.greater(smallest, 0), smallest, tf.onesLike(smallest));
  const absent = tf.mul(tf.onesLike(T), tf.cast(tf.greater(tMax, 0), 'float32'));
  const relative = tf.div(tf.mul(tf.onesLike(T), tMin), tf.where(present, T, tf.onesLike(T)));
  const w = tf.where(present, k === 2 ? tf.square(relative) : relative, absent);
  return { w, tMin: tf.squeeze(tMin, [-1]), any: tf.squeeze(tf.greater(tMax, 0), [-1]) };
}

/**
 * 1 − (2Σw·I + s)/(Σw·(P + T) + s) per group with w = 1/T^k. With the weights relative to the
 * largest (1/T_min^k), the score is (2A/D + c)/(1 + c), A = Σw·I, D = Σw·(P + T) and the smooth term
 * c = s·T_min^k/D formed as (T_min/D)·T_min·s, so that no intermediate overflows float16. A group
 * with no target (all weights 0, D = 0) scores 1, as s/s does.
 */
function weightedLoss(I: Tensor, P: Tensor, T: Tensor, k: number, smooth: number): Tensor {
  const { w, tMin, any } = classWeightsFromTargets(T, k);
  const A = tf.sum(tf.mul(w, I), -1);
  const D = tf.sum(tf.mul(w, tf.add(P, T)), -1);
  const perD = safeDivide(tf.mul(tf.onesLike(D), tMin), D);
  const c = tf.mul(k === 2 ? tf.mul(perD, tMin) : perD, smooth);
  const score = tf.div(tf.add(tf.mul(safeDivide(A, D), 2), c), tf.add(c, 1));
  return tf.where(any, tf.sub(1, score), tf.zerosLike(score));
}

/**
 * Generalized Dice loss: one Dice over all classes, each class weighted by the inverse of its
 * (squared) target mass, so rare classes count as much as common ones.
 *
 * Per group (the batch, or each image with `perImage`) over the kept classes:
 * w_c = 1/T_c² (`'square'`), 1/T_c (`'simple'`) or 1 (`'uniform'`), constants for the gradient;
 * a class absent from the group's target takes the group's largest weight (0 if every class is
 * absent). loss = 1 − (2·Σ_c w_c·I_c + smooth) / (Σ_c w_c·(P_c + T_c) + smooth), with
 * I = Σ m·p·t, P = Σ m·p, T = Σ m·t. Then the mean (or sum) over groups.
 *
 * **When to use:** multiclass segmentation with strongly unequal class sizes (small lesions next
 * to large organs), where a plain mean of per-class Dice is dominated by noisy small classes or
 * the background. Cost: one pass for I, P, T, like {@link diceLoss}.
 *
 * **Reference:** Sudre, Li, Vercauteren, Ourselin and Cardoso, "Generalised Dice overlap as a
 * deep learning loss function for highly unbalanced segmentations", DLMIA 2017,
 * arXiv:1707.03237. Cross-checked against MONAI's GeneralizedDiceLoss (`batch = !perImage`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { generalizedDiceLoss } from 'segloss';
 * const loss = generalizedDiceLoss({ mode: 'multiclass' });
 * const labels = tf.tensor3d([0, 1, 2, 2], [1, 2, 2], 'int32');
 * const logits = tf.tensor4d([5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 5], [1, 2, 2, 3]);
 * loss(labels, logits).print(); // ≈ 0.0153
 * ```
 * @throws Error on unknown options, bad option values, class ids ≥ C, or tensors of the wrong
 * shape for the mode.
 * @see {@link diceLoss}, {@link mccLoss}
 */
export function generalizedDiceLoss(options: GeneralizedDiceLossOptions = {}): LossFn {
  const fn = 'generalizedDiceLoss';
  checkKeys(fn, options, KEYS);
  const bag = options as Record<string, unknown>;
  const o = Object.freeze({
    ...parseCommon(fn, bag),
    weightType: checkEnum(fn, 'weightType', options.weightType, GENERALIZED_DICE_WEIGHT_TYPES, 'square'),
    smooth: checkNumber(fn, 'smooth', options.smooth, 1e-5, { above: 0 }),
    perImage: checkBoolean(fn, 'perImage', options.perImage, false),
    classes: parseClassOptions(fn, { classes: options.classes }).classes,
    reduction: parseReduction(fn, bag),
  });
  return defineLoss(fn, (yTrue, yPred) => {
    const { x, t, m, C } = prepare(fn, yTrue, yPred, o);
    checkClassOptions(fn, C, { classes: o.classes });
    const p = activate(x, o.mode, o.fromLogits);
    const sums = regionStats(p, t, m, { perImage: o.perImage });
    const [I, P, T] = [sums.I, sums.P, sums.T].map((s) => keepColumns(s, o.classes));
    const L =
      o.weightType === 'uniform'
        ? tf.sub(1, ratio(tf.add(tf.mul(tf.sum(I, -1), 2), o.smooth), tf.add(tf.sum(tf.add(P, T), -1), o.smooth)))
        : weightedLoss(I, P, T, o.weightType === 'square' ? 2 : 1, o.smooth);
    if (o.reduction === 'none') return L;
    return o.reduction === 'sum' ? tf.sum(L) : tf.mean(L);
  });
}

/** The modes generalizedDiceLoss accepts (the CLI reads this to build a loss for a task). */
generalizedDiceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
