/**
 * Held-out scores for the CLI, computed with the package's own metrics
 * ({@link createConfusionAccumulator}, {@link f1Score}, {@link iouScore}, ...): binary mode
 * scores the foreground ('micro' over its one channel), multiclass mode the mean over classes
 * ('macro'); a score with an empty denominator is 1 (`zeroDivision: 1`). Ignored pixels (label
 * -1) take no part.
 */
import type * as TF from '@tensorflow/tfjs';
import { createConfusionAccumulator, f1Score, iouScore, precision, recall } from '../index.js';

export interface Scores {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
}

/** Streams (yTrue, logits) batches and returns the dataset's scores. */
export function createScorer(mode: 'binary' | 'multiclass') {
  const acc = createConfusionAccumulator({ mode, ignoreIndex: -1 });
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
