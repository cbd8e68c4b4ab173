import * as tf from '@tensorflow/tfjs-core';
import type { LossFn, RegionLossOptions, Mode } from '../types.js';
import { TVERSKY_KEYS, parseTversky } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import { tverskyScore } from '../core/regionScores.js';
import { safePow } from '../core/stable.js';
import { checkKeys } from '../core/validate.js';

/** Options of {@link tverskyLoss} and {@link focalTverskyLoss}. */
export interface TverskyLossOptions extends RegionLossOptions {
  /**
   * Weight of false positives FP = P − I.
   * @defaultValue `0.3`
   */
  alpha?: number;
  /**
   * Weight of false negatives FN = T − I.
   * @defaultValue `0.7`
   */
  beta?: number;
  /**
   * Exponent of the per-class loss (1 − s)^γ.
   * @defaultValue `1` ({@link tverskyLoss}), `0.75` ({@link focalTverskyLoss})
   */
  gamma?: number;
}

/**
 * Tversky loss: Dice with separate weights on false positives and false negatives.
 *
 * Per class: s_c = (I + smooth) / max(I + α·FP + β·FN + smooth, eps) with FP = P − I,
 * FN = T − I; loss_c = (1 − s_c)^γ, reduced over classes like {@link diceLoss}.
 * α = β = ½ with smooth s gives Dice with smooth 2s; α = β = 1 gives Jaccard.
 *
 * **When to use:** heavy imbalance where missing foreground costs more than a false alarm
 * (β > α raises recall), e.g. small lesions.
 *
 * **Reference:** Salehi, Erdogmus and Gholipour, "Tversky loss function for image segmentation
 * using 3D fully convolutional deep networks", MLMI 2017, arXiv:1706.05721.
 * Cross-checked against segmentation_models_pytorch's TverskyLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tverskyLoss } from 'segloss';
 * const loss = tverskyLoss({ alpha: 0.3, beta: 0.7 });
 * loss(tf.ones([1, 4, 4, 1]), tf.zeros([1, 4, 4, 1])).print();
 * ```
 * @throws Error on unknown options, negative α/β/γ, or tensors of the wrong shape for the mode.
 * @see {@link focalTverskyLoss}, {@link diceLoss}
 */
export function tverskyLoss(options: TverskyLossOptions = {}): LossFn {
  const fn = 'tverskyLoss';
  checkKeys(fn, options, TVERSKY_KEYS);
  const o = Object.freeze(parseTversky(fn, options as Record<string, unknown>, 1));
  return regionLoss(fn, o, (sums, eps) => safePow(tf.sub(1, tverskyScore(sums, o, o.smooth, eps)), o.gamma));
}

/** The modes tverskyLoss accepts (the CLI reads this to build a loss for a task). */
tverskyLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
