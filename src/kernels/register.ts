/**
 * The fused `Segloss*` kernels for the `cpu` and `wasm` backends: evaluating this module registers
 * them, once and idempotently (a kernel already registered under the name is left alone), and
 * hands them to dispatch.ts, which decides per call whether the fused path runs. Nothing in the
 * losses imports this module statically: it is loaded at import by the Node entry and
 * `segloss/kernels`, and elsewhere on the first call on `cpu` or `wasm` (see dispatch.ts). Every
 * other backend keeps the composite path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_BACKENDS } from './access.js';
import { provideKernels } from './dispatch.js';
import { LOVASZ_HINGE, LOVASZ_ROWS, LOVASZ_SOFTMAX, LOVASZ_SOFTMAX_GRAD, ROW_SCALE, SIGMOID_STATS, SIGMOID_STATS_GRAD, SOFTMAX_STATS, SOFTMAX_STATS_GRAD } from './kernelNames.js';
import { sigmoidStatsBackward, sigmoidStatsForward } from './sigmoidStats.js';
import { softmaxStatsBackward, softmaxStatsForward } from './softmaxStats.js';
import { lovaszHingeForward, lovaszRowsForward, rowScale } from './lovaszRows.js';
import { lovaszSoftmaxBackward, lovaszSoftmaxForward } from './lovaszSoftmax.js';
import { simdKernelsFor } from './simd/simdKernels.js';

export { fusedAvailable, setFusedKernels } from './dispatch.js';

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

provideKernels({ register: registerSeglossKernels, simd: (backend) => simdKernelsFor(backend) !== null });
