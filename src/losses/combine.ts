import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { describe, fail } from '../core/validate.js';

/** A term of {@link combineLosses}: a loss, or a loss with its weight. */
export type LossTerm = LossFn | readonly [LossFn, number];

/**
 * Weighted sum of losses: Σ weight_i·loss_i(yTrue, yPred).
 *
 * **When to use:** any composite the built-ins do not cover, e.g. CE + Lovász, or
 * Dice + clDice for thin structures.
 *
 * @example
 * ```ts
 * import { combineLosses, crossEntropyLoss, diceLoss } from 'segloss';
 * const loss = combineLosses([crossEntropyLoss(), [diceLoss({ mode: 'multiclass' }), 0.5]]);
 * ```
 * @throws Error when `terms` is empty, a term is not a function, or a weight is not a finite number ≥ 0.
 * @see {@link bceDiceLoss}
 */
export function combineLosses(terms: readonly LossTerm[]): LossFn {
  const fn = 'combineLosses';
  if (!Array.isArray(terms) || terms.length === 0) {
    fail(fn, `terms must be a non-empty array of losses or [loss, weight] pairs, got ${describe(terms)}.`, 'TypeError');
  }
  const parsed = terms.map((term, i) => {
    const [loss, weight] = typeof term === 'function' ? [term, 1] : Array.isArray(term) ? term : [undefined, undefined];
    if (typeof loss !== 'function') fail(fn, `terms[${i}] must be a loss function or [loss, weight], got ${describe(term)}.`, 'TypeError');
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      fail(fn, `terms[${i}] weight must be a finite number >= 0, got ${describe(weight)}.`, 'RangeError');
    }
    return [loss, weight] as const;
  });
  return defineLoss(fn, (yTrue, yPred) => {
    const parts = parsed.map(([loss, weight]) => (weight === 1 ? loss(yTrue, yPred) : tf.mul(loss(yTrue, yPred), weight)));
    return parts.length === 1 ? parts[0] : tf.addN(parts);
  });
}
