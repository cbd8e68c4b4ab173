/**
 * Score functions over confusion statistics: each is one ratio n/d of tp, fp, fn, tn, and all
 * share one reduction routine ({@link reduceScore}).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ConfusionStats } from './confusionStats.js';
import { checkEnum, checkKeys, checkNumber, checkNumberList, describe, fail, shapeText } from '../core/validate.js';

/** How a score is reduced over images and classes; see {@link ScoreOptions.reduction}. */
export type MetricReduction =
  | 'micro'
  | 'macro'
  | 'weighted'
  | 'micro-imagewise'
  | 'macro-imagewise'
  | 'weighted-imagewise'
  | 'none';

/** Every valid {@link MetricReduction}. */
export const METRIC_REDUCTIONS = [
  'micro',
  'macro',
  'weighted',
  'micro-imagewise',
  'macro-imagewise',
  'weighted-imagewise',
  'none',
] as const;

/** Options of every score function ({@link iouScore}, {@link f1Score}, ...). */
export interface ScoreOptions {
  /**
   * - `'micro'`: the score of the stats summed over images and classes;
   * - `'macro'`: stats summed over images, scored per class, mean over classes;
   * - `'weighted'`: stats summed over images, scored per class, Σ_c w_c·s_c;
   * - `'micro-imagewise'`: stats summed over classes, scored per image, mean over images;
   * - `'macro-imagewise'`: scored per image and class, mean over classes, then over images;
   * - `'weighted-imagewise'`: scored per image and class, Σ_c w_c·s_bc, mean over images;
   * - `'none'`: the `[B, C]` scores.
   * @defaultValue `'micro'`
   */
  reduction?: MetricReduction;
  /**
   * Non-negative weight per class (length C, positive sum), normalised to sum 1. Only the
   * `'weighted'` and `'weighted-imagewise'` reductions use them (as in
   * segmentation_models_pytorch); they are still validated with the others.
   * @defaultValue all 1
   */
  classWeights?: number[];
  /**
   * The value of any score whose denominator is 0 (for example IoU of a class absent from both
   * target and prediction), in [0, 1].
   * @defaultValue `1`
   */
  zeroDivision?: number;
}

/** Keys of {@link ScoreOptions}. */
export const SCORE_KEYS = ['reduction', 'classWeights', 'zeroDivision'] as const;

/** {@link ScoreOptions} with defaults applied. */
export interface ParsedScore {
  readonly reduction: MetricReduction;
  readonly classWeights?: readonly number[];
  readonly zeroDivision: number;
}

/**
 * A score function. Call it with the stats object of {@link confusionStats}, or with the four
 * tensors in segmentation_models_pytorch's order (tp, fp, fn, tn). Returns a float32 tensor:
 * a scalar, or `[B, C]` with `reduction: 'none'`.
 */
export interface ScoreFn {
  (stats: ConfusionStats, options?: ScoreOptions): Tensor;
  (tp: Tensor, fp: Tensor, fn: Tensor, tn: Tensor, options?: ScoreOptions): Tensor;
}

/** A score as a ratio: numerator and denominator from float32 stats. */
export type Ratio = (s: ConfusionStats) => [Tensor, Tensor];

/** The ratio behind each public score function (used by {@link toMetric}). */
export const SCORE_RATIOS = new Map<ScoreFn, { name: string; ratio: Ratio }>();

/** Validates {@link ScoreOptions}; `fn` names the caller; `reductions` narrows the choice. */
export function parseScoreOptions(
  fn: string,
  options: unknown,
  reductions: readonly MetricReduction[] = METRIC_REDUCTIONS,
  extraKeys: readonly string[] = [],
): ParsedScore {
  checkKeys(fn, options, [...SCORE_KEYS, ...extraKeys]);
  const bag = (options ?? {}) as Record<string, unknown>;
  const reduction = checkEnum(fn, 'reduction', bag.reduction, reductions, 'micro');
  const classWeights = checkNumberList(fn, 'classWeights', bag.classWeights, { min: 0 });
  if (classWeights && !(classWeights.reduce((a, b) => a + b, 0) > 0)) {
    fail(fn, `option 'classWeights' must have a positive sum, got ${describe(classWeights)}.`, 'RangeError');
  }
  const zeroDivision = checkNumber(fn, 'zeroDivision', bag.zeroDivision, 1, { min: 0, max: 1 });
  return Object.freeze({ reduction, zeroDivision, ...(classWeights ? { classWeights } : {}) });
}

function isTensor(x: unknown): x is Tensor {
  return x !== null && typeof x === 'object' && Array.isArray((x as Tensor).shape) && typeof (x as Tensor).dtype === 'string';
}

/** Checks the four statistics: live int32 or float32 tensors of one shape `[B, C]`. */
function checkStats(fn: string, stats: unknown): ConfusionStats {
  if (stats === null || typeof stats !== 'object' || isTensor(stats)) {
    fail(fn, `stats must be the { tp, fp, fn, tn } object of confusionStats (or four tensors tp, fp, fn, tn), got ${describe(stats)}.`, 'TypeError');
  }
  const s = stats as Record<string, unknown>;
  const shape = isTensor(s.tp) ? s.tp.shape : undefined;
  for (const key of ['tp', 'fp', 'fn', 'tn']) {
    const x = s[key];
    if (!isTensor(x)) fail(fn, `stats.${key} must be a tf.Tensor, got ${describe(x)}.`, 'TypeError');
    if (x.isDisposed) fail(fn, `stats.${key} must be a live tensor, got a disposed one.`);
    if (x.dtype !== 'int32' && x.dtype !== 'float32') fail(fn, `stats.${key} must be int32 or float32, got ${x.dtype}.`, 'TypeError');
    if (x.rank !== 2 || x.shape.some((d) => d === 0)) fail(fn, `stats.${key} must have shape [B, C] with B, C >= 1, got ${shapeText(x.shape)}.`);
    if (shapeText(x.shape) !== shapeText(shape!)) fail(fn, `stats.${key} must have the shape of stats.tp ${shapeText(shape!)}, got ${shapeText(x.shape)}.`);
  }
  return stats as ConfusionStats;
}

/** n / d where d > 0, else `zeroDivision` (no NaN is ever formed, so no NaN can leak). */
function divide(n: Tensor, d: Tensor, zeroDivision: number): Tensor {
  const ok = tf.greater(d, 0);
  return tf.where(ok, tf.div(n, tf.where(ok, d, tf.onesLike(d))), tf.fill(n.shape, zeroDivision));
}

/**
 * The one reduction routine of every score (SPEC "Metrics"): group the stats as the reduction
 * says, score each group with `ratio` (zero denominators give `zeroDivision`), then average or
 * weight. Stats are cast to float32 before any sum, so totals over many images cannot overflow
 * int32 (float32 counts are exact below 2^24 and within 6e-8 relative beyond).
 */
export function reduceScore(fn: string, ratio: Ratio, stats: unknown, o: ParsedScore): Tensor {
  const checked = checkStats(fn, stats);
  const C = checked.tp.shape[1]!;
  if (o.classWeights && o.classWeights.length !== C) {
    fail(fn, `option 'classWeights' must have one weight per class (${C}), got ${o.classWeights.length}.`);
  }
  return tf.tidy(fn, () => {
    const f = (x: Tensor) => tf.cast(x, 'float32');
    const s = { tp: f(checked.tp), fp: f(checked.fp), fn: f(checked.fn), tn: f(checked.tn) };
    const group = (axis: number | undefined): ConfusionStats => ({
      tp: tf.sum(s.tp, axis),
      fp: tf.sum(s.fp, axis),
      fn: tf.sum(s.fn, axis),
      tn: tf.sum(s.tn, axis),
    });
    const score = (g: ConfusionStats) => {
      const [n, d] = ratio(g);
      return divide(n, d, o.zeroDivision);
    };
    const total = o.classWeights ? o.classWeights.reduce((a, b) => a + b, 0) : C;
    const w = () => tf.tensor1d(o.classWeights ? o.classWeights.map((x) => x / total) : new Array<number>(C).fill(1 / C));
    switch (o.reduction) {
      case 'micro':
        return score(group(undefined));
      case 'macro':
        return tf.mean(score(group(0)));
      case 'weighted':
        return tf.sum(tf.mul(score(group(0)), w()));
      case 'micro-imagewise':
        return tf.mean(score(group(1)));
      case 'macro-imagewise':
        return tf.mean(tf.mean(score(s), 1));
      case 'weighted-imagewise':
        return tf.mean(tf.sum(tf.mul(score(s), w()), 1));
      case 'none':
        return score(s);
    }
  });
}

/** Builds a named public score function from its ratio and registers it for {@link toMetric}. */
function defineScore(name: string, ratio: Ratio): ScoreFn {
  const scoreFn = (...args: unknown[]): Tensor => {
    const positional = isTensor(args[0]);
    const stats = positional ? { tp: args[0], fp: args[1], fn: args[2], tn: args[3] } : args[0];
    const options = positional ? args[4] : args[1];
    return reduceScore(name, ratio, stats, parseScoreOptions(name, options));
  };
  Object.defineProperty(scoreFn, 'name', { value: name });
  const fn = scoreFn as ScoreFn;
  SCORE_RATIOS.set(fn, { name, ratio });
  return fn;
}

const { add, mul } = tf;

/**
 * Intersection over union (Jaccard index): tp / (tp + fp + fn), reduced as `reduction` says.
 *
 * **When to use:** the standard segmentation metric (PASCAL VOC, Cityscapes report
 * `'macro'` mIoU); stricter than F1 on partial overlaps (IoU = F1 / (2 − F1)).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, iouScore } from 'segloss';
 * const yTrue = tf.tensor2d([0, 1, 2, 2], [1, 4], 'int32'); // class indices [B, N]
 * const logits = tf.oneHot(tf.tensor2d([0, 1, 2, 1], [1, 4], 'int32'), 3).toFloat(); // argmax 0, 1, 2, 1
 * const stats = confusionStats(yTrue, logits, { mode: 'multiclass' });
 * iouScore(stats, { reduction: 'macro' }).print(); // (1 + 1/2 + 1/2) / 3 ≈ 0.6667
 * ```
 * @throws Error on unknown options, a bad `reduction`, `classWeights` of the wrong length or
 *   with a zero sum, `zeroDivision` outside [0, 1], or malformed stats.
 * @see {@link confusionStats}, {@link f1Score}
 */
export const iouScore: ScoreFn = defineScore('iouScore', ({ tp, fp, fn }) => [tp, add(add(tp, fp), fn)]);

/**
 * F1 score (Dice coefficient): 2·tp / (2·tp + fp + fn), reduced as `reduction` says.
 * Also exported as {@link diceScore} (the same function).
 *
 * **When to use:** the harmonic mean of precision and recall; the metric matching
 * {@link diceLoss}. Common in medical segmentation.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, f1Score } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const probs = tf.tensor4d([0.9, 0.2, 0.7, 0.1], [1, 2, 2, 1]);
 * const stats = confusionStats(yTrue, probs, { fromLogits: false });
 * f1Score(stats).print(); // 2·1 / (2·1 + 1 + 1) = 0.5
 * ```
 * @throws Error as {@link iouScore}.
 * @see {@link confusionStats}, {@link iouScore}
 */
export const f1Score: ScoreFn = defineScore('f1Score', ({ tp, fp, fn }) => {
  const tp2 = mul(tp, 2);
  return [tp2, add(add(tp2, fp), fn)];
});

/**
 * The Dice coefficient: the same function as {@link f1Score}, 2·tp / (2·tp + fp + fn).
 *
 * @example
 * ```ts
 * import { diceScore, f1Score } from 'segloss';
 * diceScore === f1Score; // true
 * ```
 * @see {@link f1Score}
 */
export const diceScore: ScoreFn = f1Score;

/**
 * Precision (positive predictive value): tp / (tp + fp), reduced as `reduction` says.
 *
 * **When to use:** how much of what the model marks is right; low when it over-segments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, precision } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
 * precision(confusionStats(yTrue, logits)).print(); // 1 / (1 + 1) = 0.5
 * ```
 * @throws Error as {@link iouScore}.
 * @see {@link recall}, {@link confusionStats}
 */
export const precision: ScoreFn = defineScore('precision', ({ tp, fp }) => [tp, add(tp, fp)]);

/**
 * Recall (sensitivity, true positive rate): tp / (tp + fn), reduced as `reduction` says.
 *
 * **When to use:** how much of the target the model finds; low when it under-segments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, recall } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([3, 2, 2, -3], [1, 2, 2, 1]);
 * recall(confusionStats(yTrue, logits)).print(); // 2 / (2 + 0) = 1
 * ```
 * @throws Error as {@link iouScore}.
 * @see {@link precision}, {@link confusionStats}
 */
export const recall: ScoreFn = defineScore('recall', ({ tp, fn }) => [tp, add(tp, fn)]);

/**
 * Accuracy: (tp + tn) / (tp + fp + fn + tn), reduced as `reduction` says.
 *
 * **When to use:** a sanity check; dominated by the background when classes are imbalanced
 * (prefer {@link iouScore} or {@link f1Score} there).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { accuracy, confusionStats } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
 * accuracy(confusionStats(yTrue, logits)).print(); // (1 + 1) / 4 = 0.5
 * ```
 * @throws Error as {@link iouScore}.
 * @see {@link confusionStats}
 */
export const accuracy: ScoreFn = defineScore('accuracy', ({ tp, fp, fn, tn }) => [add(tp, tn), add(add(tp, fp), add(fn, tn))]);

/**
 * Specificity (true negative rate): tn / (tn + fp), reduced as `reduction` says.
 *
 * **When to use:** how well the background is left alone; pair it with {@link recall}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, specificity } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
 * specificity(confusionStats(yTrue, logits)).print(); // 1 / (1 + 1) = 0.5
 * ```
 * @throws Error as {@link iouScore}.
 * @see {@link recall}, {@link confusionStats}
 */
export const specificity: ScoreFn = defineScore('specificity', ({ fp, tn }) => [tn, add(tn, fp)]);
