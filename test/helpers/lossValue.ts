import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '../../src/index.js';

/** The first value of `loss(yTrue, yPred)` as a number (the scalar of a reduced loss). */
export function valueOf(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
}

/** The gradient of Σ loss(yTrue, ·) at yPred, as a flat array in yPred's layout. */
export function gradOf(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);
}

/** The permutation from `[B, ...spatial, C]` to `[B, C, ...spatial]` for a tensor of `rank`. */
export function channelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** The permutation from `[B, C, ...spatial]` back to `[B, ...spatial, C]`. */
export function channelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** The value of `loss(yTrue, yPred)` (first entry) and the gradient of its sum at yPred, from one forward pass. */
export function valueAndGradOf(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { value: number; grad: Float32Array } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred);
    return { value: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  });
}
