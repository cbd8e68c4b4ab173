/**
 * Fast exp and log for the fused JavaScript kernels: `Math.exp`/`Math.log` cost most of a fused
 * pass, and float32 results need far less than double precision. Relative error < 1e-8 (well
 * below float32's 6e-8), checked in test/kernels.
 */

const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
const POW2 = new Float64Array(2048);
for (let k = 0; k < 2048; k++) POW2[k] = Math.pow(2, k - 1024);
// 2^(j/64) for j = 0..63, and Taylor coefficients of 2^(f/64) = e^(f·ln 2/64), |f| ≤ ½
// (error < 1e-13 relative at degree 4).
const TABLE = new Float64Array(64);
for (let j = 0; j < 64; j++) TABLE[j] = Math.pow(2, j / 64);
const D1 = LN2 / 64;
const D2 = (D1 * D1) / 2;
const D3 = (D2 * D1) / 3;
const D4 = (D3 * D1) / 4;

/**
 * eˣ = 2^(k/64)·2^(f/64) with k = round(64·x·log₂e): 2^(k/64) from a 64-entry table and a power
 * of two, 2^(f/64) from a degree-4 polynomial. Saturates (≈ 0 or ≈ 2^1015) instead of
 * overflowing; NaN stays NaN.
 */
export function fastExp(x: number): number {
  let y = x * (LOG2E * 64);
  if (y < -65000) y = -65000;
  else if (y > 65000) y = 65000;
  const k = Math.floor(y + 0.5);
  const f = y - k;
  return (1 + f * (D1 + f * (D2 + f * (D3 + f * D4)))) * TABLE[k & 63] * POW2[(k >> 6) + 1024];
}

/** σ(x) = 1 / (1 + e^(−x)); safe for any x (e^(−x) saturates instead of overflowing). */
export function fastSigmoid(x: number): number {
  return 1 / (1 + fastExp(-x));
}

/**
 * log(1 + e) for e in [0, 1]: 2·atanh(z) with z = e / (2 + e) ∈ [0, ⅓], by its odd series to z¹⁷
 * (relative error < 1e-9, also for tiny e).
 */
export function log1pUnit(e: number): number {
  const z = e / (2 + e);
  const z2 = z * z;
  return 2 * z * (1 + z2 * (1 / 3 + z2 * (1 / 5 + z2 * (1 / 7 + z2 * (1 / 9 + z2 * (1 / 11 + z2 * (1 / 13 + z2 * (1 / 15 + z2 / 17))))))));
}

/** softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): stable for all x. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + log1pUnit(fastExp(x > 0 ? -x : x));
}

/** max_c x_c over the C values of x at base, base + stride, … (one pixel's logits). */
export function maxOf(x: ArrayLike<number>, base: number, stride: number, C: number): number {
  let max = -Infinity;
  for (let c = 0, i = base; c < C; c++, i += stride) if (x[i] > max) max = x[i];
  return max;
}

/**
 * A softmax's shifted exponentials e_c = exp(x_c − max) over the C values of x at base,
 * base + stride, …, written to `out` at outBase, outBase + outStride, …; returns Σ e (≥ 1 when
 * max is the maximum).
 */
export function shiftedExps(x: ArrayLike<number>, base: number, stride: number, C: number, max: number, out: Float32Array | Float64Array, outBase: number, outStride: number): number {
  let sum = 0;
  for (let c = 0, i = base, o = outBase; c < C; c++, i += stride, o += outStride) {
    const e = fastExp(x[i] - max);
    out[o] = e;
    sum += e;
  }
  return sum;
}
