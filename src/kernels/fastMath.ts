/**
 * Fast exp and log for the fused JavaScript kernels: `Math.exp`/`Math.log` cost most of a fused
 * pass, and float32 results need far less than double precision. Relative error < 1e-8 (well
 * below float32's 6e-8), checked in test/kernels.
 */

const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
const POW2 = new Float64Array(2048);
for (let k = 0; k < 2048; k++) POW2[k] = Math.pow(2, k - 1024);
// Taylor coefficients of 2^f = e^(f·ln 2), |f| ≤ ½ (error < 5e-9 relative at degree 7).
const C1 = LN2;
const C2 = C1 * LN2 / 2;
const C3 = C2 * LN2 / 3;
const C4 = C3 * LN2 / 4;
const C5 = C4 * LN2 / 5;
const C6 = C5 * LN2 / 6;
const C7 = C6 * LN2 / 7;

/** eˣ: 2^k·2^f with k = round(x·log₂e) and a degree-7 polynomial for 2^f. NaN stays NaN. */
export function fastExp(x: number): number {
  let y = x * LOG2E;
  if (y < -1020) y = -1020;
  else if (y > 1020) y = 1020;
  const k = Math.floor(y + 0.5);
  const f = y - k;
  const f2 = f * f;
  const poly = 1 + C1 * f + f2 * (C2 + C3 * f + f2 * (C4 + C5 * f + f2 * (C6 + C7 * f)));
  return poly * POW2[k + 1024];
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
