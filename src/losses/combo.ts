import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { prepare } from '../core/normalize.js';
import { COMMON_KEYS, parseCommon } from '../core/options.js';
import { diceScore } from '../core/regionScores.js';
import { regionStatsOfInput, type RegionSums } from '../core/regionStats.js';
import { backendEps, bceSumFromLogits, binaryCrossEntropy, safeDivide } from '../core/stable.js';
import { checkKeys, checkNumber } from '../core/validate.js';
import { fusedSums, sumRow, validCount } from '../kernels/fusedLosses.js';
import { SIGMOID_ROW } from '../kernels/kernelNames.js';
import { regionSumsFrom } from '../kernels/ops.js';

/** Options of {@link comboLoss}. */
export interface ComboLossOptions extends CommonOptions {
  /** Only `'binary'` or `'multilabel'`. */
  mode?: 'binary' | 'multilabel';
  /**
   * Weight α of the weighted BCE; 1 − α goes to the Dice term.
   * @defaultValue `0.5`
   */
  alpha?: number;
  /**
   * Weight β of the positive BCE term (1 − β for negatives); β > 0.5 penalises false negatives more.
   * @defaultValue `0.5`
   */
  beta?: number;
  /** @defaultValue `1` */
  smooth?: number;
  /** @defaultValue `1e-7` */
  eps?: number;
}

const KEYS = [...COMMON_KEYS, 'alpha', 'beta', 'smooth', 'eps'] as const;

/**
 * Combo loss: a weighted BCE plus the Dice loss.
 *
 * Value: α·L_wbce + (1 − α)·(1 − DSC), where L_wbce is the mean over valid elements of
 * −[β·t·log p + (1 − β)·(1 − t)·log(1 − p)] (stable from logits) and DSC the soft Dice score
 * (2I + smooth) / max(P + T + smooth, eps) aggregated over the batch, averaged over channels.
 * (The paper writes α·L − (1 − α)·DSC; ours differs by the constant 1 − α so that a perfect
 * prediction scores 0.)
 *
 * **When to use:** imbalanced binary tasks where you want to trade false positives against false
 * negatives (β) while keeping Dice's overlap term.
 *
 * **Reference:** Taghanaki et al., "Combo loss: Handling input and output imbalance in
 * multi-organ segmentation", CMIG 2019, arXiv:1805.02798.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { comboLoss } from 'segloss';
 * const loss = comboLoss({ alpha: 0.5, beta: 0.7 });
 * loss(tf.ones([1, 4, 4, 1]), tf.fill([1, 4, 4, 1], 2)).print();
 * ```
 * @throws Error on unknown options, α or β outside [0, 1], a multiclass mode, or shape mismatch.
 * @see {@link bceDiceLoss}, {@link diceLoss}
 */
export function comboLoss(options: ComboLossOptions = {}): LossFn {
  const fn = 'comboLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseCommon(fn, options as Record<string, unknown>, ['binary', 'multilabel']),
    alpha: checkNumber(fn, 'alpha', options.alpha, 0.5, { min: 0, max: 1 }),
    beta: checkNumber(fn, 'beta', options.beta, 0.5, { min: 0, max: 1 }),
    smooth: checkNumber(fn, 'smooth', options.smooth, 1, { min: 0 }),
    eps: checkNumber(fn, 'eps', options.eps, 1e-7, { above: 0 }),
  });
  const terms = { wantBce: true, wPos: o.beta, wNeg: 1 - o.beta };

  /** Weighted BCE and I, P, T from one fused pass, the gradient from one more (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const f = fusedSums(fn, yTrue, yPred, o, terms, {});
    return f && combine(safeDivide(sumRow(f, SIGMOID_ROW.BCE), validCount(f)), regionSumsFrom(f.sums, false));
  }

  /** Every other backend: closed-form gradients for both parts. */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    const { x, t, m } = prepare(fn, yTrue, yPred, o);
    const bceTotal = o.fromLogits ? bceSumFromLogits(x, t, m, o.beta, 1 - o.beta) : tf.sum(tf.mul(binaryCrossEntropy(x, t, false, o.beta, 1 - o.beta), m));
    return combine(safeDivide(bceTotal, tf.sum(m)), regionStatsOfInput(x, t, m, o.fromLogits ? 'sigmoid' : 'none', { perImage: false }));
  }

  /** α·L_wbce + (1 − α)·(1 − mean DSC). */
  function combine(wbce: Tensor, sums: RegionSums): Tensor {
    const dsc = tf.mean(diceScore(sums, o.smooth, backendEps(o.eps)));
    return tf.add(tf.mul(wbce, o.alpha), tf.mul(tf.sub(1, dsc), 1 - o.alpha));
  }

  return defineLoss(fn, (yTrue, yPred) => fused(yTrue, yPred) ?? composite(yTrue, yPred));
}

/** The modes comboLoss accepts (the CLI reads this to build a loss for a task). */
comboLoss.modes = ['binary', 'multilabel'] as const satisfies readonly Mode[];
