/**
 * A model's held-out scores, computed as users will be judged: each whole image goes through
 * sliding-window inference at the run's resolution, its logits are resampled to the ORIGINAL
 * mask's size, and the scores (and the held-out loss) compare them with the original labels.
 * Also keeps the predicted label maps (for the report's overlays and `--save-predictions`).
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../../types.js';
import { labelsFromLogits, wholeImageLogits } from './infer.js';
import { createScorer } from './score.js';
import type { Sample, Scores, TaskMode, Tf } from './types.js';

/** One held-out image: as the model sees it, and as its files hold it. */
export interface HeldOut {
  /** The image at the run's resolution (what the model is given). */
  input: Sample;
  /** The original sample: its labels, at the mask's own size, are what the scores compare with. */
  truth: Sample;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  mode: TaskMode;
  /** Side of the sliding window (the training patch). */
  window: number;
  /** Fraction of a window shared with its neighbour. @defaultValue `0.5` */
  overlap?: number;
  /** When given, its mean over the images is returned as `loss`. */
  loss?: LossFn;
  /** Predicted label maps are kept for the first `keep` images. @defaultValue `0` */
  keep?: number;
}

/** Scores, mean loss (0 without a loss) and the kept label maps (each at its mask's size). */
export interface Evaluation {
  scores: Scores;
  loss: number;
  predictions: Int32Array[];
}

/** The held-out scores of `model` on `images` (see the module comment). */
export function evaluate(tf: Tf, model: TF.LayersModel, images: readonly HeldOut[], options: EvaluateOptions): Evaluation {
  const { mode, window, overlap = 0.5, loss, keep = 0 } = options;
  const scorer = createScorer(mode);
  const predict = (x: TF.Tensor4D) => model.predict(x) as TF.Tensor;
  const predictions: Int32Array[] = [];
  let lossSum = 0;
  images.forEach(({ input, truth }, i) => {
    const { logits, classes } = wholeImageLogits(tf, predict, input, truth, { window, overlap });
    lossSum += tf.tidy(() => {
      const yTrue = tf.tensor4d(Float32Array.from(truth.labels), [1, truth.height, truth.width, 1]);
      const yPred = tf.tensor4d(logits, [1, truth.height, truth.width, classes]);
      scorer.update(yTrue, yPred);
      return loss ? (loss(yTrue as never, yPred as never) as unknown as TF.Tensor).dataSync()[0] : 0;
    });
    if (i < keep) predictions.push(labelsFromLogits(logits, classes));
  });
  return { scores: scorer.result(), loss: images.length ? lossSum / images.length : 0, predictions };
}
