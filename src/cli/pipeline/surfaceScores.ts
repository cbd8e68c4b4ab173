/**
 * Boundary scores of held-out predictions, at the ground truth's resolution: HD95 and normalized
 * surface Dice (NSD) per image from the library's surface metrics, then their means. HD95 has no
 * pooled ("micro") form: it is per image (and class), then averaged. By the metrics' empty-mask
 * policy an image whose truth or prediction alone is empty has HD95 = Infinity (and NSD 0); the
 * mean HD95 is over the finite entries and the others are counted, so one empty prediction does
 * not turn the whole score into Infinity.
 */
import { hausdorffDistance, normalizedSurfaceDice } from '../../index.js';
import { IGNORED, type SurfaceScores, type TaskMode, type Tf } from './types.js';

/** One scored image: the true and the predicted label maps, row-major, `width·height` each. */
export interface LabelPair {
  width: number;
  height: number;
  /** Labels (binary 0/1, multiclass 0..K−1), {@link IGNORED} where ignored. */
  truth: Int32Array;
  /** Predicted labels, same layout. */
  prediction: Int32Array;
}

/**
 * HD95 and NSD of every image (binary: the foreground; multiclass: every class but 0, the
 * library's default), averaged over images and classes.
 */
export function surfaceScores(tf: Tf, pairs: readonly LabelPair[], mode: TaskMode, classes: number, tolerance: number): SurfaceScores {
  let hdSum = 0;
  let hdCount = 0;
  let hd95Infinite = 0;
  let nsdSum = 0;
  let nsdCount = 0;
  for (const { width, height, truth, prediction } of pairs) {
    const [hd, nsd] = tf.tidy(() => {
      const multiclass = mode === 'multiclass';
      const yTrue = multiclass ? tf.tensor3d(truth, [1, height, width], 'int32') : tf.tensor4d(Float32Array.from(truth), [1, height, width, 1]);
      const yPred = multiclass
        ? tf.oneHot(tf.tensor3d(prediction, [1, height, width], 'int32'), classes).toFloat()
        : tf.tensor4d(Float32Array.from(prediction), [1, height, width, 1]);
      const common = { mode, fromLogits: false, ignoreIndex: IGNORED, reduction: 'none' } as const;
      return [
        hausdorffDistance(yTrue, yPred, { ...common, percentile: 95 }).dataSync(),
        normalizedSurfaceDice(yTrue, yPred, { ...common, tolerance }).dataSync(),
      ];
    });
    for (const v of hd) {
      if (Number.isFinite(v)) {
        hdSum += v;
        hdCount++;
      } else hd95Infinite++;
    }
    for (const v of nsd) {
      nsdSum += v;
      nsdCount++;
    }
  }
  return { hd95: hdCount > 0 ? hdSum / hdCount : NaN, hd95Infinite, nsd: nsdCount > 0 ? nsdSum / nsdCount : NaN, nsdTolerance: tolerance };
}
