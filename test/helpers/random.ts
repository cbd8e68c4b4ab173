import * as tf from '@tensorflow/tfjs-core';

/** A small deterministic PRNG (mulberry32), so tests do not depend on tfjs's seeding. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
