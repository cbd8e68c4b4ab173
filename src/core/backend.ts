/**
 * What the losses need to know about the active tfjs backend, found without reading any data
 * back from a GPU: whether it stores tensors in 16-bit floats, and a way to keep tfjs's own
 * sort on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The smallest eps a denominator or log clamp gets on 16-bit-float storage: tfjs's own
 * EPSILON_FLOAT16, a normal float16 number (the smallest normal is 2⁻¹⁴ ≈ 6.1e-5; below it GPUs
 * may flush to 0).
 */
export const FLOAT16_EPS = 1e-4;

/**
 * The smallest probability clamp on 16-bit-float storage: 2⁻¹¹, so that 1 − eps = 1 − 2⁻¹¹ is
 * the largest float16 below 1 (1 − 1e-7 rounds to 1 there, and log(1 − p) to −∞).
 */
export const FLOAT16_PROB_EPS = 2 ** -11;

/** Whether `b` is tfjs-backend-webgl's backend (whatever name it was registered under). */
function isWebGL(b: tf.KernelBackend): boolean {
  return 'gpgpu' in b && 'texData' in b;
}

/**
 * Whether the active backend stores tensors as 16-bit floats: on webgl, when float32 render
 * targets are off (`WEBGL_RENDER_FLOAT32_ENABLED` false, as on many phones, or set so by the
 * user); elsewhere (cpu, wasm, webgpu, node) as the backend's `floatPrecision()` says.
 *
 * Not webgl's `floatPrecision()`: tfjs-backend-webgl 4.22 answers 16 when float32 textures are
 * enabled (tfjs issue #6980), and finds its answer with a synchronous GPU read.
 */
export function hasFloat16Storage(): boolean {
  const b = tf.backend();
  if (isWebGL(b)) return !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
  return b.floatPrecision() === 16;
}

/**
 * Every row of `x` `[R, N]` sorted descending, ties in index order: tfjs's `topk(x, N)`, kept on
 * the device. tfjs-backend-webgl 4.22 hands `topk` to the CPU (a synchronous read of `x`, a
 * pipeline stall every call) whenever N < 100 000 or k > 128, though its GPU bitonic sort works
 * for any k; this lifts the two hand-off thresholds (`TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD`,
 * `TOPK_K_CPU_HANDOFF_THRESHOLD`) for this one call and puts the caller's values back.
 * Other backends run `topk` where they are (webgpu sorts on the GPU at any size).
 */
export function sortRowsDescending(x: Tensor): { values: Tensor; indices: Tensor } {
  const N = x.shape[x.rank - 1];
  if (!isWebGL(tf.backend())) return tf.topk(x, N, true);
  const env = tf.env();
  const saved: [string, number][] = [
    ['TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD', 0],
    ['TOPK_K_CPU_HANDOFF_THRESHOLD', Number.MAX_SAFE_INTEGER],
  ].map(([name, value]) => {
    const before = env.getNumber(name as string);
    env.set(name as string, value);
    return [name as string, before];
  });
  try {
    return tf.topk(x, N, true);
  } finally {
    for (const [name, before] of saved) env.set(name, before);
  }
}
