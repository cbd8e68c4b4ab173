/**
 * The `simd` strategy of the sigmoid-family kernels, one contiguous group at a time (one channel,
 * or channels first): the SIMD WebAssembly kernels of simd/seglossSimd.wat take the first
 * n = 4·⌊S/4⌋ elements, in place on the wasm heap or on copies in the arena (cpu); the
 * JavaScript `jsFast` loops take the rest. Arrays here are views of that WebAssembly memory.
 */
import type { SigmoidAttrs } from './kernelNames.js';
import { SIGMOID_ROW } from './kernelNames.js';
import { gammaMode, type SimdKernels } from './simd/simdKernels.js';
import { alphaCoefficients, type GroupCoef, type SigmoidArrays } from './sigmoidLoops.js';

/** The scalar arguments of the SIMD kernels, by name, worked out once per call. */
export interface SimdTerms {
  hasIgnore: number;
  ignore: number;
  wPos: number;
  wNeg: number;
  smoothing: number;
  gamma: number;
  /** How the kernels take γ (see `gammaMode`). */
  mode: number;
  /** α_t = a1·t + a0. */
  a1: number;
  a0: number;
}

export function simdTerms(a: SigmoidAttrs): SimdTerms {
  const { a1, a0 } = alphaCoefficients(a);
  return { hasIgnore: a.hasIgnore ? 1 : 0, ignore: a.ignoreIndex, wPos: a.wPos, wNeg: a.wNeg, smoothing: a.smoothing, gamma: a.gamma, mode: gammaMode(a.gamma), a1, a0 };
}

/** Byte address of element i of a heap view. */
export function ptr(v: ArrayLike<number>, i: number): number {
  return (v as Float32Array).byteOffset + 4 * i;
}

/** Forward sums (N too) of the n elements of one group from `start` into `acc`. */
export function simdForward(simd: SimdKernels, a: SigmoidAttrs, k: SimdTerms, arr: SigmoidArrays, start: number, n: number, acc: Float64Array): void {
  const xp = ptr(arr.x, start);
  const tp = ptr(arr.t, start);
  acc.fill(0);
  if (!a.fromLogits) simd.regionProbs(xp, tp, n, k.hasIgnore, k.ignore);
  else if (a.wantFocal) {
    simd.sigmoidFocal(xp, tp, n, k.gamma, k.mode, k.a1, k.a0, k.hasIgnore, k.ignore);
    acc[SIGMOID_ROW.FOCAL] = simd.s5.value as number;
  } else {
    const pp = ptr(arr.pOut!, start);
    if (a.wantBce) {
      simd.sigmoidRegionBce(xp, tp, pp, n, k.wPos, k.wNeg, k.smoothing, k.hasIgnore, k.ignore);
      acc[SIGMOID_ROW.BCE] = simd.s4.value as number;
    } else simd.sigmoidRegion(xp, tp, pp, n, k.hasIgnore, k.ignore);
  }
  acc[SIGMOID_ROW.I] = simd.s0.value as number;
  acc[SIGMOID_ROW.P] = simd.s1.value as number;
  acc[SIGMOID_ROW.T] = simd.s2.value as number;
  acc[SIGMOID_ROW.N] = simd.s3.value as number;
}

/** Gradient of the n elements of one group from `start` into dx. */
export function simdBackward(simd: SimdKernels, a: SigmoidAttrs, k: SimdTerms, arr: SigmoidArrays, dx: Float32Array, start: number, n: number, g: GroupCoef): void {
  const tp = ptr(arr.t, start);
  const dxp = ptr(dx, start);
  // From probabilities: dx = gI·t + gP.
  if (!a.fromLogits) simd.regionProbsGrad(tp, dxp, n, g.gI, g.gP, k.hasIgnore, k.ignore);
  else if (a.wantFocal) simd.sigmoidFocalGrad(ptr(arr.x, start), tp, dxp, n, g.gI, g.gP, g.gF, k.gamma, k.mode, k.a1, k.a0, k.hasIgnore, k.ignore);
  else simd.sigmoidRegionGrad(tp, ptr(arr.pIn!, start), dxp, n, g.gI, g.gP, g.gB, k.wPos, k.wNeg, k.smoothing, k.hasIgnore, k.ignore);
}
