import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat } from '../types.js';
import { DATA_FORMATS } from '../types.js';
import { tubedSkeletonOf } from '../core/skeletonize.js';
import { toFloat32 } from '../core/normalize.js';
import { assertTensor, checkEnum, checkKeys, fail, shapeText } from '../core/validate.js';

/** Options of {@link tubedSkeleton}. */
export interface TubedSkeletonOptions {
  /**
   * `'binary'`: yTrue `[B, H, W, 1]` (or `[B, H, W]`), foreground where yTrue > 0.5.
   * `'multiclass'`: class indices `[B, H, W]` or `[B, H, W, 1]` (or one-hot `[B, H, W, C]`, read
   * through its argmax), foreground where the label is > 0.
   * @defaultValue `'binary'`
   */
  mode?: 'binary' | 'multiclass';
  /**
   * Layout of a rank-4 yTrue: `'channelsLast'` `[B, H, W, C]` or `'channelsFirst'` `[B, C, H, W]`.
   * @defaultValue `'channelsLast'`
   */
  dataFormat?: DataFormat;
}

const KEYS = ['mode', 'dataFormat'] as const;

/** Reads yTrue into B label images (binary: 0/1) and their size; the one data read. */
function labelImages(fn: string, yTrue: unknown, mode: 'binary' | 'multiclass', dataFormat: DataFormat) {
  assertTensor(fn, 'yTrue', yTrue);
  const y = yTrue as Tensor;
  if (y.rank !== 3 && y.rank !== 4) {
    fail(fn, `yTrue must be 2-D images, [B, H, W] or [B, H, W, C] (${dataFormat}), got rank ${y.rank} (shape ${shapeText(y.shape)}).`);
  }
  const labels = tf.tidy(() => {
    const last = y.rank === 4 && dataFormat === 'channelsFirst' ? tf.transpose(toFloat32(y), [0, 2, 3, 1]) : y;
    const C = last.rank === 4 ? last.shape[3]! : 1;
    if (mode === 'binary') {
      if (C !== 1) fail(fn, `yTrue must have 1 channel in 'binary' mode, got shape ${shapeText(y.shape)} (${dataFormat}).`);
      return tf.cast(tf.greater(tf.reshape(last, last.shape.slice(0, 3)), 0.5), 'int32');
    }
    if (C > 1) return tf.cast(tf.argMax(last, -1), 'int32');
    return tf.reshape(last, last.shape.slice(0, 3));
  });
  const [B, H, W] = labels.shape;
  const data = labels.dataSync();
  labels.dispose();
  if (mode === 'multiclass') {
    const bad = data.find((v) => !Number.isInteger(v) || v < 0);
    if (bad !== undefined) fail(fn, `yTrue class indices must be integers >= 0, got ${bad}.`, 'RangeError');
  }
  return { data, B, H, W };
}

/**
 * The target of {@link skeletonRecallLoss}: the skeleton of each image's foreground, thickened
 * into a 5-pixel-wide tube and labelled with its class.
 *
 * Per image: the foreground (binary: yTrue > 0.5; multiclass: label > 0) is thinned by
 * Zhang–Suen as scikit-image's `skeletonize` does, dilated twice by the cross
 * (4-neighbourhood), then multiplied by the label (binary: 1), so the tube never leaves the
 * object. Returns an int32 tensor `[B, H, W]`.
 *
 * **Cost:** runs on the CPU in JavaScript after one synchronous read of yTrue (`dataSync`),
 * about O(H·W·k) for a structure k pixels thick; on a GPU backend that read stalls the
 * pipeline, so compute tubes once per dataset when the targets do not change.
 *
 * **Reference:** Kirchhoff, Rokuss, Roy, Kovacs, Ulrich, Wald, Zenk, Vollmuth, Kleesiek, Isensee
 * and Maier-Hein, "Skeleton Recall Loss for Connectivity Conserving and Resource Efficient
 * Segmentation of Thin Tubular Structures", ECCV 2024, arXiv:2404.03010. Zhang and Suen, "A
 * fast parallel algorithm for thinning digital patterns", CACM 27(3), 1984. Cross-checked
 * against nnU-Net's Skeleton-Recall code.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tubedSkeleton } from 'segloss';
 * // a 3-pixel-thick horizontal bar: its skeleton is the middle row, the tube the whole bar
 * const bar = tf.tensor4d([0,0,0,0,0,0,0, 0,1,1,1,1,1,0, 0,1,1,1,1,1,0, 0,1,1,1,1,1,0, 0,0,0,0,0,0,0], [1, 5, 7, 1]);
 * tubedSkeleton(bar).print();
 * ```
 * @throws Error on unknown options, a yTrue that is not 2-D images, more than one channel in
 * `'binary'` mode, or non-integral or negative class indices.
 * @see {@link skeletonRecallLoss}
 */
export function tubedSkeleton(yTrue: Tensor, options: TubedSkeletonOptions = {}): Tensor {
  const fn = 'tubedSkeleton';
  checkKeys(fn, options, KEYS);
  const mode = checkEnum(fn, 'mode', options.mode, ['binary', 'multiclass'] as const, 'binary');
  const dataFormat = checkEnum(fn, 'dataFormat', options.dataFormat, DATA_FORMATS, 'channelsLast');
  const { data, B, H, W } = labelImages(fn, yTrue, mode, dataFormat);
  return tf.tensor3d(tubedSkeletonOf(data, B, H, W), [B, H, W], 'int32');
}
