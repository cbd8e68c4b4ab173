import * as tf from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Mode } from '../types.js';
import { unsignedDistanceField } from '../core/edt.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, prepare } from '../core/normalize.js';
import { parseClassOptions, parseCommon, parseReduction } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { checkKeys, checkNumber } from '../core/validate.js';
import { keepChannels, labelReader, parseSpacing, spacingFor, thresholdReader } from './signedDistanceMap.js';

/** Options of {@link hausdorffDTLoss}. */
export interface HausdorffDTLossOptions extends Omit<CommonOptions, 'ignoreIndex'> {
  /**
   * Exponent α > 0 of the distances: larger values weigh errors far from the boundaries more.
   * @defaultValue `2`
   */
  alpha?: number;
  /**
   * Class (channel) ids that enter the loss, in this order.
   * @defaultValue every channel (multiclass included: class 0 too)
   */
  classes?: number[];
  /**
   * Distance between neighbouring pixels along each spatial axis (one entry per spatial axis).
   * @defaultValue 1 along every axis
   */
  spacing?: number[];
  /**
   * `'mean'` over images, positions and kept classes, or `'sum'`.
   * @defaultValue `'mean'`
   */
  reduction?: 'mean' | 'sum';
}

const KEYS = ['mode', 'fromLogits', 'dataFormat', 'alpha', 'classes', 'spacing', 'reduction'] as const;

/**
 * Hausdorff distance loss estimated with distance transforms (MONAI's form).
 *
 * Loss = mean (or sum) over images, positions q and kept classes c of
 * (p_c − t_c)²·(d_p(q)^α + d_t(q)^α), where t_c is the target mask (yTrue > 0.5, or label = c)
 * and d_p, d_t are the distance fields of the predicted mask p_c > 0.5 and of the target mask:
 * inside a mask the distance to the nearest pixel outside, outside the distance to the
 * nearest pixel inside, 0 everywhere if the mask is empty or full. d_p, d_t and t_c are
 * constants, so the gradient is 2·(p_c − t_c)·(d_p^α + d_t^α) through p_c only.
 *
 * **When to use:** when the metric is the Hausdorff distance (largest boundary error), to
 * penalise errors far from the true and the predicted boundaries; usually combined with a
 * region loss, e.g. `combineLosses([diceLoss(), [hausdorffDTLoss(), 0.1]])`.
 *
 * **Cost:** one read of the target and the probabilities from the backend per call
 * (`dataSync`), then on the CPU four exact EDTs per image and kept class, each linear in the
 * pixel count (Felzenszwalb and Huttenlocher, 2012).
 *
 * **Reference:** Karimi and Salcudean, "Reducing the Hausdorff Distance in Medical Image
 * Segmentation with Convolutional Neural Networks", IEEE Transactions on Medical Imaging 39(2),
 * 2020, arXiv:1904.10030.
 * Cross-checked against MONAI's HausdorffDTLoss; distances equal
 * `scipy.ndimage.distance_transform_edt`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { hausdorffDTLoss } from 'segloss';
 * const yTrue = tf.tensor3d([0, 1, 1, 0], [1, 4, 1]);   // d_t = [1, 1, 1, 1]
 * const probs = tf.tensor3d([0, 1, 0.75, 0], [1, 4, 1]); // mask {1, 2}: d_p = d_t
 * hausdorffDTLoss({ fromLogits: false })(yTrue, probs).print(); // 0.25²·(1 + 1) / 4 = 0.03125
 * ```
 * @throws Error on unknown options, α ≤ 0, a `spacing` of the wrong length, class ids out of
 * range, or tensors of the wrong shape for the mode.
 * @see {@link boundaryLoss}, {@link combineLosses}
 */
export function hausdorffDTLoss(options: HausdorffDTLossOptions = {}): LossFn {
  const fn = 'hausdorffDTLoss';
  checkKeys(fn, options, KEYS);
  const bag = options as Record<string, unknown>;
  const common = parseCommon(fn, bag);
  const alpha = checkNumber(fn, 'alpha', options.alpha, 2, { above: 0 });
  const { classes } = parseClassOptions(fn, bag);
  const spacing = parseSpacing(fn, options.spacing);
  const reduction = parseReduction(fn, bag, ['mean', 'sum'] as const, 'mean');
  const o = Object.freeze({ ...common, alpha, classes, spacing, reduction });

  return defineLoss(fn, (yTrue, yPred) => {
    const { x, t, labels, B, C, spatial } = prepare(fn, yTrue, yPred, o);
    checkClassOptions(fn, C, { classes: o.classes });
    const kept = o.classes ?? Array.from({ length: C }, (_, c) => c);
    const h = spacingFor(fn, o.spacing, spatial);
    const N = spatial.reduce((a, b) => a * b, 1);
    const p = activate(x, o.mode, o.fromLogits);
    // One read: the target (labels or values) and the probabilities side by side per pixel.
    const target = labels ? tf.expandDims(tf.cast(labels, 'float32'), -1) : t;
    const width = target.shape[target.rank - 1] + C;
    const data = tf.concat([target, p], -1).dataSync();
    const readTarget = labels ? labelReader(data, N, width, 0) : thresholdReader(data, N, width, 0);
    const readPred = thresholdReader(data, N, width, width - C);

    const K = kept.length;
    const weight = new Float32Array(B * N * K);
    const mask = new Float32Array(B * N * K);
    const tRegion = new Uint8Array(N);
    const pRegion = new Uint8Array(N);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        readTarget(b, kept[k], tRegion);
        readPred(b, kept[k], pRegion);
        const dt = unsignedDistanceField(tRegion, spatial, h);
        const dp = unsignedDistanceField(pRegion, spatial, h);
        for (let i = 0, j = b * N * K + k; i < N; i++, j += K) {
          weight[j] = dp[i] ** alpha + dt[i] ** alpha;
          mask[j] = tRegion[i];
        }
      }
    }
    const shape = [B, ...spatial, K];
    const err = tf.sub(keepChannels(p, kept), tf.tensor(mask, shape, 'float32'));
    const v = tf.mul(tf.square(err), tf.tensor(weight, shape, 'float32'));
    return o.reduction === 'sum' ? tf.sum(v) : tf.mean(v);
  });
}

/** The modes hausdorffDTLoss accepts (the CLI reads this to build a loss for a task). */
hausdorffDTLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
