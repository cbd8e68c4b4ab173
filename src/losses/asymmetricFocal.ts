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

/** Options of {@link asymmetricFocalLoss}. */
export interface AsymmetricFocalLossOptions extends UnifiedFocalCommonOptions {
  /**
   * Weight δ ∈ [0, 1] of the foreground classes' cross-entropy; the background gets 1 − δ.
   * @defaultValue `0.7`
   */
  delta?: number;
  /**
   * Focusing exponent γ ≥ 0, applied to the background term only: (1 − p₀)^γ.
   * @defaultValue `2`
   */
  gamma?: number;
}

const KEYS = [...UNIFIED_FOCAL_KEYS, 'delta', 'gamma'] as const;

/**
 * Asymmetric focal loss: cross-entropy where only the background is focal-suppressed, so the
 * rare foreground keeps its full gradient.
 *
 * Per pixel, with p clamped to [eps, 1 − eps], t the one-hot target (binary: [1 − t, t]) and
 * class 0 the background:
 * ℓ = (1 − δ)·(1 − p₀)^γ·(−t₀·log p₀) + δ·Σ_{c≥1} (−t_c·log p_c).
 * `'mean'`: Σ m·ℓ / Σ m over the batch (m the valid-pixel mask); `'none'`: the same per image.
 *
 * **When to use:** strong foreground/background imbalance (small lesions, sparse objects) where
 * plain focal loss also down-weights the rare, easy foreground pixels; usually as the
 * distribution half of {@link unifiedFocalLoss}.
 *
 * **Differs from MONAI:** MONAI's `AsymmetricFocalLoss` is binary-only (two channels); this one
 * also takes a sigmoid output (`'binary'`, C = 1), any number of classes (`'multiclass'`, class 0
 * the background), probabilities (`fromLogits: false`) and `ignoreIndex`.
 *
 * **Reference:** Yeung, Sala, Schönlieb and Rundo, "Unified Focal loss: Generalising Dice and
 * cross entropy-based losses to handle class imbalanced medical image segmentation", Computerized
 * Medical Imaging and Graphics 95, 2022, arXiv:2102.04525. Cross-checked against MONAI's
 * `unified_focal_loss.py` (binary).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { asymmetricFocalLoss } from 'segloss';
 * // one foreground pixel predicted at p = 0.5, three background pixels at p = 0
 * const yTrue = tf.tensor4d([1, 0, 0, 0], [1, 2, 2, 1]);
 * const probs = tf.tensor4d([0.5, 0, 0, 0], [1, 2, 2, 1]);
 * asymmetricFocalLoss({ fromLogits: false })(yTrue, probs).print(); // 0.7·ln 2 / 4 ≈ 0.1213
 * ```
 * @throws Error on unknown options, δ outside [0, 1], γ < 0, or tensors of the wrong shape
 * for the mode (C = 1 in `'binary'` mode, C ≥ 2 in `'multiclass'` mode).
 * @see {@link unifiedFocalLoss}, {@link asymmetricFocalTverskyLoss}, {@link focalLoss}
 */
export function asymmetricFocalLoss(options: AsymmetricFocalLossOptions = {}): LossFn {
  const fn = 'asymmetricFocalLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseUnifiedFocal(fn, options as Record<string, unknown>),
    delta: parseDelta(fn, options.delta, 0.7),
    gamma: checkNumber(fn, 'gamma', options.gamma, 2, { min: 0 }),
  });
  return defineLoss(fn, (yTrue, yPred) => focalFamilyLoss(focalFamilyInputs(fn, yTrue, yPred, o), o, { delta: o.delta, gamma: o.gamma, tversky: 0, focal: 1 }));
}
/** The modes asymmetricFocalLoss accepts (the CLI reads this). */
asymmetricFocalLoss.modes = ['binary', 'multiclass'] as const satisfies readonly Mode[];
