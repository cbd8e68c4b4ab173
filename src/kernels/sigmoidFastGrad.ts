/**
 * The `jsFast` gradient loops of the sigmoid-family kernels (the backward half of
 * sigmoidLoops.ts), on plain typed arrays: every group (image b, class c) in one call, one
 * monomorphic loop per variant. Also the tail (the last S mod 4 elements) of every SIMD group.
 */
import type { SigmoidAttrs } from './kernelNames.js';
import { SIGMOID_ROW } from './kernelNames.js';
import { fastExp, log1pUnit } from './fastMath.js';
import { alphaCoefficients, alphaT, groupStart, groupStride, powPos, powSlope, smoothTarget, type SigmoidArrays } from './sigmoidLoops.js';

// Row indices as module constants (see sigmoidLoops.ts).
const ROW_I = SIGMOID_ROW.I;
const ROW_P = SIGMOID_ROW.P;
const ROW_BCE = SIGMOID_ROW.BCE;
const ROW_FOCAL = SIGMOID_ROW.FOCAL;

/**
 * `jsFast` gradient of every group, elements `from` to S − 1 of each, into dx, from `coef` =
 * ∂L/∂sums `[SIGMOID_ROWS, B, C]`: from probabilities (dx = gI·t + gP), with the focal term (reads
 * x: p recomputed), or from the kept p, with or without the BCE term:
 * ∂L/∂x = (gI·t + gP)·p(1 − p) + gB·(w·p − w₊·t̃), w = w₊·t̃ + w₋·(1 − t̃).
 * Walks the groups itself, as {@link fastForward} does.
 */
export function fastBackward(a: SigmoidAttrs, arr: SigmoidArrays, dx: Float32Array, from: number, coef: ArrayLike<number>): void {
  if (!a.fromLogits) probsGrad(a, arr.t, dx, from, coef);
  else if (a.wantFocal) focalGrad(a, arr.x, arr.t, dx, from, coef);
  else if (a.wantBce) bceGrad(a, arr.t, arr.pIn!, dx, from, coef);
  else regionGrad(a, arr.t, arr.pIn!, dx, from, coef);
}

function probsGrad(a: SigmoidAttrs, t: ArrayLike<number>, dx: Float32Array, from: number, coef: ArrayLike<number>): void {
  const { B, C, S } = a;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const g = b * C + c;
      const gI = coef[ROW_I * G + g];
      const gP = coef[ROW_P * G + g];
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) dx[i] = gI * t[i] + gP;
    }
  }
}

/** ∂fl/∂x = α_t·(γq^(γ−1)(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)), plus the region part. */
function focalGrad(a: SigmoidAttrs, x: ArrayLike<number>, t: ArrayLike<number>, dx: Float32Array, from: number, coef: ArrayLike<number>): void {
  const { B, C, S, gamma } = a;
  const G = B * C;
  const stride = groupStride(a);
  const { a1, a0 } = alphaCoefficients(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const g = b * C + c;
      const gI = coef[ROW_I * G + g];
      const gP = coef[ROW_P * G + g];
      const gF = coef[ROW_FOCAL * G + g];
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const xv = x[i];
        const tv = t[i];
        // One exp gives p = σ(x) and softplus(x) again (p is not kept from the forward pass here).
        const e = fastExp(xv > 0 ? -xv : xv);
        const pv = (xv >= 0 ? 1 : e) / (1 + e);
        const slope = pv * (1 - pv);
        const q = pv + tv - 2 * pv * tv;
        const ce = (xv > 0 ? xv : 0) + log1pUnit(e) - tv * xv;
        const focal = alphaT(tv, a1, a0) * (powSlope(q, gamma) * (1 - 2 * tv) * slope * ce + powPos(q, gamma) * (pv - tv));
        dx[i] = (gI * tv + gP) * slope + gF * focal;
      }
    }
  }
}

function regionGrad(a: SigmoidAttrs, t: ArrayLike<number>, p: ArrayLike<number>, dx: Float32Array, from: number, coef: ArrayLike<number>): void {
  const { B, C, S } = a;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const g = b * C + c;
      const gI = coef[ROW_I * G + g];
      const gP = coef[ROW_P * G + g];
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const pv = p[i];
        dx[i] = (gI * t[i] + gP) * pv * (1 - pv);
      }
    }
  }
}

function bceGrad(a: SigmoidAttrs, t: ArrayLike<number>, p: ArrayLike<number>, dx: Float32Array, from: number, coef: ArrayLike<number>): void {
  const { B, C, S, wPos, wNeg } = a;
  const G = B * C;
  const stride = groupStride(a);
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const g = b * C + c;
      const gI = coef[ROW_I * G + g];
      const gP = coef[ROW_P * G + g];
      const gB = coef[ROW_BCE * G + g];
      for (let s = from, i = groupStart(a, b, c) + from * stride; s < S; s++, i += stride) {
        const tv = t[i];
        const pv = p[i];
        const ts = smoothTarget(tv, keep, add);
        dx[i] = (gI * tv + gP) * pv * (1 - pv) + gB * ((wPos * ts + wNeg * (1 - ts)) * pv - wPos * ts);
      }
    }
  }
}
