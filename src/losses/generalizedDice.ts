import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, prepare } from '../core/normalize.js';
import { COMMON_KEYS, parseClassOptions, parseCommon, parseReduction } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { regionStats } from '../core/regionStats.js';
import { ratio } from '../core/stable.js';
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
 * group's largest: w_c/w_max = (T_min/T_c)^k ∈ (0, 1], T_min the smallest T_c > 0. A class with
 * T_c = 0 takes the largest weight (1), and a group with no target at all 0. `unit` = 1/w_max =
 * T_min^k (`[]` or `[B]`) scales the smooth term so the loss is unchanged,
 * (2Σw·I + s)/(Σw·(P + T) + s) = (2Σ(w/w_max)·I + s·unit)/(Σ(w/w_max)·(P + T) + s·unit),
 * while no weight overflows: on 16-bit floats 1/T² is 1/∞ = 0 once T passes 256 (then 0/0).
 * T comes from yTrue only, so these weights are constants (not on the gradient path).
 */
function classWeightsFromTargets(T: Tensor, weightType: GeneralizedDiceWeightType): { w: Tensor; unit: Tensor | number } {
  if (weightType === 'uniform') return { w: tf.onesLike(T), unit: 1 };
  const power = (v: Tensor) => (weightType === 'square' ? tf.square(v) : v);
  const present = tf.greater(T, 0);
  const tMax = tf.max(T, -1, true);
  const smallest = tf.min(tf.where(present, T, tf.mul(tf.onesLike(T), tMax)), -1, true);
  const tMin = tf.where(tf.greater(smallest, 0), smallest, tf.onesLike(smallest));
  const absent = tf.mul(tf.onesLike(T), tf.cast(tf.greater(tMax, 0), 'float32'));
  const w = tf.where(present, power(tf.div(tf.mul(tf.onesLike(T), tMin), tf.where(present, T, tf.onesLike(T)))), absent);
  return { w, unit: tf.squeeze(power(tMin), [-1]) };
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
    const { w, unit } = classWeightsFromTargets(T, o.weightType);
    const smooth = tf.mul(unit, o.smooth);
    const numerator = tf.add(tf.mul(tf.sum(tf.mul(w, I), -1), 2), smooth);
    const denominator = tf.add(tf.sum(tf.mul(w, tf.add(P, T)), -1), smooth);
    const L = tf.sub(1, ratio(numerator, denominator));
    if (o.reduction === 'none') return L;
    return o.reduction === 'sum' ? tf.sum(L) : tf.mean(L);
  });
}

/** The modes generalizedDiceLoss accepts (the CLI reads this to build a loss for a task). */
generalizedDiceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
