/**
 * A model's held-out scores, computed as users will be judged: each whole image goes through
 * sliding-window inference at the run's resolution, its logits are resampled to the ORIGINAL
 * mask's size, and the scores (and the held-out loss) compare them with the original labels.
 * Also keeps the predicted label maps (for the report's overlays and `--save-predictions`) and,
 * when asked (`detail`, at the scored epoch only), every image's own scores and counts (score.ts's scoreImage),
 * its HD95 and NSD (surfaceScores.ts; slow, see docs/cli.md) and the multiclass confusion matrix.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../../types.js';
import { labelsFromLogits, wholeImageLogits } from './infer.js';
import type { ImageScores } from './runRecord.js';
import type { HeldOutSet } from './sampleStore.js';
import { createScorer, scoreImage, sumMatrices } from './score.js';
import { imageSurface } from './surfaceScores.js';
import type { Scores, TaskMode, Tf } from './types.js';

export type { HeldOut, HeldOutSet } from './sampleStore.js';

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
  /**
   * Per-image scores of every image (and, multiclass, the confusion matrix over all images);
   * with `surface`, each image's HD95 and NSD at `surface.tolerance` pixels too.
   * @defaultValue none (the aggregate scores only: what every epoch's validation needs)
   */
  detail?: { classes: number; surface?: { tolerance: number } };
}

/** Scores, mean loss (0 without a loss) and the kept label maps (each at its mask's size). */
export interface Evaluation {
  scores: Scores;
  loss: number;
  predictions: Int32Array[];
  /** With `detail`: every image's scores, in the order of `images`. */
  perImage?: ImageScores[];
  /** With `detail`, multiclass: the C×C confusion matrix summed over the images (rows truth, columns prediction). */
  confusion?: number[][];
}

/**
 * The held-out scores of `model` on `images` (see the module comment), fetched one at a time: only
 * the image being scored (and the kept label maps) is held here.
 */
export async function evaluate(tf: Tf, model: TF.LayersModel, images: HeldOutSet, options: EvaluateOptions): Promise<Evaluation> {
  const { mode, window, overlap = 0.5, loss, keep = 0, detail } = options;
  const scorer = createScorer(mode);
  const predict = (x: TF.Tensor4D) => model.predict(x) as TF.Tensor;
  const predictions: Int32Array[] = [];
  const perImage: ImageScores[] = [];
  const matrices: number[][][] = [];
  let lossSum = 0;
  for (let i = 0; i < images.count; i++) {
    const { input, truth } = await images.get(i);
    const { logits, classes } = wholeImageLogits(tf, predict, input, truth, { window, overlap });
    lossSum += tf.tidy(() => {
      const yTrue = tf.tensor4d(Float32Array.from(truth.labels), [1, truth.height, truth.width, 1]);
      const yPred = tf.tensor4d(logits, [1, truth.height, truth.width, classes]);
      scorer.update(yTrue, yPred);
      return loss ? (loss(yTrue as never, yPred as never) as unknown as TF.Tensor).dataSync()[0] : 0;
    });
    if (i >= keep && !detail) continue;
    const labels = labelsFromLogits(logits, classes);
    if (i < keep) predictions.push(labels);
    if (!detail) continue;
    const scored = scoreImage(truth.name, truth.labels, labels, mode, mode === 'binary' ? 2 : detail.classes);
    const scores: ImageScores = scored.scores;
    if (detail.surface) {
      const pair = { width: truth.width, height: truth.height, truth: truth.labels, prediction: labels };
      Object.assign(scores, imageSurface(tf, pair, mode, detail.classes, detail.surface.tolerance));
    }
    perImage.push(scores);
    if (mode === 'multiclass') matrices.push(scored.confusion);
  }
  const result: Evaluation = { scores: scorer.result(), loss: images.count ? lossSum / images.count : 0, predictions };
  if (detail) result.perImage = perImage;
  if (detail && mode === 'multiclass') result.confusion = sumMatrices(matrices);
  return result;
}
