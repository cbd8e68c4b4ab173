/**
 * The backend-facing adapter of the softmax-family kernels (multiclass predictions): reads the
 * attributes, chooses the strategy once per call ({@link softmaxPlan}, the same function for
 * forward and backward), allocates the outputs, finds the arrays (the backend's own memory, or
 * copies in the SIMD arena on cpu, written back) and runs the loops of softmaxSimd.ts or
 * softmaxLoops.ts.
 *
 * Names, inputs, attributes and rows: kernelNames.ts (`SOFTMAX_STATS`, `SOFTMAX_ROW`, ...).
 * Forward outputs the sums `[SOFTMAX_ROWS, B, C]`, a label check `[3]` (non-integral labels,
 * lowest and highest valid label) and p (x's shape). Backward inputs x, t, p, `coef` = ∂L/∂sums;
 * output ∂L/∂x.
 */
import type { DataType, KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, view } from './access.js';
import { SOFTMAX_ROWS, type SoftmaxAttrs } from './kernelNames.js';
import { SimdArena, simdKernelsFor, simdPlace, type SimdPlace } from './simd/simdKernels.js';
import { checkLabelValues, softmaxBackwardLoops, softmaxForwardLoops } from './softmaxLoops.js';
import { scratchFloats, softmaxSimdBackward, softmaxSimdForward } from './softmaxSimd.js';

/**
 * How a call runs: `simd` (logits, plain sums — label smoothing allowed — with index labels
 * channels last or first (S a multiple of 4), or float32 one-hot / soft targets channels last),
 * else `general` (the JavaScript loops, which take every option).
 */
export type SoftmaxStrategy = 'simd' | 'general';

/** The strategy of a call with these attributes, dtypes of x and t, and SIMD place. */
export function softmaxPlan(a: SoftmaxAttrs, dtypes: { x: DataType; t: DataType }, place: SimdPlace): SoftmaxStrategy {
  // Index labels as int32 or float32; one-hot (dense) targets as float32.
  const labels = dtypes.t === 'float32' || (dtypes.t === 'int32' && !a.dense);
  // Channels first: index labels, and whole vectors of four pixels.
  const layout = !a.channelsFirst || (!a.dense && a.S % 4 === 0);
  const simdable = a.fromLogits && !a.softLabel && !a.squared && layout && labels && dtypes.x === 'float32';
  return simdable && place !== null ? 'simd' : 'general';
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/** CE weights and focal α per class (1 where the term is off or not given per class). */
function classFactors(a: SoftmaxAttrs): { w: readonly number[]; alpha: readonly number[] } {
  const w = a.wantCe && a.ceWeights.length === a.C ? a.ceWeights : new Array<number>(a.C).fill(1);
  const alpha = a.wantFocal && a.focalAlpha.length === a.C ? a.focalAlpha : new Array<number>(a.C).fill(1);
  return { w, alpha };
}

/**
 * `SeglossSoftmaxStats`: the sums `[SOFTMAX_ROWS, B, C]`, the label check `[3]` and p, by the
 * strategy of {@link softmaxPlan}.
 */
export function softmaxStatsForward(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const a = args.attrs as unknown as SoftmaxAttrs;
  const { B, C, S } = a;
  const place = simdPlace(backend);
  const plan = softmaxPlan(a, { x: args.inputs.x.dtype, t: args.inputs.t.dtype }, place);
  const onHeap = plan === 'simd' && place === 'heap';
  // On the heap, a scratch buffer (see `scratchFloats`) is taken with the outputs.
  const { infos, views } = allocate(backend, [[SOFTMAX_ROWS, B, C], [3], args.inputs.x.shape, ...(onHeap ? [[scratchFloats(C)]] : [])]);
  const [stats, check, p] = views;
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  const { w, alpha } = classFactors(a);
  if (!a.dense) checkLabelValues(t, B * S, a.hasIgnore, a.ignoreIndex, check);
  else check.set([0, 3e38, -3e38]);

  if (onHeap) {
    softmaxSimdForward(simdKernelsFor(backend)!, a, x, t, p, stats, views[3], w, alpha);
    backend.disposeData(infos[3].dataId);
    return infos.slice(0, 3);
  }
  if (plan === 'simd') {
    // On copies in the SIMD arena (labels as float32).
    const arena = SimdArena.get()!;
    const r = arena.regions([{ length: x.length, from: x }, { length: t.length, from: t }, { length: p.length }, { length: scratchFloats(C) }]);
    if (r) {
      softmaxSimdForward(arena.kernels, a, r[0], r[1], r[2], stats, r[3], w, alpha);
      p.set(r[2]);
      return infos;
    }
  }
  softmaxForwardLoops(a, x, t, p, stats, w, alpha);
  return infos;
}

/** `SeglossSoftmaxStatsGrad`: ∂L/∂x from `coef` = ∂L/∂sums, by the same strategy as the forward pass. */
export function softmaxStatsBackward(args: KernelArgs): TensorInfo {
  const backend = args.backend as KernelBackend;
  const a = args.attrs as unknown as SoftmaxAttrs;
  const { C } = a;
  const place = simdPlace(backend);
  const plan = softmaxPlan(a, { x: args.inputs.x.dtype, t: args.inputs.t.dtype }, place);
  const onHeap = plan === 'simd' && place === 'heap';
  const { infos, views } = allocate(backend, [args.inputs.x.shape, ...(onHeap ? [[scratchFloats(C)]] : [])]);
  const dx = views[0];
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  const p = view(backend, args.inputs.p);
  const coef = view(backend, args.inputs.coef);
  const { w, alpha } = classFactors(a);
  if (onHeap) {
    softmaxSimdBackward(simdKernelsFor(backend)!, a, t, p, dx, coef, views[1], w, alpha);
    backend.disposeData(infos[1].dataId);
    return infos[0];
  }
  if (plan === 'simd') {
    const arena = SimdArena.get()!;
    const r = arena.regions([{ length: t.length, from: t }, { length: p.length, from: p }, { length: dx.length }, { length: scratchFloats(C) }]);
    if (r) {
      softmaxSimdBackward(arena.kernels, a, r[0], r[1], r[2], coef, r[3], w, alpha);
      dx.set(r[2]);
      return infos[0];
    }
  }
  softmaxBackwardLoops(a, x, t, p, coef, dx, w, alpha);
  return infos[0];
}
