/**
 * Held-out scores for the CLI, computed with the package's own metrics
 * ({@link createConfusionAccumulator}, {@link f1Score}, {@link iouScore}, ...): binary mode
 * scores the foreground ('micro' over its one channel), multiclass mode the mean over classes
 * ('macro'); a score with an empty denominator is 1 (`zeroDivision: 1`). Ignored pixels
 * ({@link IGNORED}) take no part. Plus the scores of trivial predictions, for scale.
 */
import type * as TF from '@tensorflow/tfjs';
import { createConfusionAccumulator, f1Score, iouScore, precision, recall } from '../../index.js';
import { IGNORED, type Dataset, type Scores, type TaskMode } from './types.js';

/** Streams (yTrue, logits) batches and returns the dataset's scores. */
export function createScorer(mode: TaskMode) {
  const acc = createConfusionAccumulator({ mode, ignoreIndex: IGNORED });
  const reduction = mode === 'binary' ? 'micro' : 'macro';
  return {
    update(yTrue: TF.Tensor, logits: TF.Tensor): void {
      acc.update(yTrue as never, logits as never);
    },
    result(): Scores {
      const read = (score: typeof f1Score) => {
        const t = acc.score(score, { reduction });
        const v = t.dataSync()[0];
        t.dispose();
        return v;
      };
      const scores = { dice: read(f1Score), iou: read(iouScore), precision: read(precision), recall: read(recall) };
      acc.reset();
      return scores;
    },
  };
}

/** Scores of predicting every valid pixel as foreground (binary), from the labels alone. */
export function allForeground(val: Dataset): Scores {
  let tp = 0;
  let fp = 0;
  for (const s of val.samples) for (const v of s.labels) if (v === 1) tp++; else if (v === 0) fp++;
  return { dice: tp + fp === 0 ? 1 : (2 * tp) / (2 * tp + fp), iou: tp + fp === 0 ? 1 : tp / (tp + fp), precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: 1 };
}

/** The fraction of valid (not ignored) pixels that are not background. */
export function foregroundFraction(d: Dataset): number {
  let fg = 0;
  let n = 0;
  for (const s of d.samples) for (const v of s.labels) if (v !== IGNORED) { n++; if (v > 0) fg++; }
  return n ? fg / n : 0;
}
