/**
 * The JavaScript loops of the sigmoid-family kernels, on plain typed arrays (no backend): the
 * forward sums of every group (image b, class c) in one call; their gradient is in
 * sigmoidFastGrad.ts. The adapter (sigmoidStats.ts) picks the strategy, finds the arrays and
 * writes the results.
 *
 * - `jsFast`: the common case (logits, no ignored elements, plain sums, BCE or focal), one tight
 *   monomorphic loop per variant; also the tail (the last S mod 4 elements) of every SIMD group.
 * - `general` (sigmoidGeneral.ts): every option (ignored elements, probabilities, squared,
 *   softLabel, BCE and focal together) in one loop, and a smaller one without BCE and focal.
 *
 * Per-element formulas live in the small helpers below (V8 inlines them): α_t, the smoothed
 * target, max(q, 0)^γ and its slope.
 */
import type { SigmoidAttrs } from './kernelNames.js';
import { SIGMOID_ROW } from './kernelNames.js';
import { fastExp, log1pUnit } from './fastMath.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_I = SIGMOID_ROW.I;
const ROW_P = SIGMOID_ROW.P;
const ROW_T = SIGMOID_ROW.T;
const ROW_BCE = SIGMOID_ROW.BCE;
const ROW_FOCAL = SIGMOID_ROW.FOCAL;

/** The arrays of one call. */
export interface SigmoidArrays {
  /** yPred as given: logits, or probabilities. */
  x: ArrayLike<number>;
  t: ArrayLike<number>;
  /** Where p = σ(x) is written for the backward pass, or null. */
  pOut: Float32Array | null;
  /** p given as an input (or kept by the forward pass), or null. */
  pIn: ArrayLike<number> | null;
}

/** Where group (b, c) starts in the flat layout. */
export function groupStart(a: SigmoidAttrs, b: number, c: number): number {
  return a.channelsFirst ? (b * a.C + c) * a.S : b * a.S * a.C + c;
}

/** The distance between a group's consecutive elements: 1 channels first, C channels last. */
export function groupStride(a: SigmoidAttrs): number {
  return a.channelsFirst ? 1 : a.C;
}

/** The coefficients of α_t = α·t + (1 − α)(1 − t) = a1·t + a0 (a1 = 0, a0 = 1 without α). */
export function alphaCoefficients(a: Pick<SigmoidAttrs, 'hasAlpha' | 'alpha'>): { a1: number; a0: number } {
  return a.hasAlpha ? { a1: 2 * a.alpha - 1, a0: 1 - a.alpha } : { a1: 0, a0: 1 };
}

/** α_t of a target t. */
export function alphaT(t: number, a1: number, a0: number): number {
  return t * a1 + a0;
}

/** The smoothed target t̃ = t·(1 − ε) + ε/K as t·keep + add (keep = 1, add = 0: t itself). */
export function smoothTarget(t: number, keep: number, add: number): number {
  return t * keep + add;
}

/** max(q, 0)^γ, as `safePow` defines it (1 for γ = 0, 0 where q ≤ 0). */
export function powPos(q: number, gamma: number): number {
  if (gamma === 0) return 1;
  if (!(q > 0)) return 0;
  return gamma === 2 ? q * q : gamma === 1 ? q : Math.pow(q, gamma);
}

/** γ·max(q, 0)^(γ−1), the slope of {@link powPos} (0 where q ≤ 0 or γ = 0). */
export function powSlope(q: number, gamma: number): number {
  if (gamma === 0 || !(q > 0)) return 0;
  return gamma === 2 ? 2 * q : gamma === 1 ? 1 : gamma * Math.pow(q, gamma - 1);
}

/**
 * `jsFast` forward sums of every group (image b, class c), elements `from` to S − 1 of each (from
 * = 0, or where the SIMD part of a group ends), into `sums` `[SIGMOID_ROWS, B, C]` (rows I, P, T,
 * BCE, FOCAL; N is the caller's). One variant per case so that each loop stays monomorphic:
 * probabilities, focal, BCE, p given, p own. From logits one exp per element, e = e^(−|x|), gives
 * both p = σ(x) and softplus(x) = max(x, 0) + log1p(e).
 *
 * Each variant walks the groups itself, one call per kernel call: V8 compiles the hot element loop
 * on the stack (OSR) before the code after it has run, and a call per group would leave that code
 * without type feedback and deoptimize at every group's end (see sigmoidGeneral.ts).
 */
export function fastForward(a: SigmoidAttrs, arr: SigmoidArrays, from: number, sums: Float64Array): void {
  if (!a.fromLogits) sumsOfProbs(a, arr.t, arr.x, from, sums);
  else if (a.wantFocal) focalSums(a, arr, from, sums);
  else if (a.wantBce) bceSums(a, arr, from, sums);
  else if (arr.pIn) sumsOfProbs(a, arr.t, arr.pIn, from, sums);
  else sumsFromLogits(a, arr.x, arr.t, arr.pOut!, from, sums);
}

function sumsFromLogits(a: SigmoidAttrs, x: ArrayLike<number>, t: ArrayLike<number>, p: Float32Array, from: number, sums: Float64Array): void {
  const { B, C, S } = a;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let I = 0;
      let P = 0;
      let T = 0;
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const tv = t[i];
        const pv = 1 / (1 + fastExp(-x[i]));
        p[i] = pv;
        I += pv * tv;
        P += pv;
        T += tv;
      }
      const g = b * C + c;
      sums[ROW_I * G + g] = I;
      sums[ROW_P * G + g] = P;
      sums[ROW_T * G + g] = T;
    }
  }
}

function sumsOfProbs(a: SigmoidAttrs, t: ArrayLike<number>, p: ArrayLike<number>, from: number, sums: Float64Array): void {
  const { B, C, S } = a;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let I = 0;
      let P = 0;
      let T = 0;
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const tv = t[i];
        const pv = p[i];
        I += pv * tv;
        P += pv;
        T += tv;
      }
      const g = b * C + c;
      sums[ROW_I * G + g] = I;
      sums[ROW_P * G + g] = P;
      sums[ROW_T * G + g] = T;
    }
  }
}

function bceSums(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, from: number, sums: Float64Array): void {
  const { B, C, S, wPos, wNeg } = a;
  const G = B * C;
  const stride = groupStride(a);
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let I = 0;
      let P = 0;
      let T = 0;
      let BCE = 0;
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const xv = x[i];
        const tv = t[i];
        const e = fastExp(xv > 0 ? -xv : xv);
        let pv: number;
        if (pIn === null) {
          pv = (xv >= 0 ? 1 : e) / (1 + e);
          if (pOut !== null) pOut[i] = pv;
        } else pv = pIn[i];
        const ts = smoothTarget(tv, keep, add);
        BCE += ((xv > 0 ? xv : 0) + log1pUnit(e)) * (wPos * ts + wNeg * (1 - ts)) - wPos * ts * xv;
        I += pv * tv;
        P += pv;
        T += tv;
      }
      const g = b * C + c;
      sums[ROW_I * G + g] = I;
      sums[ROW_P * G + g] = P;
      sums[ROW_T * G + g] = T;
      sums[ROW_BCE * G + g] = BCE;
    }
  }
}

/** fl = q^γ·(softplus(x) − t·x)·α_t with q = p + t − 2pt. */
function focalSums(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, from: number, sums: Float64Array): void {
  const { B, C, S, gamma } = a;
  const G = B * C;
  const stride = groupStride(a);
  const { a1, a0 } = alphaCoefficients(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let I = 0;
      let P = 0;
      let T = 0;
      let FOC = 0;
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const xv = x[i];
        const tv = t[i];
        const e = fastExp(xv > 0 ? -xv : xv);
        let pv: number;
        if (pIn === null) {
          pv = (xv >= 0 ? 1 : e) / (1 + e);
          if (pOut !== null) pOut[i] = pv;
        } else pv = pIn[i];
        const ce = (xv > 0 ? xv : 0) + log1pUnit(e) - tv * xv;
        FOC += powPos(pv + tv - 2 * pv * tv, gamma) * ce * alphaT(tv, a1, a0);
        I += pv * tv;
        P += pv;
        T += tv;
      }
      const g = b * C + c;
      sums[ROW_I * G + g] = I;
      sums[ROW_P * G + g] = P;
      sums[ROW_T * G + g] = T;
      sums[ROW_FOCAL * G + g] = FOC;
    }
  }
}

/** ∂L/∂(rows I, P, BCE, FOCAL) of one group (the SIMD kernels' arguments). */
export interface GroupCoef {
  gI: number;
  gP: number;
  gB: number;
  gF: number;
}
