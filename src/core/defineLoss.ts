/** Turns a loss body into the public `LossFn`: named, and run in a `tf.tidy` scope. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossFn } from '../types.js';

/**
 * Wraps `body` so that every intermediate tensor is freed (only the result survives) and the
 * function's `name` is `name` (tfjs-layers histories then show it).
 */
export function defineLoss(name: string, body: (yTrue: Tensor, yPred: Tensor) => Tensor): LossFn {
  const fn: LossFn = (yTrue, yPred) => tf.tidy(name, () => body(yTrue, yPred));
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
