/**
 * The one input layer every loss and metric goes through: channels-last view, shape and mode
 * checks, one-hot of index targets, and the valid-pixel mask. Call it inside a `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, Mode } from '../types.js';
import type { ParsedCommon } from './options.js';
import { dataChecksRun } from './dataChecks.js';
import { assertTensor, fail, shapeText } from './validate.js';

/** What the input layer needs to know: the common options less `fromLogits`. */
export type InputOptions = Pick<ParsedCommon, 'mode' | 'dataFormat' | 'ignoreIndex'> & Partial<Pick<ParsedCommon, 'ignoreUnlabeled'>>;

/** Tensors in channels-last layout, ready for the loss formulas. */
export interface Prepared {
  /** yPred as given (logits or probabilities), `[B, ...spatial, C]`, float32. */
  x: Tensor;
  /** Targets `[B, ...spatial, C]`, float32, zero wherever the element is not valid. */
  t: Tensor;
  /**
   * Valid mask, float32 1/0: `[B, ...spatial, C]` in binary and multilabel mode,
   * `[B, ...spatial, 1]` in multiclass mode (broadcasts over C).
   */
  m: Tensor;
  /** Integer class labels `[B, ...spatial]` (multiclass only; 0 where ignored). */
  labels?: Tensor;
  /** Batch size, channel count and spatial shape. */
  B: number;
  C: number;
  spatial: number[];
}

/** Permutation taking `[B, C, ...spatial]` to `[B, ...spatial, C]`. */
export function toLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Permutation taking `[B, ...spatial, C]` back to `[B, C, ...spatial]`. */
export function toFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** Puts an element map of yPred's shape back into the user's data format. */
export function restoreLayout(map: Tensor, dataFormat: DataFormat): Tensor {
  return dataFormat === 'channelsFirst' ? tf.transpose(map, toFirstPerm(map.rank)) : map;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validates yPred alone and returns its channels-last shape (no tensor is created). */
export function checkPrediction(fn: string, yPred: unknown, mode: Mode, dataFormat: DataFormat): number[] {
  assertTensor(fn, 'yPred', yPred);
  const layout = dataFormat === 'channelsFirst' ? '[B, C, ...spatial]' : '[B, ...spatial, C]';
  if (yPred.rank < 3) fail(fn, `yPred must have rank >= 3 (${layout}), got shape ${shapeText(yPred.shape)}.`);
  if (yPred.dtype !== 'float32') fail(fn, `yPred must be float32, got ${yPred.dtype}.`, 'TypeError');
  if (yPred.shape.some((d) => d === 0)) fail(fn, `yPred must not be empty, got shape ${shapeText(yPred.shape)}.`);
  const shape = dataFormat === 'channelsFirst' ? toLastPerm(yPred.rank).map((d) => yPred.shape[d]) : yPred.shape.slice();
  const C = shape[shape.length - 1];
  if (mode === 'binary' && C !== 1) {
    fail(
      fn,
      `yPred must have C = 1 channel in 'binary' mode (use mode 'multilabel' for independent channels or 'multiclass' for exclusive classes), got C = ${C} (shape ${shapeText(yPred.shape)}, ${dataFormat}).`,
    );
  }
  if (mode === 'multiclass' && C < 2) {
    fail(fn, `yPred must have C >= 2 channels in 'multiclass' mode, got C = ${C} (shape ${shapeText(yPred.shape)}, ${dataFormat}).`);
  }
  return shape;
}

/** Validates yPred alone and returns it channels-last. */
function predictionToLast(fn: string, yPred: unknown, mode: Mode, dataFormat: DataFormat): Tensor {
  checkPrediction(fn, yPred, mode, dataFormat);
  const x = yPred as Tensor;
  return dataFormat === 'channelsFirst' ? tf.transpose(x, toLastPerm(x.rank)) : x;
}

/** How the targets are given: same layout as yPred (`dense`), or one class index per pixel. */
export type TargetKind = 'dense' | 'index';

/**
 * Validates yTrue against yPred's channels-last shape `xShape` (no tensor is created) and says
 * whether the targets are dense (binary, multilabel, one-hot multiclass) or class indices.
 */
export function checkTarget(fn: string, yTrue: unknown, yPred: Tensor, xShape: readonly number[], options: InputOptions): TargetKind {
  const { mode, dataFormat } = options;
  assertTensor(fn, 'yTrue', yTrue);
  const rank = xShape.length;
  const B = xShape[0];
  const C = xShape[rank - 1];
  const spatial = xShape.slice(1, -1);
  const given = shapeText(yPred.shape);
  if (yTrue.shape[0] !== B) {
    fail(fn, `yTrue must have the batch size of yPred (${B}), got shape ${shapeText(yTrue.shape)} for yPred ${given}.`);
  }
  const lastShape =
    dataFormat === 'channelsFirst' && yTrue.rank === rank ? toLastPerm(rank).map((d) => yTrue.shape[d]) : yTrue.shape.slice();
  if (mode === 'multiclass') {
    if (yTrue.rank === rank) {
      const last = lastShape[rank - 1];
      if (!sameShape(lastShape.slice(0, -1), xShape.slice(0, -1)) || (last !== 1 && last !== C)) {
        fail(
          fn,
          `yTrue must be class indices [B, ...spatial] or [B, ...spatial, 1], or one-hot [B, ...spatial, ${C}] matching yPred ${given}, got shape ${shapeText(yTrue.shape)}.`,
        );
      }
      return last === C ? 'dense' : 'index';
    }
    if (yTrue.rank !== rank - 1 || !sameShape(yTrue.shape, xShape.slice(0, -1))) {
      fail(
        fn,
        `yTrue must be class indices [${[B, ...spatial].join(',')}] (or with a trailing 1, or one-hot with ${C} channels) for yPred ${given}, got shape ${shapeText(yTrue.shape)}.`,
      );
    }
    return 'index';
  }
  if (!sameShape(lastShape, xShape)) {
    fail(fn, `yTrue must have the shape of yPred ${given} in '${mode}' mode, got shape ${shapeText(yTrue.shape)}.`);
  }
  return 'dense';
}

/** Throws the input layer's label error, given the label check's three numbers (see `prepare`). */
export function failOnLabels(fn: string, nonIntegral: number, lo: number, hi: number, C: number, ignoreIndex: number | undefined): void {
  if (nonIntegral > 0) {
    fail(fn, `yTrue class indices must be integers, got ${nonIntegral} non-integral value(s).`);
  }
  const ignore = ignoreIndex === undefined ? '' : ` or ignoreIndex ${ignoreIndex}`;
  if (lo < 0 && lo > -3e38) fail(fn, `yTrue class indices must be in [0, ${C})${ignore}, got ${lo}.`, 'RangeError');
  if (hi >= C && hi < 3e38) fail(fn, `yTrue class indices must be in [0, ${C})${ignore}, got ${hi}.`, 'RangeError');
}

/**
 * Reads the label check's three numbers `[nonIntegral, lo, hi]` (a tensor the fused kernels or
 * {@link labelStats} made) and throws on bad labels — if the data checks run on the active
 * backend (see `setDataChecks`); otherwise reads nothing. Disposes `stats` either way.
 */
export function checkLabelStats(fn: string, stats: Tensor, C: number, ignoreIndex: number | undefined): void {
  if (!dataChecksRun()) {
    stats.dispose();
    return;
  }
  const [nonIntegral, lo, hi] = stats.dataSync();
  stats.dispose();
  failOnLabels(fn, nonIntegral, lo, hi, C, ignoreIndex);
}

/** `[nonIntegral, lo, hi]` of index labels: non-integral count, lowest and highest label not ignored (±3e38 when none). */
function labelStats(labels: Tensor, ignoreIndex: number | undefined): Tensor {
  return tf.tidy(() => {
    const lab = tf.cast(labels, 'float32');
    const valid = ignoreIndex === undefined ? tf.onesLike(lab) : tf.cast(tf.notEqual(lab, ignoreIndex), 'float32');
    const nonIntegral = tf.sum(tf.cast(tf.notEqual(lab, tf.round(lab)), 'float32'));
    const big = 3e38;
    const lo = tf.min(tf.where(tf.cast(valid, 'bool'), lab, tf.fill(lab.shape, big)));
    const hi = tf.max(tf.where(tf.cast(valid, 'bool'), lab, tf.fill(lab.shape, -big)));
    return tf.stack([nonIntegral, lo, hi]);
  });
}

/**
 * Checks that index labels are integral and within [0, C) where not ignored: three numbers read
 * back from the backend (one small `dataSync`), only where the data checks run (`cpu`, `wasm`
 * by default; see `setDataChecks`). Elsewhere no tensor is made and nothing is read.
 */
function checkLabels(fn: string, labels: Tensor, C: number, ignoreIndex: number | undefined): void {
  if (!dataChecksRun()) return;
  checkLabelStats(fn, labelStats(labels, ignoreIndex), C, ignoreIndex);
}

/**
 * Int32 or bool `x` as float32 with float32 storage on every backend (`tf.cast` times 1, exact);
 * float32 `x` as it is, so a target still on the CPU stays there for a CPU-side reader. On webgpu
 * `tf.cast` keeps the int32 buffer, which tfjs-backend-webgpu 4.22 cannot transpose (nor reduce
 * over any axis but the last): the result is silently wrong (docs/backends.md, tfjs issue #8638).
 */
export function toFloat32(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : tf.mul(tf.cast(x, 'float32'), tf.scalar(1));
}

/**
 * The one-hot rows of `labels` `[B, ...spatial]` over C classes, times the valid mask `m`
 * `[B, ...spatial, 1]`: float32 `[B, ...spatial, C]`, all zero where m = 0. The product also gives
 * it float32 storage on webgpu (see {@link toFloat32}).
 */
export function maskedOneHot(labels: Tensor, m: Tensor, C: number): Tensor {
  const hot = tf.reshape(tf.oneHot(tf.reshape(labels, [-1]), C), [...labels.shape, C]);
  return tf.mul(tf.cast(hot, 'float32'), m);
}

/**
 * yTrue channels last, where it has yPred's rank and `dataFormat` is channels first. A channel
 * axis of size 1 (index labels, a binary target) moves by a reshape. A wider one (dense targets)
 * is multiplied by 1 as float32 before its transpose, even if float32: the tensor may be a
 * relabelled cast of int32 storage (`tf.oneHot(labels, C).toFloat()`, see {@link toFloat32}).
 */
function targetToLast(y: Tensor, rank: number, dataFormat: DataFormat): Tensor {
  if (dataFormat !== 'channelsFirst' || y.rank !== rank) return y;
  if (y.shape[1] === 1) return tf.reshape(y, [y.shape[0], ...y.shape.slice(2), 1]);
  return tf.transpose(tf.mul(tf.cast(y, 'float32'), tf.scalar(1)), toLastPerm(y.rank));
}

/**
 * Valid mask `[B, ...spatial, 1]` of dense multiclass targets `t` (channels last): 0 where the
 * pixel's target row is all zero (no class) under `ignoreUnlabeled`, else 1.
 */
export function labelledMask(t: Tensor): Tensor {
  return toFloat32(tf.greater(tf.sum(tf.abs(t), -1, true), 0));
}

/**
 * Validates both tensors and returns them channels-last with one-hot targets and valid mask.
 * Must run inside `tf.tidy`: it creates intermediate tensors.
 */
export function prepare(fn: string, yTrue: unknown, yPred: unknown, options: InputOptions): Prepared {
  const { mode, dataFormat, ignoreIndex } = options;
  const x = predictionToLast(fn, yPred, mode, dataFormat);
  const kind = checkTarget(fn, yTrue, yPred as Tensor, x.shape, options);
  const y = yTrue as Tensor;
  const B = x.shape[0];
  const C = x.shape[x.rank - 1];
  const spatial = x.shape.slice(1, -1);
  // Targets and masks as float32 storage (toFloat32, maskedOneHot): a loss may transpose them.
  const floatTarget = () => toFloat32(targetToLast(y, x.rank, dataFormat));
  if (mode === 'multiclass') {
    if (kind === 'dense') {
      const t = floatTarget();
      if (!options.ignoreUnlabeled) return { x, t, m: tf.ones([...x.shape.slice(0, -1), 1]), labels: tf.argMax(t, -1), B, C, spatial };
      // An all-zero row is no class: the pixel is ignored, as an index target equal to ignoreIndex
      // is (t = 0 already, m = 0, label 0: the argmax of a zero row).
      return { x, t, m: labelledMask(t), labels: tf.argMax(t, -1), B, C, spatial };
    }
    const yt = targetToLast(y, x.rank, dataFormat);
    const idx = yt.rank === x.rank ? tf.reshape(yt, yt.shape.slice(0, -1)) : yt;
    checkLabels(fn, idx, C, ignoreIndex);
    const lab = tf.cast(idx.dtype === 'int32' ? idx : tf.round(idx), 'int32');
    const valid = ignoreIndex === undefined ? tf.onesLike(lab) : tf.cast(tf.notEqual(lab, ignoreIndex), 'int32');
    const labels = tf.mul(lab, valid);
    const m = tf.expandDims(toFloat32(valid), -1);
    return { x, t: maskedOneHot(labels, m, C), m, labels, B, C, spatial };
  }

  const tRaw = floatTarget();
  if (ignoreIndex === undefined) return { x, t: tRaw, m: tf.onesLike(tRaw), B, C, spatial };
  const m = toFloat32(tf.notEqual(tRaw, ignoreIndex));
  return { x, t: tf.mul(tRaw, m), m, B, C, spatial };
}

/** Probabilities from yPred: sigmoid (binary, multilabel) or softmax over C (multiclass). */
export function activate(x: Tensor, mode: Mode, fromLogits: boolean): Tensor {
  if (!fromLogits) return x;
  return mode === 'multiclass' ? tf.softmax(x, -1) : tf.sigmoid(x);
}
