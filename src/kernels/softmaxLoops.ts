/**
 * The JavaScript loops of the softmax-family kernels, on plain typed arrays (no backend), one pixel
 * (C values) at a time, sums in float64: the forward sums of every row (index labels with plain
 * sums take only the label's column for I, T, CE and focal), and the gradient through the softmax
 * Jacobian. The adapter (softmaxStats.ts) runs them where the SIMD kernels do not.
 */
import { SOFTMAX_ROW, SOFTMAX_ROWS, type SoftmaxAttrs } from './kernelNames.js';
import { maxOf, shiftedExps } from './fastMath.js';
import { powPos, powSlope, smoothTarget } from './sigmoidLoops.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_N = SOFTMAX_ROW.N;

const EPS32 = Math.fround(1e-7);

/** Label of pixel (b, s), or −1 when ignored or invalid (invalid labels are reported by the check). */
export function labelAt(a: { hasIgnore: boolean; ignoreIndex: number }, t: ArrayLike<number>, j: number, C: number): number {
  const raw = t[j];
  if (a.hasIgnore && raw === a.ignoreIndex) return -1;
  const l = Math.round(raw);
  return l === raw && l >= 0 && l < C ? l : -1;
}

/**
 * The label check of the composite input layer over n raw labels, into `check`: the number of
 * non-integral labels, and the lowest and highest label that is not ignored (±3e38 when none).
 */
export function checkLabelValues(t: ArrayLike<number>, n: number, hasIgnore: boolean, ignoreIndex: number, check: Float32Array): void {
  let nonIntegral = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < n; j++) {
    const raw = t[j];
    if (raw !== Math.round(raw)) nonIntegral++;
    if (hasIgnore && raw === ignoreIndex) continue;
    if (raw < lo) lo = raw;
    if (raw > hi) hi = raw;
  }
  check[0] = nonIntegral;
  check[1] = lo === Infinity ? 3e38 : lo;
  check[2] = hi === -Infinity ? -3e38 : hi;
}

/**
 * Forward sums `[SOFTMAX_ROWS, B, C]` into `stats` and p into `p`, from x and t (labels or
 * one-hot, see `dense`), with CE weights `w` and focal `alpha` per class.
 */
export function softmaxForwardLoops(a: SoftmaxAttrs, x: ArrayLike<number>, t: ArrayLike<number>, p: Float32Array, stats: Float32Array, w: readonly number[], alpha: readonly number[]): void {
  const { B, C, S, fromLogits, dense, squared, softLabel, wantCe, smoothing, wantFocal, gamma } = a;
  const G = B * C;
  const cs = a.channelsFirst ? S : 1;
  const pv = new Float64Array(C);
  const lp = new Float64Array(C);
  const needLog = wantCe || wantFocal;
  const keep = 1 - smoothing;
  const add = smoothing / C;
  const [rI, rP, rT, rCE, rWT, rF] = [SOFTMAX_ROW.I, SOFTMAX_ROW.P, SOFTMAX_ROW.T, SOFTMAX_ROW.CE, SOFTMAX_ROW.WT, SOFTMAX_ROW.FOCAL].map((k) => k * C);
  // Sums in float64, one row of accumulators per image.
  const acc = new Float64Array(SOFTMAX_ROWS * C);
  // Index labels with plain sums need only the label's column for I, T, CE and the focal term.
  const sparse = !dense && !softLabel && !squared && smoothing === 0;
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    let N = 0;
    for (let s = 0; s < S; s++) {
      const base = a.channelsFirst ? b * C * S + s : (b * S + s) * C;
      const label = dense ? 0 : labelAt(a, t, b * S + s, C);
      if (!dense && label < 0) continue;
      N += 1;
      if (fromLogits) {
        const max = maxOf(x, base, cs, C);
        const sum = shiftedExps(x, base, cs, C, max, pv, 0, 1);
        const inv = 1 / sum;
        const lse = needLog ? max + Math.log(sum) : 0;
        if (sparse) {
          // P accumulates here; only the label's log p is needed.
          for (let c = 0, i = base; c < C; c++, i += cs) {
            const pc = pv[c] * inv;
            pv[c] = pc;
            p[i] = pc;
            acc[rP + c] += pc;
          }
          if (needLog) lp[label] = x[base + label * cs] - lse;
        } else {
          for (let c = 0, i = base; c < C; c++, i += cs) {
            const pc = pv[c] * inv;
            pv[c] = pc;
            p[i] = pc;
            if (needLog) lp[c] = x[i] - lse;
          }
        }
      } else {
        for (let c = 0, i = base; c < C; c++, i += cs) {
          pv[c] = x[i];
          p[i] = x[i];
          if (needLog) lp[c] = Math.log(x[i] > EPS32 ? x[i] : EPS32);
        }
      }
      if (sparse) {
        if (!fromLogits) for (let c = 0; c < C; c++) acc[rP + c] += pv[c];
        const l = label;
        acc[rI + l] += pv[l];
        acc[rT + l] += 1;
        if (wantCe) {
          acc[rCE + l] -= w[l] * lp[l];
          acc[rWT + l] += w[l];
        }
        if (wantFocal) {
          const pe = fromLogits ? pv[l] : Math.exp(lp[l]);
          acc[rF + l] -= alpha[l] * powPos(1 - pe, gamma) * lp[l];
        }
        continue;
      }
      for (let c = 0, i = base; c < C; c++, i += cs) {
        const tc = dense ? t[i] : c === label ? 1 : 0;
        const pc = pv[c];
        acc[rI + c] += softLabel ? (pc < tc ? pc : tc) : pc * tc;
        acc[rP + c] += squared ? pc * pc : pc;
        acc[rT + c] += squared ? tc * tc : tc;
        if (wantCe) {
          const ts = smoothTarget(tc, keep, add);
          acc[rCE + c] -= w[c] * ts * lp[c];
          acc[rWT + c] += w[c] * tc;
        }
        if (wantFocal && tc !== 0) {
          // (1 − p) from exp(log p) as the composite path; p itself from logits.
          const pe = fromLogits ? pc : Math.exp(lp[c]);
          acc[rF + c] -= alpha[c] * tc * powPos(1 - pe, gamma) * lp[c];
        }
      }
    }
    for (let k = 0; k < SOFTMAX_ROWS; k++) {
      for (let c = 0; c < C; c++) stats[k * G + b * C + c] = k === ROW_N ? N : acc[k * C + c];
    }
  }
}

/** Gradient ∂L/∂x into `dx` from t, p (x for probabilities) and `coef` = ∂L/∂sums. */
export function softmaxBackwardLoops(a: SoftmaxAttrs, x: ArrayLike<number>, t: ArrayLike<number>, p: ArrayLike<number>, coef: ArrayLike<number>, dx: Float32Array, w: readonly number[], alpha: readonly number[]): void {
  const { B, C, S, fromLogits, dense, squared, softLabel, wantCe, smoothing, wantFocal, gamma } = a;
  const G = B * C;
  const cs = a.channelsFirst ? S : 1;
  const keep = 1 - smoothing;
  const add = smoothing / C;
  const [cI, cP, cCE, cF] = [SOFTMAX_ROW.I, SOFTMAX_ROW.P, SOFTMAX_ROW.CE, SOFTMAX_ROW.FOCAL].map((k) => k * G);
  const r = new Float64Array(C);
  const sparse = fromLogits && !dense && !softLabel && !squared && smoothing === 0;
  for (let b = 0; b < B; b++) {
    const row = b * C;
    // Whether ∂L/∂P is nonzero for this image (not for CE or focal alone).
    let usesP = false;
    for (let c = 0; c < C; c++) if (coef[cP + row + c] !== 0) usesP = true;
    for (let s = 0; s < S; s++) {
      const base = a.channelsFirst ? b * C * S + s : (b * S + s) * C;
      const label = dense ? 0 : labelAt(a, t, b * S + s, C);
      if (!dense && label < 0) {
        for (let c = 0, i = base; c < C; c++, i += cs) dx[i] = 0;
        continue;
      }
      if (sparse) {
        // Index label l, plain sums, logits: r_c = p_c·∂L/∂P_c, plus at l the I, CE and focal terms.
        let sumR = 0;
        if (usesP) {
          for (let c = 0, i = base; c < C; c++, i += cs) {
            const rc = p[i] * coef[cP + row + c];
            r[c] = rc;
            sumR += rc;
          }
        } else r.fill(0);
        const l = label;
        const pl = p[base + l * cs];
        let extra = pl * coef[cI + row + l];
        if (wantCe) extra -= coef[cCE + row + l] * w[l];
        if (wantFocal) {
          const lpl = Math.log(pl);
          extra -= coef[cF + row + l] * alpha[l] * (powPos(1 - pl, gamma) - powSlope(1 - pl, gamma) * (pl > 0 ? pl * lpl : 0));
        }
        r[l] += extra;
        sumR += extra;
        for (let c = 0, i = base; c < C; c++, i += cs) dx[i] = r[c] - p[i] * sumR;
        continue;
      }
      // r_c = ∂L/∂(log p_c)-like terms; from logits dx_j = r_j − p_j·Σ r (softmax Jacobian),
      // where the region part is r_c = p_c·∂L/∂p_c, the CE part −a_c and the focal part a'_c·ψ_c.
      let sumR = 0;
      for (let c = 0, i = base; c < C; c++, i += cs) {
        const tc = dense ? t[i] : c === label ? 1 : 0;
        const pc = p[i];
        const g = row + c;
        const dI = softLabel ? (pc < tc ? 1 : pc > tc ? 0 : 0.5) : tc;
        const dp = coef[cI + g] * dI + coef[cP + g] * (squared ? 2 * pc : 1);
        let logTerm = 0; // ∂L/∂(log p_c)
        if (wantCe) {
          const ts = smoothTarget(tc, keep, add);
          logTerm -= coef[cCE + g] * w[c] * ts;
        }
        if (wantFocal && tc !== 0) {
          // φ = (1 − p)^γ·log p, dφ/d(log p) = ψ = (1 − p)^γ − γ(1 − p)^(γ−1)·p·log p.
          const lpc = fromLogits ? Math.log(pc) : Math.log(x[i] > EPS32 ? x[i] : EPS32);
          const pe = fromLogits ? pc : Math.exp(lpc);
          const psi = powPos(1 - pe, gamma) - powSlope(1 - pe, gamma) * (pe > 0 ? pe * lpc : 0);
          logTerm -= coef[cF + g] * alpha[c] * tc * psi;
        }
        if (fromLogits) {
          const rc = pc * dp + logTerm;
          r[c] = rc;
          sumR += rc;
        } else {
          // log(max(x, eps)) passes the gradient 1/x where x ≥ eps.
          dx[i] = dp + (x[i] >= EPS32 ? logTerm / x[i] : 0);
        }
      }
      if (fromLogits) for (let c = 0, i = base; c < C; c++, i += cs) dx[i] = r[c] - p[i] * sumR;
    }
  }
}
