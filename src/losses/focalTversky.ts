import * as tf from '@tensorflow/tfjs-core';
import type { LossFn, Mode } from '../types.js';
import { TVERSKY_KEYS, parseTversky } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import { tverskyScore } from '../core/regionScores.js';
import { safePow } from '../core/stable.js';
import { checkKeys } from '../core/validate.js';
import type { TverskyLossOptions } from './tversky.js';

/** Options of {@link focalTverskyLoss} (those of {@link tverskyLoss}, with γ = 0.75). */
export type FocalTverskyLossOptions = TverskyLossOptions;

/**
 * Focal Tversky loss: the Tversky loss raised to the power γ (default 0.75).
 *
 * Per class: loss_c = (1 − s_c)^γ with s_c the Tversky score of {@link tverskyLoss}.
 * With γ < 1 the loss keeps a strong gradient when the score is already high, focusing training
 * on the hard, small structures that are still missed.
 *
 * **When to use:** very small structures with strong imbalance (e.g. lesions), after plain
 * Tversky or Dice has stalled.
 *
 * **Reference:** Abraham and Khan, "A Novel Focal Tversky Loss Function with Improved Attention
 * U-Net for Lesion Segmentation", ISBI 2019, arXiv:1810.07842. The paper writes the exponent as
 * 1/γ with γ = 4/3; our `gamma` is the exponent itself, 0.75.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { focalTverskyLoss } from 'segloss';
 * const loss = focalTverskyLoss({ gamma: 0.75 });
 * loss(tf.ones([1, 4, 4, 1]), tf.zeros([1, 4, 4, 1])).print();
 * ```
 * @throws Error on unknown options, negative α/β/γ, or tensors of the wrong shape for the mode.
 * @see {@link tverskyLoss}
 */
export function focalTverskyLoss(options: FocalTverskyLossOptions = {}): LossFn {
  const fn = 'focalTverskyLoss';
  checkKeys(fn, options, TVERSKY_KEYS);
  const o = Object.freeze(parseTversky(fn, options as Record<string, unknown>, 0.75));
  return regionLoss(fn, o, (sums, eps) => safePow(tf.sub(1, tverskyScore(sums, o, o.smooth, eps)), o.gamma));
}

/** The modes focalTverskyLoss accepts (the CLI reads this to build a loss for a task). */
focalTverskyLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
