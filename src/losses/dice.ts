import type { LossFn, RegionLossOptions, Mode } from '../types.js';
import { REGION_KEYS, parseRegion } from '../core/options.js';
import { regionLoss } from '../core/regionLoss.js';
import { diceScore, scoreToLoss } from '../core/regionScores.js';
import { checkBoolean, checkKeys, fail } from '../core/validate.js';

/** Options of {@link diceLoss}. */
export interface DiceLossOptions extends RegionLossOptions {
  /**
   * Use the loss −log(max(s, eps)) instead of 1 − s: stronger gradients when the score is low.
   * @defaultValue `false`
   */
  logLoss?: boolean;
  /**
   * Square p and t in the denominator, P = Σ m·p², T = Σ m·t² (Milletari et al.'s V-Net form).
   * Not combinable with `softLabel`.
   * @defaultValue `false`
   */
  squared?: boolean;
}

const KEYS = [...REGION_KEYS, 'logLoss', 'squared'] as const;

/**
 * Soft Dice loss.
 *
 * Per class c: s_c = (2·I_c + smooth) / max(P_c + T_c + smooth, eps) with I = Σ m·p·t,
 * P = Σ m·p, T = Σ m·t over the group (the batch, or each image with `perImage`);
 * loss_c = 1 − s_c (or −log(max(s_c, eps)) with `logLoss`), then reduced over classes.
 *
 * **When to use:** foreground-background imbalance (small objects), when the metric is Dice/F1;
 * insensitive to the many easy background pixels. Often paired with BCE ({@link bceDiceLoss}).
 * No class is zeroed when absent: `smooth` makes an empty prediction of an empty target score 1.
 *
 * **Reference:** Milletari, Navab and Ahmadi, "V-Net", 3DV 2016, arXiv:1606.04797.
 * Cross-checked against segmentation_models_pytorch's DiceLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { diceLoss } from 'segloss';
 * const loss = diceLoss({ mode: 'binary' });
 * const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([4, -4, -4, 4], [1, 2, 2, 1]);
 * loss(yTrue, logits).print(); // ≈ 0.014
 * ```
 * @throws Error on unknown options, bad option values, or tensors of the wrong shape for the mode.
 * @see {@link jaccardLoss}, {@link tverskyLoss}, {@link bceDiceLoss}
 */
export function diceLoss(options: DiceLossOptions = {}): LossFn {
  return makeDiceLoss('diceLoss', options);
}

/** {@link diceLoss} reporting errors as `fn` (for composites such as bceDiceLoss). */
export function makeDiceLoss(fn: string, options: DiceLossOptions): LossFn {
  checkKeys(fn, options, KEYS);
  const o = Object.freeze(parseRegion(fn, options as Record<string, unknown>));
  const logLoss = checkBoolean(fn, 'logLoss', options.logLoss, false);
  const squared = checkBoolean(fn, 'squared', options.squared, false);
  if (squared && o.softLabel) fail(fn, `options 'squared' and 'softLabel' cannot be combined, got both true.`);
  return regionLoss(fn, o, (sums, eps) => scoreToLoss(diceScore(sums, o.smooth, eps), logLoss, eps), { squared });
}

/** The modes diceLoss accepts (the CLI reads this to build a loss for a task). */
diceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
