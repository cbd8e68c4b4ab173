/**
 * The one input layer every loss and metric goes through: channels-last view, shape and mode
 * checks, one-hot of index targets, and the valid-pixel mask. Call it inside a `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, Mode } from '../types.js';
import { assertTensor, fail, shapeText } from './validate.js';

/** What the input layer needs to know. */
export interface InputOptions {
  mode: Mode;
  dataFormat: DataFormat;
  ignoreIndex?: number;
}

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

/** Validates yPred alone and returns it channels-last. */
export function predictionToLast(fn: string, yPred: unknown, mode: Mode, dataFormat: DataFormat): Tensor {
  assertTensor(fn, 'yPred', yPred);
  const layout = dataFormat === 'channelsFirst' ? '[B, C, ...spatial]' : '[B, ...spatial, C]';
  if (yPred.rank < 3) fail(fn, `yPred must have rank >= 3 (${layout}), got shape ${shapeText(yPred.shape)}.`);
  if (yPred.dtype !== 'float32') fail(fn, `yPred must be float32, got ${yPred.dtype}.`, 'TypeError');
  if (yPred.shape.some((d) => d === 0)) fail(fn, `yPred must not be empty, got shape ${shapeText(yPred.shape)}.`);
  const x = dataFormat === 'channelsFirst' ? tf.transpose(yPred, toLastPerm(yPred.rank)) : yPred;
  const C = x.shape[x.rank - 1];
  if (mode === 'binary' && C !== 1) {
    fail(
      fn,
      `yPred must have C = 1 channel in 'binary' mode (use mode 'multilabel' for independent channels or 'multiclass' for exclusive classes), got C = ${C} (shape ${shapeText(yPred.shape)}, ${dataFormat}).`,
    );
  }
  if (mode === 'multiclass' && C < 2) {
    fail(fn, `yPred must have C >= 2 channels in 'multiclass' mode, got C = ${C} (shape ${shapeText(yPred.shape)}, ${dataFormat}).`);
  }
  return x;
}

/**
 * Checks that index labels are integral and within [0, C) where not ignored. This reads three
 * numbers back from the backend (one small `dataSync`), the only data read a loss makes.
 */
function checkLabels(fn: string, labels: Tensor, C: number, ignoreIndex: number | undefined): void {
  const stats = tf.tidy(() => {
    const lab = tf.cast(labels, 'float32');
    const valid = ignoreIndex === undefined ? tf.onesLike(lab) : tf.cast(tf.notEqual(lab, ignoreIndex), 'float32');
    const nonIntegral = tf.sum(tf.cast(tf.notEqual(lab, tf.round(lab)), 'float32'));
    const big = 3e38;
    const lo = tf.min(tf.where(tf.cast(valid, 'bool'), lab, tf.fill(lab.shape, big)));
    const hi = tf.max(tf.where(tf.cast(valid, 'bool'), lab, tf.fill(lab.shape, -big)));
    return tf.stack([nonIntegral, lo, hi]);
  });
  const [nonIntegral, lo, hi] = stats.dataSync();
  stats.dispose();
  if (nonIntegral > 0) {
    fail(fn, `yTrue class indices must be integers, got ${nonIntegral} non-integral value(s).`);
  }
  const ignore = ignoreIndex === undefined ? '' : ` or ignoreIndex ${ignoreIndex}`;
  if (lo < 0 && lo > -3e38) fail(fn, `yTrue class indices must be in [0, ${C})${ignore}, got ${lo}.`, 'RangeError');
  if (hi >= C && hi < 3e38) fail(fn, `yTrue class indices must be in [0, ${C})${ignore}, got ${hi}.`, 'RangeError');
}

/**
 * Validates both tensors and returns them channels-last with one-hot targets and valid mask.
 * Must run inside `tf.tidy`: it creates intermediate tensors.
 */
export function prepare(fn: string, yTrue: unknown, yPred: unknown, options: InputOptions): Prepared {
  const { mode, dataFormat, ignoreIndex } = options;
  const x = predictionToLast(fn, yPred, mode, dataFormat);
  assertTensor(fn, 'yTrue', yTrue);
  const B = x.shape[0];
  const C = x.shape[x.rank - 1];
  const spatial = x.shape.slice(1, -1);
  const given = shapeText((yPred as Tensor).shape);
  if (yTrue.shape[0] !== B) {
    fail(fn, `yTrue must have the batch size of yPred (${B}), got shape ${shapeText(yTrue.shape)} for yPred ${given}.`);
  }

  if (mode === 'multiclass') {
    let yt: Tensor = yTrue;
    if (yTrue.rank === x.rank) {
      yt = dataFormat === 'channelsFirst' ? tf.transpose(yTrue, toLastPerm(yTrue.rank)) : yTrue;
      const last = yt.shape[yt.rank - 1];
      if (!sameShape(yt.shape.slice(0, -1), x.shape.slice(0, -1)) || (last !== 1 && last !== C)) {
        fail(
          fn,
          `yTrue must be class indices [B, ...spatial] or [B, ...spatial, 1], or one-hot [B, ...spatial, ${C}] matching yPred ${given}, got shape ${shapeText(yTrue.shape)}.`,
        );
      }
      if (last === C) {
        const t = tf.cast(yt, 'float32');
        return { x, t, m: tf.ones([...x.shape.slice(0, -1), 1]), labels: tf.argMax(t, -1), B, C, spatial };
      }
      yt = tf.reshape(yt, yt.shape.slice(0, -1));
    } else if (yTrue.rank !== x.rank - 1 || !sameShape(yTrue.shape, x.shape.slice(0, -1))) {
      fail(
        fn,
        `yTrue must be class indices [${[B, ...spatial].join(',')}] (or with a trailing 1, or one-hot with ${C} channels) for yPred ${given}, got shape ${shapeText(yTrue.shape)}.`,
      );
    }
    checkLabels(fn, yt, C, ignoreIndex);
    const lab = tf.cast(yt.dtype === 'int32' ? yt : tf.round(yt), 'int32');
    const valid = ignoreIndex === undefined ? tf.onesLike(lab) : tf.cast(tf.notEqual(lab, ignoreIndex), 'int32');
    const labels = tf.mul(lab, valid);
    const m = tf.expandDims(tf.cast(valid, 'float32'), -1);
    const t = tf.mul(tf.cast(tf.reshape(tf.oneHot(tf.reshape(labels, [-1]), C), x.shape), 'float32'), m);
    return { x, t, m, labels, B, C, spatial };
  }

  const yt = dataFormat === 'channelsFirst' && yTrue.rank === x.rank ? tf.transpose(yTrue, toLastPerm(yTrue.rank)) : yTrue;
  if (!sameShape(yt.shape, x.shape)) {
    fail(fn, `yTrue must have the shape of yPred ${given} in '${mode}' mode, got shape ${shapeText(yTrue.shape)}.`);
  }
  const tRaw = tf.cast(yt, 'float32');
  if (ignoreIndex === undefined) return { x, t: tRaw, m: tf.onesLike(tRaw), B, C, spatial };
  const m = tf.cast(tf.notEqual(tRaw, ignoreIndex), 'float32');
  return { x, t: tf.mul(tRaw, m), m, B, C, spatial };
}

/** Probabilities from yPred: sigmoid (binary, multilabel) or softmax over C (multiclass). */
export function activate(x: Tensor, mode: Mode, fromLogits: boolean): Tensor {
  if (!fromLogits) return x;
  return mode === 'multiclass' ? tf.softmax(x, -1) : tf.sigmoid(x);
}
