import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { prepare } from '../core/normalize.js';
import { COMMON_KEYS, parseClassOptions, parseCommon, parseReduction } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { logProbabilities, safeDivide, softmaxCrossEntropySum } from '../core/stable.js';
import { checkKeys, checkNumber } from '../core/validate.js';
import { fusedSums, sumRow } from '../kernels/fusedLosses.js';
import { SOFTMAX_ROW } from '../kernels/kernelNames.js';

/** Options of {@link crossEntropyLoss}. */
export interface CrossEntropyLossOptions extends CommonOptions {
  /** Only `'multiclass'`. */
  mode?: 'multiclass';
  /**
   * Weight w_c of each class (length C); `'mean'` divides by Σ w_c·t_c, as PyTorch does.
   * @defaultValue all 1
   */
  classWeights?: number[];
  /**
   * ε in t' = t·(1 − ε) + ε/C.
   * @defaultValue `0`
   */
  labelSmoothing?: number;
  /**
   * `'mean'` (weighted mean over valid pixels), `'sum'`, or `'none'` for the per-pixel map
   * `[B, ...spatial]` (zeros where ignored).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const KEYS = [...COMMON_KEYS, 'classWeights', 'labelSmoothing', 'reduction'] as const;

/**
 * Softmax cross-entropy for multiclass segmentation, from a stable log-softmax.
 *
 * Per pixel ℓ = −Σ_c w_c·t'_c·log p_c with t' = t·(1 − ε) + ε/C; `'mean'` is
 * Σ ℓ / Σ_pixels Σ_c w_c·t_c over valid pixels (0 when there is none).
 *
 * **When to use:** the default multiclass loss; stable, well-calibrated. Add class weights or
 * a region loss ({@link bceDiceLoss} in multiclass mode) for rare classes.
 *
 * **Reference:** cross-checked against PyTorch's `cross_entropy` (weight, ignore_index,
 * label_smoothing). Unlike `tf.losses.softmaxCrossEntropy`, label smoothing reads C from the
 * channel axis in both data formats.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { crossEntropyLoss } from 'segloss';
 * const loss = crossEntropyLoss({ ignoreIndex: 255 });
 * const labels = tf.tensor3d([0, 1, 255, 2], [1, 2, 2], 'int32');
 * loss(labels, tf.zeros([1, 2, 2, 3])).print(); // log 3 ≈ 1.0986
 * ```
 * @throws Error on unknown options, C < 2, or labels outside [0, C).
 * @see {@link focalLoss}, {@link bceDiceLoss}
 */
export function crossEntropyLoss(options: CrossEntropyLossOptions = {}): LossFn {
  return makeCrossEntropyLoss('crossEntropyLoss', options);
}

/** {@link crossEntropyLoss} reporting errors as `fn` (for composites such as bceDiceLoss). */
export function makeCrossEntropyLoss(fn: string, options: CrossEntropyLossOptions): LossFn {
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseCommon(fn, options as Record<string, unknown>, ['multiclass'], 'multiclass'),
    classWeights: parseClassOptions(fn, { classWeights: options.classWeights }).classWeights,
    labelSmoothing: checkNumber(fn, 'labelSmoothing', options.labelSmoothing, 0, { min: 0, max: 1 }),
    reduction: parseReduction(fn, options as Record<string, unknown>),
  });
  const terms = { wantCe: true, ceWeights: o.classWeights ? [...o.classWeights] : [], smoothing: o.labelSmoothing };

  /** Σ −w·t̃·log p and Σ w·t from one fused pass, the gradient from one more (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const f = o.reduction === 'none' ? null : fusedSums(fn, yTrue, yPred, o, {}, terms);
    if (!f) return null;
    checkClassOptions(fn, f.inp.C, o);
    return o.reduction === 'sum' ? sumRow(f, SOFTMAX_ROW.CE) : safeDivide(sumRow(f, SOFTMAX_ROW.CE), sumRow(f, SOFTMAX_ROW.WT));
  }

  /** Every other backend, and `'none'`. */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    const { x, t, m, C } = prepare(fn, yTrue, yPred, o);
    checkClassOptions(fn, C, o);
    const eps = o.labelSmoothing;
    const ts = eps > 0 ? tf.add(tf.mul(t, 1 - eps), eps / C) : t;
    const w = o.classWeights ? tf.tensor1d(o.classWeights) : undefined;
    const wts = w ? tf.mul(ts, w) : ts;
    if (o.fromLogits && o.reduction !== 'none') {
      // One op with a closed-form gradient.
      const total = softmaxCrossEntropySum(x, wts, tf.squeeze(m, [-1]));
      return o.reduction === 'sum' ? total : safeDivide(total, tf.sum(w ? tf.mul(t, w) : t));
    }
    const logp = logProbabilities(x, o.fromLogits);
    const l = tf.mul(tf.neg(tf.sum(tf.mul(wts, logp), -1)), tf.squeeze(m, [-1]));
    if (o.reduction === 'none') return l;
    if (o.reduction === 'sum') return tf.sum(l);
    // t is zero at ignored pixels, so Σ w·t already runs over valid pixels only.
    return safeDivide(tf.sum(l), tf.sum(w ? tf.mul(t, w) : t));
  }

  return defineLoss(fn, (yTrue, yPred) => fused(yTrue, yPred) ?? composite(yTrue, yPred));
}

/** The modes crossEntropyLoss accepts (the CLI reads this to build a loss for a task). */
crossEntropyLoss.modes = ['multiclass'] as const satisfies readonly Mode[];
