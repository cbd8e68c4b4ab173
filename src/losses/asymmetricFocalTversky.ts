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

/** Options of {@link asymmetricFocalTverskyLoss}. */
export interface AsymmetricFocalTverskyLossOptions extends UnifiedFocalCommonOptions {
  /**
   * Tversky weight δ ∈ [0, 1] of the false negatives; the false positives get 1 − δ.
   * @defaultValue `0.7`
   */
  delta?: number;
  /**
   * Focal parameter γ ∈ [0, 1]: the foreground classes' loss is raised to 1 − γ (γ = 0 is plain
   * Tversky; larger γ enhances the gradient of poorly segmented classes).
   * @defaultValue `0.75`
   */
  gamma?: number;
}

const KEYS = [...UNIFIED_FOCAL_KEYS, 'delta', 'gamma'] as const;

/**
 * Asymmetric focal Tversky loss: a Tversky loss where only the foreground classes are focal-
 * enhanced, per image.
 *
 * Per image and class (p clamped to [eps, 1 − eps], t one-hot, m the valid mask, sums over
 * pixels): TP = Σ m·t·p, FN = Σ m·t·(1 − p), FP = Σ m·(1 − t)·p,
 * TI_c = (TP + eps) / (TP + δ·FN + (1 − δ)·FP + eps). Per image: the mean over classes of
 * 1 − TI₀ (background, class 0; binary: 1 − p) and max(1 − TI_c, eps)^(1 − γ) (c ≥ 1).
 * `'mean'` averages the images; `'none'` returns them (`[B]`).
 *
 * **When to use:** small foreground structures where Dice-type losses stall, and where the
 * symmetric focal Tversky loss also suppresses the background's gradient; usually as the
 * region half of {@link unifiedFocalLoss}.
 *
 * **Differs from MONAI:** MONAI's `AsymmetricFocalTverskyLoss` is binary-only (two channels)
 * and sums over the batch; this one works per image, takes a sigmoid output (`'binary'`,
 * C = 1) or any number of classes (`'multiclass'`, class 0 the background), probabilities and
 * `ignoreIndex`. Unlike {@link focalTverskyLoss} (exponent γ on every class), the exponent here
 * is 1 − γ and the background is not focal.
 *
 * **Reference:** Yeung, Sala, Schönlieb and Rundo, "Unified Focal loss", Computerized Medical
 * Imaging and Graphics 95, 2022, arXiv:2102.04525. Cross-checked against MONAI's
 * `unified_focal_loss.py` (binary).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { asymmetricFocalTverskyLoss } from 'segloss';
 * const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([8, 8, -8, -8], [1, 2, 2, 1]);
 * asymmetricFocalTverskyLoss()(yTrue, logits).print(); // 1 − TI is 3e-4 per class, but (3e-4)^0.25 is 0.135: mean ≈ 0.068
 * ```
 * @throws Error on unknown options, δ or γ outside [0, 1], or tensors of the wrong shape for
 * the mode.
 * @see {@link unifiedFocalLoss}, {@link asymmetricFocalLoss}, {@link focalTverskyLoss}
 */
export function asymmetricFocalTverskyLoss(options: AsymmetricFocalTverskyLossOptions = {}): LossFn {
  const fn = 'asymmetricFocalTverskyLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseUnifiedFocal(fn, options as Record<string, unknown>),
    delta: parseDelta(fn, options.delta, 0.7),
    gamma: checkNumber(fn, 'gamma', options.gamma, 0.75, { min: 0, max: 1 }),
  });
  return defineLoss(fn, (yTrue, yPred) => focalFamilyLoss(focalFamilyInputs(fn, yTrue, yPred, o), o, { delta: o.delta, gamma: o.gamma, tversky: 1, focal: 0 }));
}
/** The modes asymmetricFocalTverskyLoss accepts (the CLI reads this). */
asymmetricFocalTverskyLoss.modes = ['binary', 'multiclass'] as const satisfies readonly Mode[];
