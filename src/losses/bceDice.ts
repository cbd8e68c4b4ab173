import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { checkKeys, checkNumber } from '../core/validate.js';
import { REGION_KEYS, parseRegion } from '../core/options.js';
import { reduceClasses } from '../core/reduce.js';
import { diceScore, scoreToLoss } from '../core/regionScores.js';
import { backendEps, safeDivide } from '../core/stable.js';
import { fusedSums, sumRow, validCount } from '../kernels/fusedLosses.js';
import { SIGMOID_ROW, SOFTMAX_ROW } from '../kernels/kernelNames.js';
import { regionSumsFrom } from '../kernels/ops.js';
import { makeBceLoss } from './bce.js';
import { makeCrossEntropyLoss } from './crossEntropy.js';
import { makeDiceLoss, type DiceLossOptions } from './dice.js';

/** Options of {@link bceDiceLoss}: those of {@link diceLoss} plus the two weights. */
export interface BceDiceLossOptions extends DiceLossOptions {
  /**
   * Weight of the cross-entropy term.
   * @defaultValue `1`
   */
  bceWeight?: number;
  /**
   * Weight of the Dice term.
   * @defaultValue `1`
   */
  diceWeight?: number;
}

const KEYS = [...REGION_KEYS, 'logLoss', 'squared', 'bceWeight', 'diceWeight'] as const;

/**
 * BCE-Dice: the weighted sum of cross-entropy and Dice loss.
 *
 * Value: bceWeight·CE + diceWeight·Dice, where CE is {@link bceLoss} (binary, multilabel) or
 * {@link crossEntropyLoss} (multiclass) with the same `mode`, `fromLogits`, `dataFormat` and
 * `ignoreIndex`, and Dice is {@link diceLoss} with every other option given.
 *
 * **When to use:** a robust default for imbalanced segmentation: CE gives smooth, pixel-wise
 * gradients early on, Dice optimises the overlap that the metric measures.
 *
 * **Reference:** popularised in the Kaggle Carvana and Data Science Bowl 2018 solutions; see
 * also Taghanaki et al. 2019 ({@link comboLoss}) for a weighted variant.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { bceDiceLoss } from 'segloss';
 * const loss = bceDiceLoss({ bceWeight: 0.5, diceWeight: 1 });
 * loss(tf.ones([1, 4, 4, 1]), tf.fill([1, 4, 4, 1], 3)).print();
 * ```
 * @throws Error on unknown options or any error of the two parts.
 * @see {@link diceLoss}, {@link bceLoss}, {@link crossEntropyLoss}, {@link combineLosses}
 */
export function bceDiceLoss(options: BceDiceLossOptions = {}): LossFn {
  const fn = 'bceDiceLoss';
  checkKeys(fn, options, KEYS);
  const { bceWeight: bw, diceWeight: dw, ...diceOptions } = options;
  const bceWeight = checkNumber(fn, 'bceWeight', bw, 1, { min: 0 });
  const diceWeight = checkNumber(fn, 'diceWeight', dw, 1, { min: 0 });
  const { mode, fromLogits, dataFormat, ignoreIndex, ignoreUnlabeled } = options;
  const ceOptions = { fromLogits, dataFormat, ignoreIndex, ignoreUnlabeled };
  const ce =
    mode === 'multiclass'
      ? makeCrossEntropyLoss(fn, { ...ceOptions, mode })
      : makeBceLoss(fn, { ...ceOptions, ...(mode === undefined ? { mode: 'binary' as const } : { mode }) });
  const dice = makeDiceLoss(fn, diceOptions);
  // The factories above have validated the options; the fused path only reads them.
  const region = parseRegion(fn, diceOptions as Record<string, unknown>);
  const terms = { squared: options.squared ?? false, softLabel: region.softLabel };
  const logLoss = options.logLoss ?? false;
  const common = { ...region, mode: mode ?? ('binary' as const) };

  /** The BCE (or CE) sums and the Dice sums from one fused pass, the gradient of both from one more (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const f = fusedSums(fn, yTrue, yPred, common, { ...terms, wantBce: true }, { ...terms, wantCe: true });
    if (!f) return null;
    const ceValue = f.multiclass
      ? safeDivide(sumRow(f, SOFTMAX_ROW.CE), sumRow(f, SOFTMAX_ROW.WT))
      : safeDivide(sumRow(f, SIGMOID_ROW.BCE), validCount(f));
    const eps = backendEps(region.eps);
    const diceValue = reduceClasses(fn, scoreToLoss(diceScore(regionSumsFrom(f.sums, region.perImage), region.smooth, eps), logLoss, eps), region);
    return tf.add(tf.mul(ceValue, bceWeight), tf.mul(diceValue, diceWeight));
  }

  /** Every other backend: the two public factories. */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    return tf.add(tf.mul(ce(yTrue, yPred), bceWeight), tf.mul(dice(yTrue, yPred), diceWeight));
  }

  return defineLoss(fn, (yTrue, yPred) => fused(yTrue, yPred) ?? composite(yTrue, yPred));
}

/** The modes bceDiceLoss accepts (the CLI reads this to build a loss for a task). */
bceDiceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
