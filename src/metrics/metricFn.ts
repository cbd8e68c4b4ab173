/** Adapter from a score function to a tfjs-layers metric `(yTrue, yPred) => Scalar`. */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { countConfusion, parseConfusionOptions, type ConfusionStatsOptions } from './confusionStats.js';
import { METRIC_REDUCTIONS, SCORE_KEYS, SCORE_RATIOS, parseScoreOptions, reduceScore, type MetricReduction, type ScoreFn, type ScoreOptions } from './scores.js';
import { describe, fail } from '../core/validate.js';

/** A metric in the argument order of tfjs-layers: `model.compile({ metrics: [metric] })`. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** Options of {@link toMetric}: those of {@link confusionStats} and of the score, plus a name. */
export interface MetricOptions extends ConfusionStatsOptions, Omit<ScoreOptions, 'reduction'> {
  /**
   * Any reduction but `'none'` (a metric is a scalar). See {@link ScoreOptions.reduction}.
   * @defaultValue `'micro'`
   */
  reduction?: Exclude<MetricReduction, 'none'>;
  /**
   * The metric's `name`, the key of its column in `model.fit` histories (and `val_<name>`).
   * Set it when one model reports the same score twice with different options.
   * @defaultValue the score's name, e.g. `'iouScore'`
   */
  name?: string;
}

const SCALAR_REDUCTIONS = METRIC_REDUCTIONS.filter((r) => r !== 'none');

/**
 * Turns a score function into a tfjs-layers metric: `(yTrue, yPred) => Scalar` computing
 * {@link confusionStats} of the batch and then the score, in one `tf.tidy`.
 *
 * Options are validated once, here. tfjs-layers reports the mean of the per-batch values over
 * an epoch, which for `'micro'` or `'macro'` is not exactly the score of the whole epoch; for the
 * exact score of a dataset use {@link createConfusionAccumulator}.
 *
 * @param score - One of {@link iouScore}, {@link f1Score} / {@link diceScore},
 *   {@link precision}, {@link recall}, {@link accuracy}, {@link specificity}.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { diceLoss, iouScore, toMetric } from 'segloss';
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' })],
 * });
 * model.compile({
 *   optimizer: 'adam',
 *   loss: diceLoss({ fromLogits: false }),
 *   metrics: [toMetric(iouScore, { fromLogits: false, threshold: 0.5 })],
 * });
 * // model.fit(x, y) then reports history.history.iouScore
 * ```
 * @throws Error when `score` is not a score function, on unknown options, `reduction: 'none'`,
 *   or any error of {@link confusionStats} and the score options.
 * @see {@link createConfusionAccumulator}
 */
export function toMetric(score: ScoreFn, options: MetricOptions = {}): MetricFn {
  const fn = 'toMetric';
  const entry = SCORE_RATIOS.get(score);
  if (!entry) {
    const names = [...new Set([...SCORE_RATIOS.values()].map((e) => e.name))].join(', ');
    fail(fn, `score must be one of segloss's score functions (${names}), got ${typeof score === 'function' ? `function '${score.name}'` : describe(score)}.`, 'TypeError');
  }
  const stats = parseConfusionOptions(fn, options, [...SCORE_KEYS, 'name']);
  const bag = options as Record<string, unknown>;
  const scoreOptions = parseScoreOptions(fn, { reduction: bag.reduction, classWeights: bag.classWeights, zeroDivision: bag.zeroDivision }, SCALAR_REDUCTIONS);
  const name = bag.name === undefined ? entry.name : bag.name;
  if (typeof name !== 'string' || name.length === 0) fail(fn, `option 'name' must be a non-empty string, got ${describe(name)}.`, 'TypeError');
  const metric: MetricFn = (yTrue, yPred) =>
    tf.tidy(name, () => reduceScore(name, entry.ratio, countConfusion(name, yTrue, yPred, stats), scoreOptions) as Scalar);
  Object.defineProperty(metric, 'name', { value: name });
  return metric;
}
