/**
 * The JavaScript loops of the sigmoid-family kernels, on plain typed arrays (no backend): the
 * forward sums and the gradient of one group (image b, class c) at a time. The adapter
 * (sigmoidStats.ts) picks the strategy, finds the arrays and writes the results.
 *
 * - `jsFast`: the common case (logits, no ignored elements, plain sums, BCE or focal), one tight
 *   monomorphic loop per variant; also the tail (the last S mod 4 elements) of every SIMD group.
 * - `general` (sigmoidGeneral.ts): every option (ignored elements, probabilities, squared,
 *   softLabel, BCE and focal together) in one loop.
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

/** n elements of one group, from `start`, `stride` apart. */
export interface Span {
  start: number;
  stride: number;
  n: number;
}

/** Start and stride of group (b, c) in the flat layout. */
export function groupSpan(a: SigmoidAttrs, b: number, c: number): Span {
  return a.channelsFirst ? { start: (b * a.C + c) * a.S, stride: 1, n: a.S } : { start: b * a.S * a.C + c, stride: a.C, n: a.S };
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
 * `jsFast` forward sums of one span into `acc` (rows I, P, T, BCE, FOCAL; N is the caller's), one
 * variant per case so that each loop stays monomorphic: probabilities, focal, BCE, p given, p own.
 * From logits one exp per element, e = e^(−|x|), gives both p = σ(x) and
 * softplus(x) = max(x, 0) + log1p(e).
 */
export function fastForward(a: SigmoidAttrs, arr: SigmoidArrays, span: Span, acc: Float64Array): void {
  acc.fill(0);
  if (!a.fromLogits) sumsOfProbs(arr.t, arr.x, span, acc);
  else if (a.wantFocal) focalSums(a, arr, span, acc);
  else if (a.wantBce) bceSums(a, arr, span, acc);
  else if (arr.pIn) sumsOfProbs(arr.t, arr.pIn, span, acc);
  else sumsFromLogits(arr.x, arr.t, arr.pOut!, span, acc);
}

function sumsFromLogits(x: ArrayLike<number>, t: ArrayLike<number>, p: Float32Array, { start, stride, n }: Span, acc: Float64Array): void {
  let I = 0;
  let P = 0;
  let T = 0;
  for (let s = 0, i = start; s < n; s++, i += stride) {
    const tv = t[i];
    const pv = 1 / (1 + fastExp(-x[i]));
    p[i] = pv;
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[ROW_I] = I;
  acc[ROW_P] = P;
  acc[ROW_T] = T;
}

function sumsOfProbs(t: ArrayLike<number>, p: ArrayLike<number>, { start, stride, n }: Span, acc: Float64Array): void {
  let I = 0;
  let P = 0;
  let T = 0;
  for (let s = 0, i = start; s < n; s++, i += stride) {
    const tv = t[i];
    const pv = p[i];
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[ROW_I] = I;
  acc[ROW_P] = P;
  acc[ROW_T] = T;
}

function bceSums(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, { start, stride, n }: Span, acc: Float64Array): void {
  const { wPos, wNeg } = a;
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  let I = 0;
  let P = 0;
  let T = 0;
  let BCE = 0;
  for (let s = 0, i = start; s < n; s++, i += stride) {
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
  acc[ROW_I] = I;
  acc[ROW_P] = P;
  acc[ROW_T] = T;
  acc[ROW_BCE] = BCE;
}

/** fl = q^γ·(softplus(x) − t·x)·α_t with q = p + t − 2pt. */
function focalSums(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, { start, stride, n }: Span, acc: Float64Array): void {
  const { gamma } = a;
  const { a1, a0 } = alphaCoefficients(a);
  let I = 0;
  let P = 0;
  let T = 0;
  let FOC = 0;
  for (let s = 0, i = start; s < n; s++, i += stride) {
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
  acc[ROW_I] = I;
  acc[ROW_P] = P;
  acc[ROW_T] = T;
  acc[ROW_FOCAL] = FOC;
}

/** ∂L/∂(rows I, P, BCE, FOCAL) of one group. */
export interface GroupCoef {
  gI: number;
  gP: number;
  gB: number;
  gF: number;
}

/**
 * `jsFast` gradient of one span into dx, from probabilities (dx = gI·t + gP), with the focal
 * term (reads x: p recomputed), or with the BCE term (reads the kept p):
 * ∂L/∂x = (gI·t + gP)·p(1 − p) + gB·(w·p − w₊·t̃), w = w₊·t̃ + w₋·(1 − t̃).
 */
export function fastBackward(a: SigmoidAttrs, arr: SigmoidArrays, dx: Float32Array, span: Span, g: GroupCoef): void {
  const { start, stride, n } = span;
  const { t } = arr;
  if (!a.fromLogits) {
    for (let s = 0, i = start; s < n; s++, i += stride) dx[i] = g.gI * t[i] + g.gP;
  } else if (a.wantFocal) focalGrad(a, arr.x, t, dx, span, g);
  else bceGrad(a, t, arr.pIn!, dx, span, g);
}

/** ∂fl/∂x = α_t·(γq^(γ−1)(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)), plus the region part. */
function focalGrad(a: SigmoidAttrs, x: ArrayLike<number>, t: ArrayLike<number>, dx: Float32Array, { start, stride, n }: Span, { gI, gP, gF }: GroupCoef): void {
  const { gamma } = a;
  const { a1, a0 } = alphaCoefficients(a);
  for (let s = 0, i = start; s < n; s++, i += stride) {
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

function bceGrad(a: SigmoidAttrs, t: ArrayLike<number>, p: ArrayLike<number>, dx: Float32Array, { start, stride, n }: Span, { gI, gP, gB }: GroupCoef): void {
  if (gB === 0) {
    for (let s = 0, i = start; s < n; s++, i += stride) {
      const pv = p[i];
      dx[i] = (gI * t[i] + gP) * pv * (1 - pv);
    }
    return;
  }
  const { wPos, wNeg } = a;
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  for (let s = 0, i = start; s < n; s++, i += stride) {
    const tv = t[i];
    const pv = p[i];
    const ts = smoothTarget(tv, keep, add);
    dx[i] = (gI * tv + gP) * pv * (1 - pv) + gB * ((wPos * ts + wNeg * (1 - ts)) * pv - wPos * ts);
  }
}
