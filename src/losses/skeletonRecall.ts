import * as tf from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, prepare } from '../core/normalize.js';
import { parseCommon } from '../core/options.js';
import { tubedSkeletonOf } from '../core/skeletonize.js';
import { checkBoolean, checkKeys, checkNumber, fail, shapeText } from '../core/validate.js';

/** Options of {@link skeletonRecallLoss}. */
export interface SkeletonRecallLossOptions extends Omit<CommonOptions, 'mode'> {
  /**
   * `'binary'` (C = 1, sigmoid; foreground where yTrue > 0.5) or `'multiclass'` (C ≥ 2, softmax;
   * classes 1…C−1 each get their own tube, class 0 is the background).
   * @defaultValue `'binary'`
   */
  mode?: 'binary' | 'multiclass';
  /**
   * Added to numerator and denominator of each recall (an image without foreground scores 1).
   * @defaultValue `1e-5`
   */
  smooth?: number;
  /**
   * Recall per image and class, then averaged, instead of sums over the batch.
   * @defaultValue `false`
   */
  perImage?: boolean;
}

const KEYS = ['mode', 'fromLogits', 'dataFormat', 'ignoreIndex', 'ignoreUnlabeled', 'smooth', 'perImage'] as const;

/**
 * Skeleton Recall loss: the soft recall of the target's tubed skeleton, so that every thin
 * branch of the target has to be covered, however thin.
 *
 * With S_c the tube of class c from {@link tubedSkeleton} (binary: C = 1; multiclass: classes
 * 1…C−1) and p the probabilities: recall_c = (Σ p_c·S_c + smooth) / max(Σ S_c + smooth, 1e-8),
 * sums over the batch (or per image with `perImage`); loss = 1 − the mean of recall_c over
 * classes (and images). Pixels whose yTrue is `ignoreIndex` count as background for the
 * skeleton, so they are never on a tube.
 *
 * **When to use:** thin, tubular structures (vessels, nerves, roads, cracks, neurites) whose
 * connectivity matters, added to a region loss — the paper uses Dice + CE + w·skeleton recall,
 * e.g. `combineLosses([diceLoss(), [skeletonRecallLoss(), 1]])`. 2-D only. Much cheaper than
 * {@link clDiceLoss}: the skeleton is of the target only, computed once per call on the CPU, and
 * the loss on the device is one weighted sum.
 *
 * **Cost:** each call reads yTrue back (`dataSync`) and thins it in JavaScript (a few ms for a
 * 256×256 batch of a few images); the tube carries no gradient. On a GPU backend that read
 * stalls the pipeline.
 *
 * **Reference:** Kirchhoff, Rokuss, Roy, Kovacs, Ulrich, Wald, Zenk, Vollmuth, Kleesiek, Isensee
 * and Maier-Hein, "Skeleton Recall Loss for Connectivity Conserving and Resource Efficient
 * Segmentation of Thin Tubular Structures", ECCV 2024, arXiv:2404.03010. Cross-checked against
 * nnU-Net's Skeleton-Recall code.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { skeletonRecallLoss } from 'segloss';
 * // a 1-pixel vertical line; the prediction covers it with p = 0.9
 * const yTrue = tf.tensor4d([0,1,0, 0,1,0, 0,1,0, 0,1,0], [1, 4, 3, 1]);
 * const probs = tf.mul(yTrue, 0.9);
 * skeletonRecallLoss({ fromLogits: false })(yTrue, probs).print(); // ≈ 0.1
 * ```
 * @throws Error on unknown options, bad option values, tensors of the wrong shape for the mode,
 * or a yPred with other than 2 spatial dims (3-D volumes are not supported).
 * @see {@link tubedSkeleton}, {@link clDiceLoss}
 */
export function skeletonRecallLoss(options: SkeletonRecallLossOptions = {}): LossFn {
  const fn = 'skeletonRecallLoss';
  checkKeys(fn, options, KEYS);
  const o = Object.freeze({
    ...parseCommon(fn, options as Record<string, unknown>, ['binary', 'multiclass']),
    smooth: checkNumber(fn, 'smooth', options.smooth, 1e-5, { min: 0 }),
    perImage: checkBoolean(fn, 'perImage', options.perImage, false),
  });
  return defineLoss(fn, (yTrue, yPred) => {
    const prepared = prepare(fn, yTrue, yPred, o);
    const { x, B, C, spatial } = prepared;
    if (spatial.length !== 2) {
      fail(fn, `yPred must have 2 spatial dims ([B, H, W, C], channels last; 3-D volumes are not supported), got ${spatial.length} (shape ${shapeText(yPred.shape)}).`);
    }
    const [H, W] = spatial;
    const multiclass = o.mode === 'multiclass';
    const labels = multiclass ? prepared.labels! : tf.cast(tf.greater(prepared.t, 0.5), 'int32');
    const tube = tf.tensor3d(tubedSkeletonOf(labels.dataSync(), B, H, W), [B, H, W], 'int32');
    // Full C channels and sums over pixels as a batched matMul: no strided slice or transpose of
    // a big tensor (slow on cpu); the background column is dropped from the small [B, C] sums.
    const S = multiclass ? tf.cast(tf.oneHot(tube, C), 'float32') : tf.cast(tf.reshape(tube, [B, H, W, 1]), 'float32');
    const p = activate(x, o.mode, o.fromLogits);
    const K = multiclass ? C : 1;
    const ones = tf.ones([B, 1, H * W]);
    const sums = (v: tf.Tensor) => tf.reshape(tf.matMul(ones, tf.reshape(v, [B, H * W, K])), [B, K]);
    const foreground = (v: tf.Tensor) => (multiclass ? tf.slice(v, [0, 1], [B, K - 1]) : v);
    let inter = foreground(sums(tf.mul(p, S))); // [B, K − 1] (binary: [B, 1])
    let total = foreground(sums(S));
    if (!o.perImage) {
      inter = tf.sum(inter, 0);
      total = tf.sum(total, 0);
    }
    const recall = tf.div(tf.add(inter, o.smooth), tf.maximum(tf.add(total, o.smooth), 1e-8));
    return tf.sub(1, tf.mean(recall));
  });
}
/** The modes skeletonRecallLoss accepts (the CLI reads this). */
skeletonRecallLoss.modes = ['binary', 'multiclass'] as const satisfies readonly Mode[];
