import type { LossFn, RegionLossOptions, Mode } from '../types.js';
import { REGION_KEYS, parseRegion } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import { jaccardScore, scoreToLoss } from '../core/regionScores.js';
import { checkBoolean, checkKeys } from '../core/validate.js';

/** Options of {@link jaccardLoss}. */
export interface JaccardLossOptions extends RegionLossOptions {
  /**
   * Use −log(max(s, eps)) instead of 1 − s.
   * @defaultValue `false`
   */
  logLoss?: boolean;
}

const KEYS = [...REGION_KEYS, 'logLoss'] as const;

/**
 * Soft Jaccard (IoU) loss.
 *
 * Per class: s_c = (I_c + smooth) / max(P_c + T_c − I_c + smooth, eps); loss_c = 1 − s_c (or
 * −log(max(s_c, eps)) with `logLoss`), reduced over classes like {@link diceLoss}.
 *
 * **When to use:** when the evaluation metric is IoU; like Dice it ignores the easy background.
 * Equals Tversky with α = β = 1. For an exact IoU surrogate see {@link lovaszHingeLoss}.
 *
 * **Reference:** Rahman and Wang, "Optimizing Intersection-over-Union in Deep Neural Networks
 * for Image Segmentation", ISVC 2016. Cross-checked against segmentation_models_pytorch's JaccardLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { jaccardLoss } from 'segloss';
 * const loss = jaccardLoss({ mode: 'multiclass' });
 * const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
 * const logits = tf.randomNormal([1, 2, 2, 3]);
 * loss(labels, logits).print();
 * ```
 * @throws Error on unknown options, bad option values, or tensors of the wrong shape for the mode.
 * @see {@link diceLoss}, {@link tverskyLoss}
 */
export function jaccardLoss(options: JaccardLossOptions = {}): LossFn {
  const fn = 'jaccardLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze(parseRegion(fn, options as Record<string, unknown>));
  const logLoss = checkBoolean(fn, 'logLoss', options.logLoss, false);
  return regionLoss(fn, o, (sums, eps) => scoreToLoss(jaccardScore(sums, o.smooth, eps), logLoss, eps));
}

/** The modes jaccardLoss accepts (the CLI reads this to build a loss for a task). */
jaccardLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
