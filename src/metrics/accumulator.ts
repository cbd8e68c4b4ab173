/** Streaming confusion statistics: add batches, read exact dataset-level scores at the end. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { countConfusion, parseConfusionOptions, type ConfusionStats, type ConfusionStatsOptions } from './confusionStats.js';
import type { ScoreFn, ScoreOptions } from './scores.js';
import { describe, fail } from '../core/validate.js';

/** Running confusion statistics over many batches; see {@link createConfusionAccumulator}. */
export interface ConfusionAccumulator {
  /** Counts one batch (same checks as {@link confusionStats}) and keeps its per-image rows. */
  update(yTrue: Tensor, yPred: Tensor): void;
  /** All rows so far, `{ tp, fp, fn, tn }` int32 `[N, C]` over the N images seen; the caller disposes them. */
  stats(): ConfusionStats;
  /** `score(stats(), options)` without handing out the stats: a float32 tensor the caller disposes. */
  score(score: ScoreFn, options?: ScoreOptions): Tensor;
  /** Images counted so far. */
  readonly imageCount: number;
  /** Frees the kept statistics and starts again from zero images. Call it when done. */
  reset(): void;
}

const UPDATE = 'ConfusionAccumulator.update';

/** Kept tensors survive a `tf.tidy` the caller may have wrapped around `update` or `score`. */
function keepAll(s: ConfusionStats): ConfusionStats {
  return { tp: tf.keep(s.tp), fp: tf.keep(s.fp), fn: tf.keep(s.fn), tn: tf.keep(s.tn) };
}

/** Rows are kept in chunks, merged once this many pile up (amortised, no quadratic copying). */
const MERGE_AT = 16;

/**
 * A streaming accumulator of {@link confusionStats}: `update` each batch of a dataset, then read
 * any score of the whole dataset with `score`. It keeps one row of counts per image (int32,
 * 4·C numbers), so every reduction, the imagewise ones included, equals one call on the whole
 * dataset. The counts stay on the backend: `update` reads nothing back (except the small label
 * check of multiclass index targets, where the data checks run: see {@link setDataChecks}).
 *
 * @param options - As {@link confusionStats}; validated once, here.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createConfusionAccumulator, iouScore } from 'segloss';
 * const acc = createConfusionAccumulator({ mode: 'multiclass', ignoreIndex: 255 });
 * // Two batches of labels [B, H, W]; in practice the logits come from model.predict(images).
 * const batches = [tf.tensor3d([0, 1, 2, 255], [1, 2, 2], 'int32'), tf.tensor3d([2, 1, 1, 0], [1, 2, 2], 'int32')];
 * for (const labels of batches) {
 *   tf.tidy(() => acc.update(labels, tf.mul(tf.cast(tf.oneHot(tf.minimum(labels, tf.scalar(2, 'int32')), 3), 'float32'), 10)));
 * }
 * acc.score(iouScore, { reduction: 'macro' }).print(); // perfect predictions: mIoU = 1
 * acc.reset(); // frees the kept counts
 * ```
 * @throws Error on unknown options; `update` throws as {@link confusionStats} does, and when a
 *   batch's class count differs from the first batch's; `stats` and `score` throw before any update.
 * @see {@link confusionStats}, {@link toMetric}
 */
export function createConfusionAccumulator(options: ConfusionStatsOptions = {}): ConfusionAccumulator {
  const fn = 'createConfusionAccumulator';
  const parsed = parseConfusionOptions(fn, options);
  let chunks: ConfusionStats[] = [];
  let images = 0;
  let classes = 0;

  const merged = (caller: string): ConfusionStats => {
    if (chunks.length === 0) fail(caller, `no images counted yet, got 0 batches (call update(yTrue, yPred) first).`);
    if (chunks.length > 1) {
      const whole = keepAll(
        tf.tidy(() => {
          const cat = (key: keyof ConfusionStats) => tf.concat(chunks.map((c) => c[key]), 0);
          return { tp: cat('tp'), fp: cat('fp'), fn: cat('fn'), tn: cat('tn') };
        }),
      );
      for (const c of chunks) tf.dispose([c.tp, c.fp, c.fn, c.tn]);
      chunks = [whole];
    }
    return chunks[0];
  };

  const accumulator: ConfusionAccumulator = {
    update(yTrue, yPred) {
      const batch = keepAll(countConfusion(UPDATE, yTrue, yPred, parsed));
      const C = batch.tp.shape[1]!;
      if (images > 0 && C !== classes) {
        tf.dispose([batch.tp, batch.fp, batch.fn, batch.tn]);
        fail(UPDATE, `yPred must have the class count of the earlier batches (${classes}), got C = ${C}.`);
      }
      classes = C;
      images += batch.tp.shape[0]!;
      chunks.push(batch);
      if (chunks.length >= MERGE_AT) merged(UPDATE);
    },
    stats() {
      const s = merged('ConfusionAccumulator.stats');
      return { tp: tf.clone(s.tp), fp: tf.clone(s.fp), fn: tf.clone(s.fn), tn: tf.clone(s.tn) };
    },
    score(score, scoreOptions) {
      if (typeof score !== 'function') fail('ConfusionAccumulator.score', `score must be a score function such as iouScore, got ${describe(score)}.`, 'TypeError');
      return score(merged('ConfusionAccumulator.score'), scoreOptions);
    },
    get imageCount() {
      return images;
    },
    reset() {
      for (const c of chunks) tf.dispose([c.tp, c.fp, c.fn, c.tn]);
      chunks = [];
      images = 0;
      classes = 0;
    },
  };
  return accumulator;
}
