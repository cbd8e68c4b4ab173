import type { LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { focalFamilyLoss } from '../core/focalFamilyLoss.js';
import {
  focalFamilyInputs,
  parseDelta,
  parseUnifiedFocal,
  UNIFIED_FOCAL_KEYS,
  type UnifiedFocalCommonOptions,
} from '../core/focalFamily.js';
import { checkKeys, checkNumber } from '../core/validate.js';

/** Options of {@link unifiedFocalLoss}. */
export interface UnifiedFocalLossOptions extends UnifiedFocalCommonOptions {
  /**
   * λ ∈ [0, 1]: the weight of the asymmetric focal Tversky term; the asymmetric focal term gets
   * 1 − λ.
   * @defaultValue `0.5`
   */
  weight?: number;
  /**
   * δ ∈ [0, 1] of both terms (foreground weight in the focal term, false-negative weight in the
   * Tversky term).
   * @defaultValue `0.6`
   */
  delta?: number;
  /**
   * γ ∈ [0, 1] of both terms (background exponent γ in the focal term, foreground exponent
   * 1 − γ in the Tversky term).
   * @defaultValue `0.5`
   */
  gamma?: number;
}

const KEYS = [...UNIFIED_FOCAL_KEYS, 'weight', 'delta', 'gamma'] as const;

/**
 * Unified focal loss (the paper's asymmetric form): a weighted sum of the asymmetric focal
 * Tversky loss and the asymmetric focal loss, with the same δ and γ in both.
 *
 * L = λ·asymmetricFocalTverskyLoss(δ, γ) + (1 − λ)·asymmetricFocalLoss(δ, γ), each term as
 * documented on its own factory (one shared pass over the inputs). With `'none'` both terms are
 * per image (`[B]`).
 *
 * **When to use:** class-imbalanced segmentation where you would otherwise tune a Dice + CE or
 * a focal + focal Tversky combination: three hyper-parameters (λ, δ, γ) whose defaults the
 * paper found robust across five medical datasets.
 *
 * **Differs from MONAI:** MONAI's `AsymmetricUnifiedFocalLoss` is binary-only (two channels);
 * this one takes a sigmoid output (`'binary'`, C = 1) or any number of classes (`'multiclass'`,
 * class 0 the background), probabilities and `ignoreIndex`, and its Tversky term is per image.
 *
 * **Reference:** Yeung, Sala, Schönlieb and Rundo, "Unified Focal loss: Generalising Dice and
 * cross entropy-based losses to handle class imbalanced medical image segmentation", Computerized
 * Medical Imaging and Graphics 95, 2022, arXiv:2102.04525. Cross-checked against MONAI's
 * `unified_focal_loss.py` (binary).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { unifiedFocalLoss } from 'segloss';
 * const loss = unifiedFocalLoss({ mode: 'multiclass' });
 * const labels = tf.tensor3d([0, 1, 2, 0], [1, 2, 2], 'int32');
 * const logits = tf.tensor4d([4, 0, 0, 0, 4, 0, 0, 0, 4, 4, 0, 0], [1, 2, 2, 3]);
 * loss(labels, logits).print(); // ≈ 0.079
 * ```
 * @throws Error on unknown options, λ, δ or γ outside [0, 1], or tensors of the wrong shape for
 * the mode.
 * @see {@link asymmetricFocalLoss}, {@link asymmetricFocalTverskyLoss}
 */
export function unifiedFocalLoss(options: UnifiedFocalLossOptions = {}): LossFn {
  const fn = 'unifiedFocalLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseUnifiedFocal(fn, options as Record<string, unknown>),
    weight: checkNumber(fn, 'weight', options.weight, 0.5, { min: 0, max: 1 }),
    delta: parseDelta(fn, options.delta, 0.6),
    gamma: checkNumber(fn, 'gamma', options.gamma, 0.5, { min: 0, max: 1 }),
  });
  return defineLoss(fn, (yTrue, yPred) =>
    focalFamilyLoss(focalFamilyInputs(fn, yTrue, yPred, o), o, { delta: o.delta, gamma: o.gamma, tversky: o.weight, focal: 1 - o.weight }),
  );
}
/** The modes unifiedFocalLoss accepts (the CLI reads this). */
unifiedFocalLoss.modes = ['binary', 'multiclass'] as const satisfies readonly Mode[];
