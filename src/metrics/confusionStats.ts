/**
 * Confusion statistics (tp, fp, fn, tn) per image and class: the counts every score function
 * reduces. Evaluation only: nothing here is differentiable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions } from '../types.js';
import { COMMON_KEYS, parseCommon, type ParsedCommon } from '../core/options.js';
import { prepare } from '../core/normalize.js';
import { checkKeys, checkNumber, fail } from '../core/validate.js';

/** Options of {@link confusionStats}. */
export interface ConfusionStatsOptions extends CommonOptions {
  /**
   * In `'binary'` and `'multilabel'` mode an element is predicted positive where its
   * probability p ≥ `threshold` (p = sigmoid(yPred) when `fromLogits`). Not used in
   * `'multiclass'` mode, which takes the argmax over C.
   * @defaultValue `0.5`
   */
  threshold?: number;
}

/** Per-image, per-class counts over valid elements; each an int32 tensor `[B, C]`. */
export interface ConfusionStats {
  /** True positives: predicted positive, target positive. */
  tp: Tensor;
  /** False positives: predicted positive, target negative. */
  fp: Tensor;
  /** False negatives: predicted negative, target positive. */
  fn: Tensor;
  /** True negatives: predicted negative, target negative. */
  tn: Tensor;
}

/** Keys of {@link ConfusionStatsOptions}. */
export const CONFUSION_KEYS = [...COMMON_KEYS, 'threshold'] as const;

/** {@link ConfusionStatsOptions} with defaults applied. */
export interface ParsedConfusion extends ParsedCommon {
  readonly threshold: number;
}

/** Validates {@link ConfusionStatsOptions} once; `fn` names the caller in messages. */
export function parseConfusionOptions(fn: string, options: unknown, extraKeys: readonly string[] = []): ParsedConfusion {
  checkKeys(fn, options, [...CONFUSION_KEYS, ...extraKeys]);
  const bag = (options ?? {}) as Record<string, unknown>;
  const common = parseCommon(fn, bag);
  if (common.mode === 'multiclass' && bag.threshold !== undefined) {
    fail(fn, `option 'threshold' applies to 'binary' and 'multilabel' mode only (multiclass takes the argmax), got threshold ${String(bag.threshold)} with mode 'multiclass'.`);
  }
  return Object.freeze({ ...common, threshold: checkNumber(fn, 'threshold', bag.threshold, 0.5, { min: 0, max: 1 }) });
}

/** The smallest float32 ≥ v, so that `x ≥ cut` in float32 equals `x ≥ v` in exact arithmetic. */
function float32AtLeast(v: number): number {
  const f = Math.fround(v);
  if (f >= v || !Number.isFinite(f)) return f;
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  if (f > 0) bits[0] += 1;
  else if (f < 0) bits[0] -= 1;
  else bits[0] = 1; // f = 0 < v: the smallest positive float32
  return buf[0];
}

/**
 * The cut on yPred itself: p ≥ threshold with p = sigmoid(x) is x ≥ logit(threshold), computed
 * in float64 here, so no sigmoid is evaluated and no float32 rounding of p moves the cut.
 */
function predictionCut(threshold: number, fromLogits: boolean): number {
  if (!fromLogits) return float32AtLeast(threshold);
  if (threshold <= 0) return -Infinity;
  if (threshold >= 1) return Infinity;
  return float32AtLeast(Math.log(threshold) - Math.log1p(-threshold));
}

/**
 * Counts tp, fp, fn, tn with parsed options (no option checks). One reduction over space for
 * all counts: the per-element indicators tp·v, pos·v, tgt·v and v are concatenated along C and
 * summed once, all in int32 (exact), then fp = P − tp, fn = T − tp, tn = N − P − T + tp.
 */
export function countConfusion(fn: string, yTrue: unknown, yPred: unknown, o: ParsedConfusion): ConfusionStats {
  return tf.tidy(fn, () => {
    const { x, t, m, labels, B, C } = prepare(fn, yTrue, yPred, o);
    const v = tf.cast(m, 'int32'); // [B, ...spatial, C], or [B, ...spatial, 1] in multiclass
    let pos: Tensor;
    let tgt: Tensor;
    if (o.mode === 'multiclass') {
      pos = tf.oneHot(tf.argMax(x, -1), C);
      tgt = tf.oneHot(labels!, C); // labels are 0 where ignored: v removes them
    } else {
      pos = tf.cast(tf.greaterEqual(x, predictionCut(o.threshold, o.fromLogits)), 'int32');
      tgt = tf.cast(tf.greater(t, 0.5), 'int32'); // t is 0 where ignored
    }
    const posV = tf.mul(pos, v);
    const tgtV = tf.mul(tgt, v);
    const K = v.shape[v.rank - 1]; // C, or 1 in multiclass (N is the same for every class)
    const joined = tf.concat([tf.mul(posV, tgt), posV, tgtV, v], -1);
    const sums = tf.sum(tf.reshape(joined, [B, -1, 3 * C + K]), 1); // [B, 3C + K]
    const [tp, P, T, Nk] = tf.split(sums, [C, C, C, K], 1);
    const N = K === C ? Nk : tf.tile(Nk, [1, C]);
    const fp = tf.sub(P, tp);
    const fnCount = tf.sub(T, tp);
    const tn = tf.add(tf.sub(tf.sub(N, P), T), tp);
    return { tp, fp, fn: fnCount, tn };
  });
}

/**
 * Confusion statistics per image and class: tp, fp, fn, tn counted over valid pixels.
 *
 * - `'binary'` / `'multilabel'`: an element is predicted positive where p ≥ `threshold`
 *   (p = sigmoid(yPred) when `fromLogits`, else yPred) and is a positive target where
 *   yTrue > 0.5; elements whose yTrue equals `ignoreIndex` are not counted.
 * - `'multiclass'`: the predicted class is the argmax over C; targets are class indices
 *   (`[B, ...spatial]` or `[B, ...spatial, 1]`) or one-hot `[B, ...spatial, C]` (argmax taken);
 *   pixels whose index equals `ignoreIndex` are not counted. Class c is "positive" for a pixel
 *   when it is that pixel's class, so tp + fp + fn + tn = valid pixels for every class.
 *
 * Counting is tensor ops only (one reduction over space, int32, exact). With multiclass index
 * targets the label range check reads three numbers back from the backend (one small `dataSync`).
 *
 * Feed the result to a score function ({@link iouScore}, {@link f1Score}, ...), or use
 * {@link createConfusionAccumulator} to add up many batches.
 *
 * **Reference:** the `get_stats` of segmentation_models_pytorch's `metrics.functional`
 * (cross-checked by the golden fixtures).
 *
 * @param yTrue - Targets, as for the losses of the same `mode`.
 * @param yPred - Model output `[B, ...spatial, C]` (or `[B, C, ...spatial]` with
 *   `dataFormat: 'channelsFirst'`), float32 logits or probabilities.
 * @returns `{ tp, fp, fn, tn }`, each int32 `[B, C]`; the caller disposes them.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { confusionStats, iouScore } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([3, -1, 2, -3], [1, 2, 2, 1]);
 * const stats = confusionStats(yTrue, logits); // tp 1, fp 1, fn 1, tn 1
 * iouScore(stats).print(); // 1 / 3 ≈ 0.3333
 * ```
 * @throws Error on unknown options, `threshold` outside [0, 1], or tensors of the wrong shape
 *   for the mode (the same checks as the losses).
 * @see {@link iouScore}, {@link createConfusionAccumulator}, {@link toMetric}
 */
export function confusionStats(yTrue: Tensor, yPred: Tensor, options: ConfusionStatsOptions = {}): ConfusionStats {
  const fn = 'confusionStats';
  return countConfusion(fn, yTrue, yPred, parseConfusionOptions(fn, options));
}
