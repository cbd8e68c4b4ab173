import * as tf from '@tensorflow/tfjs-core';
import type { LossFn, RegionLossOptions, Mode } from '../types.js';
import { REGION_KEYS, parseRegion } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import type { RegionSums } from '../core/regionStats.js';
import { safePow } from '../core/stable.js';
import { checkKeys, checkNumber } from '../core/validate.js';

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

const KEYS = [...REGION_KEYS, 'alpha', 'beta', 'gamma'] as const;

/** Builds Tversky-family losses; shared by tverskyLoss and focalTverskyLoss. */
export function tverskyFamily(fn: string, options: TverskyLossOptions, defaultGamma: number): LossFn {
  checkKeys(fn, options, KEYS);
  const o = Object.freeze(parseRegion(fn, options as Record<string, unknown>));
  const alpha = checkNumber(fn, 'alpha', options.alpha, 0.3, { min: 0 });
  const beta = checkNumber(fn, 'beta', options.beta, 0.7, { min: 0 });
  const gamma = checkNumber(fn, 'gamma', options.gamma, defaultGamma, { min: 0 });
  return regionLoss(fn, o, ({ I, P, T }: RegionSums, eps) => {
    const FP = tf.sub(P, I);
    const FN = tf.sub(T, I);
    const denominator = tf.add(tf.add(tf.add(I, tf.mul(FP, alpha)), tf.mul(FN, beta)), o.smooth);
    const s = tf.div(tf.add(I, o.smooth), tf.maximum(denominator, eps));
    return safePow(tf.sub(1, s), gamma);
  });
}

/**
 * Tversky loss: Dice with separate weights on false positives and false negatives.
 *
 * Per class: s_c = (I + smooth) / max(I + α·FP + β·FN + smooth, eps) with FP = P − I,
 * FN = T − I; loss_c = (1 − s_c)^γ, reduced over classes like {@link diceLoss}.
 * α = β = 0.5 gives Dice (with smooth halved), α = β = 1 gives Jaccard.
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
  return tverskyFamily('tverskyLoss', options, 1);
}

/** The modes tverskyLoss accepts (the CLI reads this to build a loss for a task). */
tverskyLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
