/**
 * The fused Lovász kernels as ops (cpu, wasm), each with its gradient from the same kernel or one
 * more; each returns null or is called only where the fused path can run (see `fusedInputs`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { checkLabelStats } from '../core/normalize.js';
import { LOVASZ_HINGE, LOVASZ_ROWS, LOVASZ_SOFTMAX, LOVASZ_SOFTMAX_GRAD, ROW_SCALE, type LovaszHingeAttrs, type LovaszSoftmaxAttrs } from './kernelNames.js';
import { customOp, type FusedInputs } from './ops.js';
import { fusedAvailable } from './dispatch.js';

/**
 * The Lovász extension per row of errors `e` `[R, N]` (labels `t`, valid mask `v`; see
 * `lovaszRows` in src/core/lovasz.ts) by the fused `SeglossLovaszRows` kernel, or null where it
 * cannot run. Its gradient is dy·dE with dE from the same kernel (`SeglossRowScale`).
 */
export function fusedLovaszRows(e: Tensor, t: Tensor, v?: Tensor): Tensor | null {
  if (!fusedAvailable() || e.dtype !== 'float32' || t.dtype !== 'float32' || (v && v.dtype !== 'float32')) return null;
  const [R, N] = e.shape as [number, number];
  const attrs = { R, N } as unknown as NamedAttrMap;
  return customOp(e, (keep) => {
    const [value, dE] = tf.engine().runKernel(LOVASZ_ROWS, v ? { e, t, v } : { e, t }, attrs) as Tensor[];
    keep([dE]);
    return { value, gradFunc: (dy, [dEs]) => tf.engine().runKernel(ROW_SCALE, { a: dEs, s: dy }) as Tensor };
  });
}

/**
 * The Lovász hinge by the fused `SeglossLovaszHinge` kernel on the inputs as given, in `R` rows
 * (images, or one for the batch): `[R]`, with gradient dy·dX.
 */
export function fusedLovaszHinge(inp: FusedInputs, R: number): Tensor {
  const N = inp.yPred.size / R;
  const attrs: LovaszHingeAttrs = { R, N, hasIgnore: inp.ignoreIndex !== undefined, ignoreIndex: inp.ignoreIndex ?? 0 };
  const named = attrs as unknown as NamedAttrMap;
  return customOp(inp.yPred, (keep) => {
    const [value, dX] = tf.engine().runKernel(LOVASZ_HINGE, { x: inp.yPred, t: inp.yTrue }, named) as Tensor[];
    keep([dX]);
    return { value, gradFunc: (dy, [dXs]) => tf.engine().runKernel(ROW_SCALE, { a: dXs, s: dy }) as Tensor };
  });
}

/**
 * Lovász-Softmax by the fused `SeglossLovaszSoftmax` kernels on the inputs as given (labels
 * checked as the input layer does), over groups of `G` images and the K distinct `classes`.
 * Returns `[2, G, K]`: L per group and class, and whether the class occurs (the gradient flows
 * through the first row only).
 */
export function fusedLovaszSoftmax(fn: string, inp: FusedInputs, G: number, classes: number[]): Tensor {
  const attrs: LovaszSoftmaxAttrs = {
    B: inp.B,
    S: inp.S,
    C: inp.C,
    G,
    fromLogits: inp.fromLogits,
    channelsFirst: inp.channelsFirst,
    dense: inp.kind === 'dense',
    hasIgnore: inp.ignoreIndex !== undefined,
    ignoreIndex: inp.ignoreIndex ?? 0,
    classes,
  };
  const named = attrs as unknown as NamedAttrMap;
  return customOp(inp.yPred, (keep) => {
    const [out, check, p, W] = tf.engine().runKernel(LOVASZ_SOFTMAX, { x: inp.yPred, t: inp.yTrue }, named) as Tensor[];
    if (attrs.dense) check.dispose();
    else checkLabelStats(fn, check, inp.C, inp.ignoreIndex);
    keep([W, p]);
    return {
      value: out,
      gradFunc: (dy, [Ws, ps]) => tf.engine().runKernel(LOVASZ_SOFTMAX_GRAD, { W: Ws, p: ps, dy }, named) as Tensor,
    };
  });
}
