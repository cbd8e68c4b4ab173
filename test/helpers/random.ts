import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../../src/cli/pipeline/rng.js';

/**
 * The project's one seeded PRNG (mulberry32, src/cli/pipeline/rng.ts) started from `seed`
 * itself, so tests do not depend on tfjs's seeding. (The CLI's `rng` mixes its seeds first.)
 */
export const rng: (seed: number) => () => number = mulberry32;

/** Normal-ish logits in about [-3, 3]. */
export function randomLogits(shape: number[], seed: number): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (r() + r() + r() - 1.5) * 2), shape);
}

/** 0/1 targets. */
export function randomMask(shape: number[], seed: number, fraction = 0.4): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (r() < fraction ? 1 : 0)), shape);
}

/** Integer labels in [0, C). */
export function randomLabels(shape: number[], C: number, seed: number): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Int32Array.from({ length: n }, () => Math.floor(r() * C)), shape, 'int32');
}
