/**
 * Soft (grey-value) morphology for clDice: erosion, dilation, opening and the soft skeleton of
 * Shit et al. (2021), on channels-last tensors `[B, ...spatial, C]` with 2 or 3 spatial axes.
 *
 * Windows are built from shifted slices and `tf.minimum` / `tf.maximum` chains instead of
 * `tf.maxPool`: tfjs-backend-wasm 4.22's MaxPoolGrad is wrong for 3×1 windows, while the
 * gradients of Minimum and Maximum are right on every backend. At a tie tfjs sends the whole
 * gradient to the first argument (`a <= b` for Minimum, `a >= b` for Maximum), so every output
 * passes its gradient to exactly one input of its window: a valid subgradient.
 *
 * Positions outside the image are ignored. The shifted copies replicate the edge value instead,
 * which gives the same minimum and maximum (the edge value is already in the window).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

type Pick2 = (a: Tensor, b: Tensor) => Tensor;

function sliceAxis(x: Tensor, axis: number, start: number, size: number): Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const sizes = x.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(x, begin, sizes);
}

/**
 * pick(x[i−1], x[i], x[i+1]) along `axis` for every i, the neighbours outside the image replaced
 * by the edge value (so they never change the result).
 */
function window3(x: Tensor, axis: number, pick: Pick2): Tensor {
  const n = x.shape[axis];
  if (n === 1) return x;
  // before[i] = x[i − 1] (x[0] at i = 0), after[i] = x[i + 1] (x[n − 1] at i = n − 1).
  const before = tf.concat([sliceAxis(x, axis, 0, 1), sliceAxis(x, axis, 0, n - 1)], axis);
  const after = tf.concat([sliceAxis(x, axis, 1, n - 1), sliceAxis(x, axis, n - 1, 1)], axis);
  return pick(pick(x, before), after);
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
 * x₁ = open(x), δ = relu(x − x₁), S = S + relu(δ − S·δ). Cost: about (iterations + 1)·(4 + 2·d)
 * shifted minimum / maximum passes over the tensor for d spatial axes.
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
