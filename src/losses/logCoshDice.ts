import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn, RegionLossOptions, Mode } from '../types.js';
import { REGION_KEYS, parseRegion } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import { diceScore } from '../core/regionScores.js';
import { softplus } from '../core/stable.js';
import { checkKeys } from '../core/validate.js';

/** Options of {@link logCoshDiceLoss}: the region options of {@link diceLoss}. */
export type LogCoshDiceLossOptions = RegionLossOptions;

/**
 * log(cosh(x)) = |x| + softplus(−2|x|) − log 2, which never overflows (cosh does for |x| > 89
 * in float32); its gradient is sign(x)·(1 − 2σ(−2|x|)) = tanh(x), 0 at x = 0.
 */
export function logCosh(x: Tensor): Tensor {
  const a = tf.abs(x);
  return tf.sub(tf.add(a, softplus(tf.mul(a, -2))), Math.LN2);
}

/**
 * Log-cosh Dice loss: the Dice loss passed through log(cosh(·)).
 *
 * Per class c: s_c = (2·I_c + smooth) / max(P_c + T_c + smooth, eps) as in {@link diceLoss},
 * loss_c = log(cosh(1 − s_c)), then reduced over classes (and images with `perImage`) like the
 * region losses. log cosh(x) ≈ x²/2 for small x and ≈ |x| − log 2 for large x, so the loss is
 * smooth near a perfect score, where 1 − s has a constant slope.
 *
 * **When to use:** where Dice is the target metric but its gradient near convergence is too
 * abrupt; a smoothed, bounded Dice (at most log cosh 1 ≈ 0.434 per class). Cost: that of
 * {@link diceLoss}.
 *
 * **Reference:** Jadon, "A survey of loss functions for semantic segmentation", CIBCB 2020,
 * arXiv:2006.14822.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { logCoshDiceLoss } from 'segloss';
 * const loss = logCoshDiceLoss();
 * const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([4, -4, -4, 4], [1, 2, 2, 1]);
 * loss(yTrue, logits).print(); // log cosh(1 − s), 1 − s ≈ 0.0144: ≈ 0.0001
 * ```
 * @throws Error on unknown options (including `logLoss` and `squared`), bad option values, or
 * tensors of the wrong shape for the mode.
 * @see {@link diceLoss}
 */
export function logCoshDiceLoss(options: LogCoshDiceLossOptions = {}): LossFn {
  const fn = 'logCoshDiceLoss';
  checkKeys(fn, options, REGION_KEYS);
  const o = Object.freeze(parseRegion(fn, options as Record<string, unknown>));
  return regionLoss(fn, o, (sums, eps) => logCosh(tf.sub(1, diceScore(sums, o.smooth, eps))));
}

/** The modes logCoshDiceLoss accepts (the CLI reads this to build a loss for a task). */
logCoshDiceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
