/**
 * Soft (grey-value) morphology for clDice: erosion, dilation, opening and the soft skeleton of
 * Shit et al. (2021), on channels-last tensors `[B, ...spatial, C]` with 2 or 3 spatial axes.
 *
 * Windows are built from shifted copies and `tf.minimum` / `tf.maximum` chains instead of
 * `tf.maxPool`: tfjs-backend-wasm 4.22's MaxPoolGrad is wrong for 3×1 windows, while the
 * gradients of Minimum and Maximum are right on every backend. At a tie tfjs sends the whole
 * gradient to the first argument (`a <= b` for Minimum, `a >= b` for Maximum), so every output
 * passes its gradient to exactly one input of its window: a valid subgradient.
 *
 * Positions outside the image are ignored: where a neighbour falls outside, the shifted copy holds
 * the centre value instead, which gives the same minimum and maximum (it is already in the window).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

type Pick2 = (a: Tensor, b: Tensor) => Tensor;

/** Recently used edge masks (plain arrays, not tensors), keyed by shape, axis and index. */
const maskCache = new Map<string, Uint8Array>();

/** Bool mask of a `shape`-tensor read flat: true where the index along `axis` is `at` (not on the gradient path). */
function edgeMask(shape: number[], axis: number, at: number): Tensor {
  const key = `${shape.join(',')}|${axis}|${at}`;
  let mask = maskCache.get(key);
  if (!mask) {
    const n = shape[axis];
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const size = shape.reduce((a, b) => a * b, 1);
    mask = new Uint8Array(size);
    for (let j = 0; j < size; j++) mask[j] = Math.floor(j / inner) % n === at ? 1 : 0;
    if (maskCache.size >= 32) maskCache.clear();
    maskCache.set(key, mask);
  }
  return tf.tensor1d(mask, 'bool');
}

/**
 * pick(x[i−1], x[i], x[i+1]) along `axis` for every i, a neighbour outside the image replaced
 * by x[i] itself (so it never changes the result).
 *
 * The shifts are taken on the flat tensor: a shift by one along `axis` is a shift by `inner`
 * (the product of the later dims) elements, so two contiguous 1-D slices and a concat — the fast
 * path of every backend (strided slices took most of the cpu backend's time) — and a `where`
 * puts x[i] back where the shifted neighbour belongs to another row.
 */
function window3(x: Tensor, axis: number, pick: Pick2): Tensor {
  const shape = x.shape;
  const n = shape[axis];
  if (n === 1) return x;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = x.size;
  const flat = tf.reshape(x, [size]);
  // before[j] = flat[j − inner], after[j] = flat[j + inner]; the first / last `inner` are fillers.
  const before = tf.concat([tf.slice(flat, [0], [inner]), tf.slice(flat, [0], [size - inner])]);
  const after = tf.concat([tf.slice(flat, [inner], [size - inner]), tf.slice(flat, [size - inner], [inner])]);
  const first = edgeMask(shape, axis, 0);
  const last = edgeMask(shape, axis, n - 1);
  const picked = pick(pick(flat, tf.where(first, flat, before)), tf.where(last, flat, after));
  return tf.reshape(picked, shape);
}

/** The spatial axes of a channels-last tensor `[B, ...spatial, C]`. */
function spatialAxes(x: Tensor): number[] {
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
}

/** Minimum over the 3-long window along one axis (a 3×1 or 1×3 erosion). */
export function softErodeAxis(x: Tensor, axis: number): Tensor {
  return window3(x, axis, tf.minimum);
}

/**
 * Soft erosion: the minimum over the 3-long window along each spatial axis separately, then the
 * minimum of those (a cross-shaped structuring element), as in the clDice paper.
 */
export function softErode(x: Tensor): Tensor {
  const [first, ...rest] = spatialAxes(x).map((axis) => softErodeAxis(x, axis));
  return rest.reduce((acc, e) => tf.minimum(acc, e), first);
}

/**
 * Soft dilation: the maximum over the full 3×3 (×3) window. The box maximum is separable, so it
 * is one 3-long maximum per axis in turn, which still routes each output's gradient to one input.
 */
export function softDilate(x: Tensor): Tensor {
  return spatialAxes(x).reduce((acc, axis) => window3(acc, axis, tf.maximum), x);
}

/** Soft opening, dilate(erode(x)). */
export function softOpen(x: Tensor): Tensor {
  return softDilate(softErode(x));
}

/**
 * Soft skeleton S(x): x₁ = open(x), S = relu(x − x₁); then `iterations` times x = erode(x),
 * x₁ = open(x), δ = relu(x − x₁), S = S + relu(δ − S·δ). Cost: 2 + 3·iterations erosions /
 * dilations, about (iterations + 1)·8·d shifted minimum / maximum passes for d spatial axes.
 */
export function softSkeleton(x: Tensor, iterations: number): Tensor {
  let img = x;
  let S = tf.relu(tf.sub(img, softOpen(img)));
  for (let k = 0; k < iterations; k++) {
    img = softErode(img);
    const delta = tf.relu(tf.sub(img, softOpen(img)));
    S = tf.add(S, tf.relu(tf.sub(delta, tf.mul(S, delta))));
  }
  return S;
}
