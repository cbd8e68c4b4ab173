/**
 * The `simd` strategy of the softmax-family kernels: per image, one call of the SIMD WebAssembly
 * kernels of simd/seglossSimd.wat (index labels channels last or first, or one-hot targets
 * channels last), on views of that WebAssembly memory (the wasm heap, or the arena on cpu).
 */
import { SOFTMAX_ROW, SOFTMAX_ROWS, type SoftmaxAttrs } from './kernelNames.js';
import { gammaMode, type SimdKernels } from './simd/simdKernels.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_N = SOFTMAX_ROW.N;

/** The scalar arguments of the softmax SIMD kernels, by name, worked out once per call. */
function simdTerms(a: SoftmaxAttrs) {
  return {
    hasIgnore: a.hasIgnore ? 1 : 0,
    ignore: a.ignoreIndex,
    wantCe: a.wantCe ? 1 : 0,
    wantFocal: a.wantFocal ? 1 : 0,
    gamma: a.gamma,
    mode: gammaMode(a.gamma),
    /** The smoothed target t·ceScale + smooth. */
    ceScale: 1 - a.smoothing,
    smooth: a.smoothing / a.C,
  };
}

/** The SIMD kernels' scratch: forward 7 float64 rows + 2 float32 rows of Cp = 4·⌈C/4⌉; backward 4 float32 rows. */
export function scratchFloats(C: number): number {
  return 16 * 4 * Math.ceil(C / 4);
}

/** Label storage the SIMD kernels read: 1 for int32, 0 for float32. */
function labelKind(t: ArrayLike<number>): number {
  return t instanceof Int32Array ? 1 : 0;
}

export function softmaxSimdForward(
  simd: SimdKernels,
  a: SoftmaxAttrs,
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  p: Float32Array,
  stats: Float32Array,
  scratch: Float32Array,
  w: readonly number[],
  alpha: readonly number[],
): void {
  const { B, C, S } = a;
  const st = simdTerms(a);
  const Cp = 4 * Math.ceil(C / 4);
  const G = B * C;
  const base = scratch.byteOffset;
  const acc = new Float64Array(scratch.buffer, base, SOFTMAX_ROWS * Cp);
  const wv = new Float32Array(scratch.buffer, base + 8 * SOFTMAX_ROWS * Cp, Cp);
  const av = new Float32Array(scratch.buffer, base + (8 * SOFTMAX_ROWS + 4) * Cp, Cp);
  wv.fill(0);
  av.fill(0);
  for (let c = 0; c < C; c++) {
    wv[c] = w[c];
    av[c] = alpha[c];
  }
  const xp = (x as Float32Array).byteOffset;
  const tp = (t as Float32Array).byteOffset;
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    if (a.dense) {
      simd.softmaxDenseForward(xp + 4 * b * S * C, tp + 4 * b * S * C, p.byteOffset + 4 * b * S * C, S, C, base, wv.byteOffset, av.byteOffset, st.wantCe, st.wantFocal, st.gamma, st.mode, st.ceScale, st.smooth);
    } else {
      simd[a.channelsFirst ? 'softmaxCfForward' : 'softmaxForward'](
        xp + 4 * b * S * C, tp + 4 * b * S, p.byteOffset + 4 * b * S * C, S, C, labelKind(t), st.hasIgnore, st.ignore,
        base, wv.byteOffset, av.byteOffset, st.wantCe, st.wantFocal, st.gamma, st.mode, st.ceScale, st.smooth,
      );
    }
    // One-hot targets: every pixel counts.
    const N = a.dense ? S : (simd.s3.value as number);
    for (let k = 0; k < SOFTMAX_ROWS; k++) {
      for (let c = 0; c < C; c++) stats[k * G + b * C + c] = k === ROW_N ? N : acc[k * Cp + c];
    }
  }
}

export function softmaxSimdBackward(
  simd: SimdKernels,
  a: SoftmaxAttrs,
  t: ArrayLike<number>,
  p: ArrayLike<number>,
  dx: Float32Array,
  coef: ArrayLike<number>,
  scratch: Float32Array,
  w: readonly number[],
  alpha: readonly number[],
): void {
  const { B, C, S } = a;
  const st = simdTerms(a);
  const Cp = 4 * Math.ceil(C / 4);
  const G = B * C;
  // Rows gP, gI, gCE·w, gF·α of Cp values each (zero past C).
  const g = new Float32Array(scratch.buffer, scratch.byteOffset, 4 * Cp);
  const tp = (t as Float32Array).byteOffset;
  const pp = (p as Float32Array).byteOffset;
  for (let b = 0; b < B; b++) {
    g.fill(0);
    let usesP = 0;
    for (let c = 0; c < C; c++) {
      const k = b * C + c;
      g[c] = coef[SOFTMAX_ROW.P * G + k];
      if (g[c] !== 0) usesP = 1;
      g[Cp + c] = coef[SOFTMAX_ROW.I * G + k];
      g[2 * Cp + c] = a.wantCe ? coef[SOFTMAX_ROW.CE * G + k] * w[c] : 0;
      g[3 * Cp + c] = a.wantFocal ? coef[SOFTMAX_ROW.FOCAL * G + k] * alpha[c] : 0;
    }
    if (a.dense) {
      simd.softmaxDenseBackward(tp + 4 * b * S * C, pp + 4 * b * S * C, dx.byteOffset + 4 * b * S * C, S, C, g.byteOffset, st.wantFocal, st.gamma, st.mode, st.ceScale, st.smooth);
      continue;
    }
    simd[a.channelsFirst ? 'softmaxCfBackward' : 'softmaxBackward'](
      tp + 4 * b * S, pp + 4 * b * S * C, dx.byteOffset + 4 * b * S * C, S, C, labelKind(t), st.hasIgnore, st.ignore,
      g.byteOffset, usesP, st.wantFocal, st.gamma, st.mode, st.ceScale, st.smooth,
    );
  }
}
