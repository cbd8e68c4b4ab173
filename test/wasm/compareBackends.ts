/**
 * Runs one gradient computation on the cpu and on the wasm backend from the same random inputs,
 * so the wasm tests can assert that both agree.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';

export { rng };

/** Values uniform in [-1, 1): continuous, so windows have no ties (with probability 1). */
export function randomValues(shape: number[], seed: number): Float32Array {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = 2 * next() - 1;
  return v;
}

export interface Input {
  shape: number[];
  seed: number;
}

/**
 * Gradients of `sum(f(...xs) · w)` with respect to every input, where `w` is a fixed random
 * weight of the output's shape (so each output element gets its own upstream gradient).
 */
export async function gradsOn(
  backend: BackendName,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Input[],
): Promise<{ value: Float32Array; grads: Float32Array[]; shapes: number[][] }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(randomValues(i.shape, i.seed), i.shape));
    const y = f(...xs);
    const w = tf.tensor(randomValues(y.shape, 999), y.shape);
    const gs = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
    return {
      value: y.dataSync() as Float32Array,
      grads: gs.map((g) => g.dataSync() as Float32Array),
      shapes: gs.map((g) => g.shape),
    };
  });
}

/** Asserts that `f`'s value and gradients agree on cpu and wasm within float32 rounding. */
export async function expectSameOnWasm(
  label: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Input[],
  tol = { rtol: 1e-4, atol: 1e-4 },
): Promise<void> {
  const cpu = await gradsOn('cpu', f, inputs);
  const wasm = await gradsOn('wasm', f, inputs);
  expectClose(wasm.value, cpu.value, tol, `${label} value`);
  cpu.grads.forEach((g, k) => {
    if (wasm.shapes[k].join(',') !== cpu.shapes[k].join(',')) {
      throw new Error(`${label} grad ${k}: shape [${wasm.shapes[k]}] differs from cpu [${cpu.shapes[k]}]`);
    }
    // Sums of many products: scale the absolute tolerance with the gradient's size.
    let max = 0;
    for (const v of g) max = Math.max(max, Math.abs(v));
    expectClose(wasm.grads[k], g, { rtol: tol.rtol, atol: tol.atol * Math.max(1, max) }, `${label} grad ${k}`);
  });
}
