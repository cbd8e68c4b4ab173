import * as tf from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { prepare } from '../core/normalize.js';
import { COMMON_KEYS, parseCommon, parseReduction } from '../core/options.js';
import { reduceClasses } from '../core/reduce.js';
import { sumGroups } from '../core/regionStats.js';
import { ratio } from '../core/stable.js';
import { checkBoolean, checkKeys, checkNumber } from '../core/validate.js';

/** Options of {@link mccLoss}. */
export interface MccLossOptions extends CommonOptions {
  /**
   * Added to each of TP, TN, FP and FN; keeps the score defined when a row or column of the
   * confusion matrix is empty.
   * @defaultValue `1e-5`
   */
  eps?: number;
  /**
   * One score per image and channel (`[B, C]`, then averaged over images) instead of per channel
   * over the whole batch.
   * @defaultValue `false`
   */
  perImage?: boolean;
  /**
   * `'mean'` over channels (then images), `'sum'`, or `'none'` for the per-channel losses `[C]`
   * (`[B, C]` with `perImage`).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const KEYS = [...COMMON_KEYS, 'eps', 'perImage', 'reduction'] as const;

/**
 * Matthews correlation coefficient (MCC) loss, 1 − MCC of the soft confusion matrix.
 *
 * Per group (the batch, or each image with `perImage`) and channel, over valid elements:
 * TP = Σ m·p·t + eps, TN = Σ m·(1 − p)(1 − t) + eps, FP = Σ m·p·(1 − t) + eps,
 * FN = Σ m·(1 − p)·t + eps, MCC = (TP·TN − FP·FN) / sqrt((TP + FP)(TP + FN)(TN + FP)(TN + FN)),
 * loss = 1 − MCC ∈ [0, 2], then the mean (or sum) over channels and images. From logits,
 * 1 − p is computed as sigmoid(−x), so saturated logits keep their precision.
 *
 * **When to use:** binary or multilabel segmentation where true negatives matter too (skin
 * lesions, small foregrounds): unlike Dice, MCC penalises false positives relative to the
 * background size and is symmetric in the two classes. Cost: four sums, like
 * {@link diceLoss}.
 *
 * **Reference:** Abhishek and Hamarneh, "Matthews correlation coefficient loss for deep
 * convolutional networks: application to skin lesion segmentation", ISBI 2021,
 * arXiv:2010.13454. Cross-checked against segmentation_models_pytorch's MCCLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { mccLoss } from 'segloss';
 * const loss = mccLoss();
 * const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([4, -4, -4, 4], [1, 2, 2, 1]);
 * loss(yTrue, logits).print(); // ≈ 0.036
 * ```
 * @throws Error on unknown options, `mode: 'multiclass'`, bad option values, or tensors of the
 * wrong shape for the mode.
 * @see {@link diceLoss}, {@link generalizedDiceLoss}
 */
export function mccLoss(options: MccLossOptions = {}): LossFn {
  const fn = 'mccLoss';
  checkKeys(fn, options, KEYS);
  const bag = options as Record<string, unknown>;
  const o = Object.freeze({
    ...parseCommon(fn, bag, ['binary', 'multilabel']),
    eps: checkNumber(fn, 'eps', options.eps, 1e-5, { above: 0 }),
    perImage: checkBoolean(fn, 'perImage', options.perImage, false),
    reduction: parseReduction(fn, bag),
  });
  return defineLoss(fn, (yTrue, yPred) => {
    const { x, t, m } = prepare(fn, yTrue, yPred, o);
    const p = o.fromLogits ? tf.sigmoid(x) : x;
    const q = o.fromLogits ? tf.sigmoid(tf.neg(x)) : tf.sub(1, x); // 1 − p
    const u = tf.mul(tf.sub(1, t), m); // m·(1 − t); t is already 0 where invalid
    const tm = tf.mul(t, m);
    // MCC is unchanged when TP, TN, FP and FN (eps included) are all divided by one number n: the
    // group's element count, so that they are fractions in [0, 1] and no product below overflows
    // float16 (TP·TN passes 65504 from 512 elements) or float32; a square root per factor keeps
    // the denominator's factors above √(eps/n) before they multiply.
    const n = x.size / x.shape[x.rank - 1] / (o.perImage ? x.shape[0] : 1);
    const sum = (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.div(sumGroups(tf.mul(a, b), o.perImage), n), o.eps / n);
    const TP = sum(p, tm);
    const FN = sum(q, tm);
    const FP = sum(p, u);
    const TN = sum(q, u);
    const numerator = tf.sub(tf.mul(TP, TN), tf.mul(FP, FN));
    const root = (a: tf.Tensor, b: tf.Tensor) => tf.sqrt(tf.add(a, b));
    const denominator = tf.mul(tf.mul(root(TP, FP), root(TP, FN)), tf.mul(root(TN, FP), root(TN, FN)));
    // A group with no valid element has TP = TN = FP = FN = eps, so MCC = 0 and 1 − MCC = 1; the
    // SPEC asks loss 0 and gradient 0 of an all-ignored group, as for every loss.
    const valid = tf.greater(sumGroups(m, o.perImage), 0);
    const L = tf.where(valid, tf.sub(1, ratio(numerator, denominator)), tf.zerosLike(numerator));
    return reduceClasses(fn, L, { reduction: o.reduction });
  });
}

/** The modes mccLoss accepts (the CLI reads this to build a loss for a task). */
mccLoss.modes = ['binary', 'multilabel'] as const satisfies readonly Mode[];
