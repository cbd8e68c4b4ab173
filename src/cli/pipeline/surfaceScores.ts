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

/** HD95 and NSD of one image: one entry per scored class (binary: the foreground; multiclass: every class but 0). */
function surfaceEntries(tf: Tf, pair: LabelPair, mode: TaskMode, classes: number, tolerance: number): { hd: ArrayLike<number>; nsd: ArrayLike<number> } {
  const { width, height, truth, prediction } = pair;
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
  return { hd, nsd };
}

/**
 * HD95 and NSD of one image (binary: the foreground; multiclass: the mean over every class but 0,
 * the library's default). HD95 is Infinity when exactly one of truth and prediction is empty
 * (multiclass: when no class has a finite HD95 and some class has an infinite one); the
 * multiclass mean is over the classes with a finite HD95.
 */
export function imageSurface(tf: Tf, pair: LabelPair, mode: TaskMode, classes: number, tolerance: number): { hd95: number; nsd: number } {
  const { hd, nsd } = surfaceEntries(tf, pair, mode, classes, tolerance);
  let hdSum = 0;
  let finite = 0;
  let infinite = 0;
  for (const v of Array.from(hd)) {
    if (Number.isFinite(v)) {
      hdSum += v;
      finite++;
    } else infinite++;
  }
  const nsdValues = Array.from(nsd);
  return {
    hd95: finite > 0 ? hdSum / finite : infinite > 0 ? Infinity : NaN,
    nsd: nsdValues.length > 0 ? nsdValues.reduce((a, b) => a + b, 0) / nsdValues.length : NaN,
  };
}

/**
 * HD95 and NSD of every image (binary: the foreground; multiclass: every class but 0, the
 * library's default), averaged over images and classes.
 */
export function surfaceScores(tf: Tf, pairs: readonly LabelPair[], mode: TaskMode, classes: number, tolerance: number): SurfaceScores {
  const acc = surfaceAccumulator(tf, mode, classes, tolerance);
  for (const pair of pairs) acc.add(pair);
  return acc.result();
}

/** {@link surfaceScores} one image at a time, so the label maps need not be held together. */
export function surfaceAccumulator(tf: Tf, mode: TaskMode, classes: number, tolerance: number): { add(pair: LabelPair): void; result(): SurfaceScores } {
  let hdSum = 0;
  let hdCount = 0;
  let hd95Infinite = 0;
  let nsdSum = 0;
  let nsdCount = 0;
  return {
    add(pair) {
      const { hd, nsd } = surfaceEntries(tf, pair, mode, classes, tolerance);
      for (const v of Array.from(hd)) {
        if (Number.isFinite(v)) {
          hdSum += v;
          hdCount++;
        } else hd95Infinite++;
      }
      for (const v of Array.from(nsd)) {
        nsdSum += v;
        nsdCount++;
      }
    },
    result: () => ({ hd95: hdCount > 0 ? hdSum / hdCount : NaN, hd95Infinite, nsd: nsdCount > 0 ? nsdSum / nsdCount : NaN, nsdTolerance: tolerance }),
  };
}
