/**
 * Registers the fused `Segloss*` kernels for the `cpu` and `wasm` backends, once and idempotently
 * (a kernel already registered under the name is left alone), and decides per call whether the
 * fused path can run on the active backend. Every other backend keeps the composite path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_BACKENDS, supportsDirectAccess } from './access.js';
import { LOVASZ_HINGE, LOVASZ_ROWS, LOVASZ_SOFTMAX, LOVASZ_SOFTMAX_GRAD, ROW_SCALE, SIGMOID_STATS, SIGMOID_STATS_GRAD, SOFTMAX_STATS, SOFTMAX_STATS_GRAD } from './kernelNames.js';
import { sigmoidStatsBackward, sigmoidStatsForward } from './sigmoidStats.js';
import { softmaxStatsBackward, softmaxStatsForward } from './softmaxStats.js';
import { lovaszHingeForward, lovaszRowsForward, rowScale } from './lovaszRows.js';
import { lovaszSoftmaxBackward, lovaszSoftmaxForward } from './lovaszSoftmax.js';

/** The kernel names this package adds (never names tfjs uses). */
export const SEGLOSS_KERNELS = [SIGMOID_STATS, SIGMOID_STATS_GRAD, SOFTMAX_STATS, SOFTMAX_STATS_GRAD, LOVASZ_ROWS, LOVASZ_HINGE, ROW_SCALE, LOVASZ_SOFTMAX, LOVASZ_SOFTMAX_GRAD] as const;

const FUNCS: Record<(typeof SEGLOSS_KERNELS)[number], tf.KernelFunc> = {
  [SIGMOID_STATS]: sigmoidStatsForward as unknown as tf.KernelFunc,
  [SIGMOID_STATS_GRAD]: sigmoidStatsBackward as unknown as tf.KernelFunc,
  [SOFTMAX_STATS]: softmaxStatsForward as unknown as tf.KernelFunc,
  [SOFTMAX_STATS_GRAD]: softmaxStatsBackward as unknown as tf.KernelFunc,
  [LOVASZ_ROWS]: lovaszRowsForward as unknown as tf.KernelFunc,
  [LOVASZ_HINGE]: lovaszHingeForward as unknown as tf.KernelFunc,
  [ROW_SCALE]: rowScale as unknown as tf.KernelFunc,
  [LOVASZ_SOFTMAX]: lovaszSoftmaxForward as unknown as tf.KernelFunc,
  [LOVASZ_SOFTMAX_GRAD]: lovaszSoftmaxBackward as unknown as tf.KernelFunc,
};

/** Registers the fused kernels for `cpu` and `wasm` unless already registered. */
export function registerSeglossKernels(): void {
  for (const backendName of FUSED_BACKENDS) {
    for (const kernelName of SEGLOSS_KERNELS) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: FUNCS[kernelName] });
    }
  }
}

registerSeglossKernels();

let enabled = true;

/**
 * Turns the fused path on or off (on by default) and returns the previous setting. Internal: the
 * tests use it to run the composite path on `cpu` and `wasm` too.
 */
export function setFusedKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Whether the fused kernels run on the active backend. */
export function fusedAvailable(): boolean {
  if (!enabled) return false;
  const name = tf.getBackend();
  if (!(FUSED_BACKENDS as readonly string[]).includes(name)) return false;
  registerSeglossKernels();
  return supportsDirectAccess(tf.backend());
}
