/**
 * Confusion statistics (tp, fp, fn, tn) per image and class: the counts every score function
 * reduces. Evaluation only: nothing here is differentiable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions } from '../types.js';
import { COMMON_KEYS, parseCommon, type ParsedCommon } from '../core/options.js';
import { prepare } from '../core/normalize.js';
import { checkKeys, checkNumber } from '../core/validate.js';

/** Options of {@link confusionStats}. */
export interface ConfusionStatsOptions extends CommonOptions {
  /**
   * In `'binary'` and `'multilabel'` mode an element is predicted positive where its
   * probability p ≥ `threshold` (p = sigmoid(yPred) when `fromLogits`). Validated but unused in
   * `'multiclass'` mode, which takes the argmax over C (as `fromLogits` is: argmax is the same
   * for logits and probabilities).
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
export function predictionCut(threshold: number, fromLogits: boolean): number {
  if (!fromLogits) return float32AtLeast(threshold);
  if (threshold <= 0) return -Infinity;
  if (threshold >= 1) return Infinity;
  return float32AtLeast(Math.log(threshold) - Math.log1p(-threshold));
}

/** Below this many elements per row, a float32 sum of 0/1 values is exact in any order. */
const EXACT_FLOAT32 = 2 ** 24;

/**
 * Σ over the middle axis of float32 0/1 values `[R, S, K]` → int32 `[R, K]`, exact. For S < 2^24 this is
 * a matMul with a row of ones, which every backend runs fast (a reduction over a middle axis
 * costs a transpose on cpu and wasm); beyond, an int32 sum.
 */
export function sumOverSpace(x: Tensor, exactBelow = EXACT_FLOAT32): Tensor {
  const [R, S, K] = x.shape as [number, number, number];
  if (S < exactBelow) {
    // round: a backend whose float arithmetic is not IEEE-exact must not truncate 2.9999 to 2.
    return tf.cast(tf.round(tf.reshape(tf.matMul(tf.ones([R, 1, S]), x), [R, K])), 'int32');
  }
  return tf.sum(tf.cast(x, 'int32'), 1);
}

/**
 * Counts tp, fp, fn, tn with parsed options (no option checks), in one reduction over space:
 *
 * - binary / multilabel: the indicators pos·t·v, pos·v, t·v and v (pos = prediction positive,
 *   t = target positive, v = valid), concatenated along C, summed over space;
 * - multiclass: three index maps, with a spare bin C for pixels that do not count: the class of
 *   each hit (argmax = label), the predicted class and the target class of each valid pixel;
 *   their histograms are summed over space at once.
 *
 * Then with P = Σ pos·v, T = Σ t·v, N = Σ v: fp = P − tp, fn = T − tp, tn = N − P − T + tp.
 */
export function countConfusion(fn: string, yTrue: unknown, yPred: unknown, o: ParsedConfusion): ConfusionStats {
  return tf.tidy(fn, () => {
    const { x, t, m, labels, B, C } = prepare(fn, yTrue, yPred, o);
    let tp: Tensor;
    let P: Tensor;
    let T: Tensor;
    let N: Tensor;
    if (o.mode === 'multiclass') {
      const S = m.size / B;
      const valid = tf.cast(tf.reshape(m, [B, S]), 'bool');
      const pred = tf.reshape(tf.argMax(x, -1), [B, S]);
      const label = tf.reshape(labels!, [B, S]);
      const spare = tf.fill([B, S], C, 'int32');
      const hit = tf.where(tf.logicalAnd(valid, tf.equal(pred, label)), pred, spare);
      const maps = tf.stack([hit, tf.where(valid, pred, spare), tf.where(valid, label, spare)], 1); // [B, 3, S]
      // int32 one-hot then a cast: tfjs-backend-wasm 4.22 writes int32 bits into a float32 oneHot (1 reads as 1.4e-45).
      const counts = tf.reshape(sumOverSpace(tf.cast(tf.oneHot(tf.reshape(maps, [3 * B, S]), C + 1), 'float32')), [B, 3, C + 1]);
      [tp, P, T] = [0, 1, 2].map((k) => tf.reshape(tf.slice(counts, [0, k, 0], [B, 1, C]), [B, C])) as [Tensor, Tensor, Tensor];
      // Every pixel is in one bin of the predicted-class map: the valid ones in bins 0..C-1.
      N = tf.tile(tf.sum(P, 1, true), [1, C]);
    } else {
      const pos = tf.cast(tf.greaterEqual(x, predictionCut(o.threshold, o.fromLogits)), 'float32');
      const tgt = tf.cast(tf.greater(t, 0.5), 'float32'); // t is 0 where ignored
      const posV = tf.mul(pos, m);
      const joined = tf.concat([tf.mul(posV, tgt), posV, tgt, m], -1); // tgt·v = tgt
      const sums = sumOverSpace(tf.reshape(joined, [B, -1, 4 * C])); // [B, 4C]
      [tp, P, T, N] = tf.split(sums, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    }
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
 * Counting is tensor ops only: one reduction over space, exact (integer counts). With multiclass index
 * targets the label range check reads three numbers back from the backend (one small `dataSync`)
 * where the data checks run — `cpu`, `wasm` and tfjs-node by default, never on a GPU backend
 * (see {@link setDataChecks}). One-hot targets with all-zero rows for pixels to ignore (the
 * targets of `model.fit`): `ignoreUnlabeled: true`.
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
