import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { LossFn } from '../../src/index.js';

/**
 * The memory battery every loss passes: each of 10 calls leaves exactly its result behind,
 * `tf.grad` (in a tidy) leaves nothing, and a throwing call — `failing`, which must throw an
 * error matching `error` — leaves nothing either. Create any input of `failing` before calling.
 */
export function expectNoLeak(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor, failing: () => unknown, error: RegExp): void {
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) {
    const out = loss(yTrue, yPred);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
  }
  tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(loss(yTrue, v)))(yPred)).dispose();
  expect(tf.memory().numTensors).toBe(before);
  expect(failing).toThrow(error);
  expect(tf.memory().numTensors).toBe(before);
}
