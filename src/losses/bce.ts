import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { prepare, restoreLayout } from '../core/normalize.js';
import { COMMON_KEYS, parseCommon, parseReduction } from '../core/options.js';
import { bceSumFromLogits, binaryCrossEntropy, safeDivide } from '../core/stable.js';
import { checkKeys, checkNumber } from '../core/validate.js';
import { fusedSums, sumRow, validCount } from '../kernels/fusedLosses.js';
import { SIGMOID_ROW } from '../kernels/kernelNames.js';

/** Options of {@link bceLoss}. */
export interface BceLossOptions extends CommonOptions {
  /** Only `'binary'` or `'multilabel'`; BCE is elementwise, so any C works either way. */
  mode?: 'binary' | 'multilabel';
  /**
   * Weight w of the positive term, −[w·t·log p + (1 − t)·log(1 − p)]; > 1 raises recall.
   * @defaultValue `1`
   */
  posWeight?: number;
  /**
   * ε in t' = t·(1 − ε) + ε/2 (the TensorFlow.js convention).
   * @defaultValue `0`
   */
  labelSmoothing?: number;
  /**
   * `'mean'` over valid elements, `'sum'`, or `'none'` for the per-element map in yPred's layout
   * (zeros where ignored).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const KEYS = [...COMMON_KEYS, 'posWeight', 'labelSmoothing', 'reduction'] as const;

/**
 * Binary cross-entropy, computed stably from logits.
 *
 * Per element: −[w·t'·log p + (1 − t')·log(1 − p)] with t' = t·(1 − ε) + ε/2, from logits as
 * softplus(x)·(w·t' + 1 − t') − w·t'·x; with `fromLogits: false` p is clamped to [1e-7, 1 − 1e-7].
 *
 * **When to use:** the default pixel-wise loss for binary and multilabel masks; well-behaved
 * gradients early in training. Under strong imbalance combine it with Dice ({@link bceDiceLoss})
 * or use {@link focalLoss}.
 *
 * **Reference:** cross-checked against PyTorch's `binary_cross_entropy_with_logits`
 * (pos_weight) and TensorFlow.js's label-smoothing convention.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { bceLoss } from 'segloss';
 * const loss = bceLoss({ posWeight: 2 });
 * loss(tf.ones([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])).print(); // 2·log 2 ≈ 1.386
 * ```
 * @throws Error on unknown options, a mode other than binary/multilabel, or shape mismatch.
 * @see {@link focalLoss}, {@link bceDiceLoss}
 */
export function bceLoss(options: BceLossOptions = {}): LossFn {
  return makeBceLoss('bceLoss', options);
}

/** {@link bceLoss} reporting errors as `fn` (for composites such as bceDiceLoss). */
export function makeBceLoss(fn: string, options: BceLossOptions): LossFn {
  checkKeys(fn, options, KEYS);
  const common = parseCommon(fn, options as Record<string, unknown>, ['binary', 'multilabel'], 'multilabel');
  // BCE is elementwise: 'binary' only adds the C = 1 check, so the default accepts any C.
  const o = Object.freeze({
    ...common,
    posWeight: checkNumber(fn, 'posWeight', options.posWeight, 1, { min: 0 }),
    labelSmoothing: checkNumber(fn, 'labelSmoothing', options.labelSmoothing, 0, { min: 0, max: 1 }),
    reduction: parseReduction(fn, options as Record<string, unknown>),
  });
  const terms = { wantBce: true, wPos: o.posWeight, wNeg: 1, smoothing: o.labelSmoothing };

  /** Σ m·bce and Σ m from one fused pass, the gradient from one more (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const f = o.reduction === 'none' ? null : fusedSums(fn, yTrue, yPred, o, terms, {});
    return f && (o.reduction === 'sum' ? sumRow(f, SIGMOID_ROW.BCE) : safeDivide(sumRow(f, SIGMOID_ROW.BCE), validCount(f)));
  }

  /** Every other backend, and `'none'`. */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    const { x, t, m } = prepare(fn, yTrue, yPred, o);
    const ts = o.labelSmoothing > 0 ? tf.add(tf.mul(t, 1 - o.labelSmoothing), o.labelSmoothing / 2) : t;
    if (o.fromLogits && o.reduction !== 'none') {
      // One op with a closed-form gradient.
      const total = bceSumFromLogits(x, ts, m, o.posWeight, 1);
      return o.reduction === 'sum' ? total : safeDivide(total, tf.sum(m));
    }
    const l = tf.mul(binaryCrossEntropy(x, ts, o.fromLogits, o.posWeight), m);
    if (o.reduction === 'none') return restoreLayout(l, o.dataFormat);
    if (o.reduction === 'sum') return tf.sum(l);
    return safeDivide(tf.sum(l), tf.sum(m));
  }

  return defineLoss(fn, (yTrue, yPred) => fused(yTrue, yPred) ?? composite(yTrue, yPred));
}

/** The modes bceLoss accepts (the CLI reads this to build a loss for a task). */
bceLoss.modes = ['binary', 'multilabel'] as const satisfies readonly Mode[];
