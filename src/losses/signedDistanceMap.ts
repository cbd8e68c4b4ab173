import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, Mode } from '../types.js';
import { DATA_FORMATS, MODES } from '../types.js';
import { signedDistanceField } from '../core/edt.js';
import { toFloat32, toLastPerm } from '../core/normalize.js';
import { parseClassOptions } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { assertTensor, checkEnum, checkKeys, checkNumber, describe, fail, shapeText } from '../core/validate.js';

/** Options of {@link signedDistanceMap}. */
export interface SignedDistanceMapOptions {
  /**
   * How yTrue is read: `'binary'` / `'multilabel'` (region = yTrue > 0.5 per channel) or
   * `'multiclass'` (region of class c = pixels labelled c).
   * @defaultValue `'binary'`
   */
  mode?: Mode;
  /**
   * Layout of a yTrue with a channel axis: `[B, ...spatial, C]` or `[B, C, ...spatial]`.
   * The result is always channels last.
   * @defaultValue `'channelsLast'`
   */
  dataFormat?: DataFormat;
  /**
   * Class (channel) ids whose maps are returned, in this order.
   * @defaultValue binary `[0]`, multiclass every class but 0, multilabel every channel
   */
  classes?: number[];
  /**
   * Distance between neighbouring pixels along each spatial axis (one entry per spatial axis),
   * e.g. a CT scan's voxel size in mm.
   * @defaultValue 1 along every axis
   */
  spacing?: number[];
  /**
   * Multiclass only: the class count C. With it, yTrue is read as class indices
   * `[B, ...spatial]` (a channel axis of size 1 is dropped); without it, as one-hot / soft
   * targets `[B, ...spatial, C]` whose regions are the argmax over C. An int32 yTrue without
   * `numClasses` is an error.
   * @defaultValue none
   */
  numClasses?: number;
}

const KEYS = ['mode', 'dataFormat', 'classes', 'spacing', 'numClasses'] as const;

/** Writes the 0/1 region of image `b`, class `c` (N pixels) into `out`. */
export type RegionReader = (b: number, c: number, out: Uint8Array) => void;

/** Region = value > 0.5 in channel `offset + c` of channels-last data with `width` values per pixel. */
export function thresholdReader(data: ArrayLike<number>, N: number, width: number, offset: number): RegionReader {
  return (b, c, out) => {
    for (let i = 0, j = b * N * width + offset + c; i < N; i++, j += width) out[i] = data[j] > 0.5 ? 1 : 0;
  };
}

/** Region = label equals c, labels in channel `offset` of channels-last data with `width` values per pixel. */
export function labelReader(data: ArrayLike<number>, N: number, width: number, offset: number): RegionReader {
  return (b, c, out) => {
    for (let i = 0, j = b * N * width + offset; i < N; i++, j += width) out[i] = data[j] === c ? 1 : 0;
  };
}

/** Reads option `spacing` (positive numbers); its length is checked at call time. */
export function parseSpacing(fn: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    fail(fn, `option 'spacing' must be a non-empty array of finite numbers > 0 (one per spatial axis), got ${describe(value)}.`, 'TypeError');
  }
  return [...(value as number[])];
}

/** `spacing` checked against the number of spatial axes, or all 1. */
export function spacingFor(fn: string, spacing: readonly number[] | undefined, spatial: readonly number[]): number[] {
  if (spacing === undefined) return spatial.map(() => 1);
  if (spacing.length !== spatial.length) {
    fail(fn, `option 'spacing' must have one entry per spatial axis (${spatial.length} for spatial shape ${shapeText(spatial)}), got ${spacing.length}.`);
  }
  return [...spacing];
}

/** The default `classes` of boundaryLoss and signedDistanceMap: multiclass drops class 0. */
export function defaultClasses(mode: Mode, C: number): number[] {
  return Array.from({ length: C }, (_, c) => c).slice(mode === 'multiclass' ? 1 : 0);
}

/**
 * The channels `classes` of a channels-last tensor, in that order. Slices and a concat rather
 * than tf.gather, whose gradient needs UnsortedSegmentSum (missing on tfjs-backend-wasm).
 */
export function keepChannels(x: Tensor, classes: readonly number[]): Tensor {
  const C = x.shape[x.rank - 1];
  if (classes.length === C && classes.every((c, i) => c === i)) return x;
  const begin = x.shape.map(() => 0);
  const size = [...x.shape.slice(0, -1), 1];
  const columns = classes.map((c) => tf.slice(x, [...begin.slice(0, -1), c], size));
  return columns.length === 1 ? columns[0] : tf.concat(columns, x.rank - 1);
}

/**
 * φ of every image and kept class, channels last `[B, ...spatial, K]` flat, from a region reader.
 * Cost: two EDTs per image and class whose region is neither empty nor full.
 */
export function signedMaps(B: number, spatial: readonly number[], classes: readonly number[], spacing: readonly number[], read: RegionReader): Float32Array {
  const N = spatial.reduce((a, b) => a * b, 1);
  const K = classes.length;
  const out = new Float32Array(B * N * K);
  const region = new Uint8Array(N);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < K; k++) {
      read(b, classes[k], region);
      const phi = signedDistanceField(region, spatial, spacing);
      for (let i = 0, j = b * N * K + k; i < N; i++, j += K) out[j] = phi[i];
    }
  }
  return out;
}

/** Checks class-index data: integral and within [0, C). */
function checkLabelData(fn: string, data: ArrayLike<number>, C: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) fail(fn, `yTrue class indices must be integers, got ${v}.`);
    if (v < 0 || v >= C) fail(fn, `yTrue class indices must be in [0, ${C}) (numClasses ${C}), got ${v}.`, 'RangeError');
  }
}

/**
 * Signed distance map φ of the target regions, the constant that {@link boundaryLoss} multiplies
 * with the predicted probabilities.
 *
 * For each image and kept class with region G (binary / multilabel: yTrue > 0.5; multiclass:
 * label = c, or the argmax of a one-hot target): φ(q) = dist(q, G) outside G and
 * −(dist(q, ∁G) − 1) inside G, with exact Euclidean distances (times `spacing`) to the nearest
 * pixel of the set; φ = 0 where G is empty or covers the whole image.
 *
 * **When to use:** to inspect what boundaryLoss weighs, or to precompute φ once per training
 * image instead of on every step.
 *
 * **Cost:** one read of yTrue from the backend (`dataSync`), then on the CPU two exact EDTs
 * per image and class, each linear in the number of pixels (Felzenszwalb and Huttenlocher,
 * 2012); see docs/distance-losses.md for timings.
 *
 * **Reference:** Kervadec et al., "Boundary loss for highly unbalanced segmentation", MIDL 2019,
 * arXiv:1812.07032. Distances equal `scipy.ndimage.distance_transform_edt` (`sampling` = spacing).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { signedDistanceMap } from 'segloss';
 * const yTrue = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]); // one 1-D image, G = {1, 2}
 * signedDistanceMap(yTrue).print(); // [[[1], [0], [0], [1], [2]]]
 * ```
 * @returns float32 φ `[B, ...spatial, K]` (channels last, K = number of kept classes).
 * @throws Error on unknown options, a `spacing` of the wrong length, class ids out of range,
 * class-index targets without `numClasses`, or labels that are not integers in [0, numClasses).
 * @see {@link boundaryLoss}, {@link euclideanDistanceTransform}
 */
export function signedDistanceMap(yTrue: Tensor, options: SignedDistanceMapOptions = {}): Tensor {
  const fn = 'signedDistanceMap';
  checkKeys(fn, options, KEYS);
  const mode = checkEnum(fn, 'mode', options.mode, MODES, 'binary');
  const dataFormat = checkEnum(fn, 'dataFormat', options.dataFormat, DATA_FORMATS, 'channelsLast');
  const { classes } = parseClassOptions(fn, options as Record<string, unknown>);
  const spacing = parseSpacing(fn, options.spacing);
  const numClasses = options.numClasses === undefined ? undefined : checkNumber(fn, 'numClasses', options.numClasses, 2, { min: 2, integer: true });
  if (numClasses !== undefined && mode !== 'multiclass') fail(fn, `option 'numClasses' applies to mode 'multiclass' only, got mode '${mode}'.`);
  assertTensor(fn, 'yTrue', yTrue);
  const shape = yTrue.shape;
  if (shape.some((d) => d === 0)) fail(fn, `yTrue must not be empty, got shape ${shapeText(shape)}.`);
  const channelAxis = dataFormat === 'channelsFirst' ? 1 : shape.length - 1;

  return tf.tidy(fn, () => {
    let data: ArrayLike<number>;
    let spatial: number[];
    let C: number;
    let read: (N: number) => RegionReader;
    if (mode === 'multiclass' && numClasses !== undefined) {
      if (shape.length < 2) fail(fn, `yTrue must be class indices [B, ...spatial], got shape ${shapeText(shape)}.`);
      // A channel axis of size 1 is dropped; the flat order is then that of [B, ...spatial].
      spatial = shape.length >= 3 && shape[channelAxis] === 1 ? shape.filter((_, i) => i !== 0 && i !== channelAxis) : shape.slice(1);
      C = numClasses;
      data = yTrue.dataSync();
      checkLabelData(fn, data, C);
      read = (N) => labelReader(data, N, 1, 0);
    } else {
      const layout = dataFormat === 'channelsFirst' ? '[B, C, ...spatial]' : '[B, ...spatial, C]';
      if (shape.length < 3) fail(fn, `yTrue must have rank >= 3 (${layout}), got shape ${shapeText(shape)}.`);
      C = shape[channelAxis];
      spatial = shape.filter((_, i) => i !== 0 && i !== channelAxis);
      if (mode === 'binary' && C !== 1) fail(fn, `yTrue must have C = 1 channel in 'binary' mode, got C = ${C} (shape ${shapeText(shape)}, ${dataFormat}).`);
      if (mode === 'multiclass') {
        if (yTrue.dtype === 'int32' || C < 2) {
          fail(fn, `option 'numClasses' is needed for class-index targets in 'multiclass' mode (one-hot targets need C >= 2 channels), got a ${yTrue.dtype} yTrue of shape ${shapeText(shape)} and no numClasses.`);
        }
        data = tf.argMax(yTrue, channelAxis).dataSync();
        read = (N) => labelReader(data, N, 1, 0);
      } else {
        const last = dataFormat === 'channelsFirst' ? tf.transpose(toFloat32(yTrue), toLastPerm(shape.length)) : yTrue;
        data = last.dataSync();
        read = (N) => thresholdReader(data, N, C, 0);
      }
    }
    checkClassOptions(fn, C, { classes });
    const kept = classes ?? defaultClasses(mode, C);
    const h = spacingFor(fn, spacing, spatial);
    const N = spatial.reduce((a, b) => a * b, 1);
    const phi = signedMaps(shape[0], spatial, kept, h, read(N));
    return tf.tensor(phi, [shape[0], ...spatial, kept.length], 'float32');
  });
}
