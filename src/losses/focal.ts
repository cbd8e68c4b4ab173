import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Reduction, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { focalAlphaPerClass, focalTerm } from '../core/focalTerm.js';
import { COMMON_KEYS, parseCommon, parseReduction } from '../core/options.js';
import { safeDivide } from '../core/stable.js';
import { checkKeys, checkNumber, checkNumberList, describe, fail } from '../core/validate.js';
import { fusedSums, sumRow, validCount } from '../kernels/fusedLosses.js';
import { SIGMOID_ROW, SOFTMAX_ROW } from '../kernels/kernelNames.js';

/** Options of {@link focalLoss}. */
export interface FocalLossOptions extends CommonOptions {
  /**
   * Focusing exponent γ ≥ 0 of the modulating factor (1 − p_t)^γ; 0 gives (weighted) BCE / CE.
   * @defaultValue `2`
   */
  gamma?: number;
  /**
   * Class balance. Binary / multilabel: α ∈ [0, 1] weighs positives, 1 − α negatives.
   * Multiclass: one number for every class or an array with one per class. `null` disables it.
   * @defaultValue `0.25` (binary, multilabel), none (multiclass)
   */
  alpha?: number | number[] | null;
  /**
   * `'mean'` over valid elements (binary, multilabel) or valid pixels (multiclass), `'sum'`, or
   * `'none'` for the per-element map in yPred's layout (multiclass: per pixel `[B, ...spatial]`).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}

const KEYS = [...COMMON_KEYS, 'gamma', 'alpha', 'reduction'] as const;

/**
 * Focal loss: cross-entropy down-weighted on well-classified elements.
 *
 * Binary / multilabel, per element: FL = α_t·(1 − p_t)^γ·BCE(p, t), with
 * p_t = p·t + (1 − p)(1 − t) and α_t = α·t + (1 − α)(1 − t), BCE computed stably from logits.
 * Multiclass, per pixel: FL = −Σ_c α_c·t_c·(1 − p_c)^γ·log p_c with a stable log-softmax.
 * The modulating factor is applied per element, never to a batch-mean BCE.
 *
 * **When to use:** many easy background pixels swamp the gradient (dense detection, small
 * objects); γ = 2 and α = 0.25 are the paper's defaults. γ = 0 and α = null give plain BCE.
 *
 * **Reference:** Lin, Goyal, Girshick, He and Dollár, "Focal Loss for Dense Object Detection",
 * ICCV 2017, arXiv:1708.02002. Cross-checked against segmentation_models_pytorch's FocalLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { focalLoss } from 'segloss';
 * const loss = focalLoss({ gamma: 2, alpha: 0.25 });
 * loss(tf.ones([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])).print(); // 0.25·0.5²·log 2 ≈ 0.0433
 * ```
 * @throws Error on unknown options, γ < 0, binary α outside [0, 1], or shape mismatch.
 * @see {@link bceLoss}, {@link crossEntropyLoss}
 */
export function focalLoss(options: FocalLossOptions = {}): LossFn {
  const fn = 'focalLoss';
  checkKeys(fn, options, KEYS);
  const common = parseCommon(fn, options as Record<string, unknown>);
  const gamma = checkNumber(fn, 'gamma', options.gamma, 2, { min: 0 });
  const reduction = parseReduction(fn, options as Record<string, unknown>);
  const multiclass = common.mode === 'multiclass';
  let alpha: number | number[] | null;
  if (options.alpha === undefined) alpha = multiclass ? null : 0.25;
  else if (options.alpha === null) alpha = null;
  else if (Array.isArray(options.alpha)) {
    if (!multiclass) fail(fn, `option 'alpha' must be a number in [0, 1] or null in '${common.mode}' mode, got ${describe(options.alpha)}.`, 'TypeError');
    alpha = checkNumberList(fn, 'alpha', options.alpha, { min: 0 })!;
  } else {
    alpha = checkNumber(fn, 'alpha', options.alpha, 0, multiclass ? { min: 0 } : { min: 0, max: 1 });
  }
  const o = Object.freeze({ ...common, gamma, alpha, reduction });

  const sigmoidTerms = { wantFocal: true, gamma, hasAlpha: typeof alpha === 'number', alpha: typeof alpha === 'number' ? alpha : 0 };
  const softmaxTerms = (C: number) => ({ wantFocal: true, gamma, focalAlpha: focalAlphaPerClass(fn, alpha, C) });

  /** Σ focal and the valid count from one fused pass, the gradient from one more (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const f = reduction === 'none' ? null : fusedSums(fn, yTrue, yPred, o, sigmoidTerms, softmaxTerms);
    if (!f) return null;
    const total = sumRow(f, multiclass ? SOFTMAX_ROW.FOCAL : SIGMOID_ROW.FOCAL);
    return reduction === 'sum' ? total : safeDivide(total, validCount(f));
  }

  // Composite path (every other backend, and 'none'): the whole loss as one custom-gradient op.
  return defineLoss(fn, (yTrue, yPred) => fused(yTrue, yPred) ?? focalTerm(fn, yTrue, yPred, o));
}

/** The modes focalLoss accepts (the CLI reads this to build a loss for a task). */
focalLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
