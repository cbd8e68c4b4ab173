/**
 * The `general` strategy of the sigmoid-family kernels: one loop that takes every option —
 * ignored elements, probabilities (clamped to [1e-7, 1 − 1e-7] in float32, as the composite
 * path), squared sums, softLabel, BCE and focal together — and, for the forward sums without BCE
 * and focal (the region losses), a smaller loop of its own. Plain typed arrays, no backend.
 */
import type { SigmoidAttrs } from './kernelNames.js';
import { SIGMOID_ROW } from './kernelNames.js';
import { fastSigmoid, softplus } from './fastMath.js';
import { alphaCoefficients, alphaT, groupStart, groupStride, powPos, powSlope, smoothTarget, type SigmoidArrays } from './sigmoidLoops.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_I = SIGMOID_ROW.I;
const ROW_P = SIGMOID_ROW.P;
const ROW_T = SIGMOID_ROW.T;
const ROW_N = SIGMOID_ROW.N;
const ROW_BCE = SIGMOID_ROW.BCE;
const ROW_FOCAL = SIGMOID_ROW.FOCAL;

const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

/**
 * Forward sums of every group into `stats` `[SIGMOID_ROWS, B, C]`; p written to `pOut` (0 where
 * ignored). The groups are looped over here, not by the caller: V8 compiles the hot element loop
 * on the stack (OSR) before the code after it has run, and only within one call does that code
 * then gain the type feedback it needs (a per-group call would deoptimize at every group's end).
 */
export function generalForward(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, stats: Float32Array): void {
  if (!a.wantBce && !a.wantFocal) return regionForward(a, { x, t, pOut, pIn }, stats);
  const { B, C, S, fromLogits, hasIgnore, ignoreIndex, squared, softLabel, wantBce, wPos, wNeg, wantFocal, gamma } = a;
  const { a1, a0 } = alphaCoefficients(a);
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const start = groupStart(a, b, c);
      const g = b * C + c;
      let I = 0;
      let P = 0;
      let T = 0;
      let N = 0;
      let BCE = 0;
      let FOC = 0;
      for (let s = 0, i = start; s < S; s++, i += stride) {
        const tv = t[i];
        if (hasIgnore && tv === ignoreIndex) {
          if (pOut !== null) pOut[i] = 0;
          continue;
        }
        const xv = x[i];
        let pv: number;
        if (pIn !== null) pv = pIn[i];
        else {
          pv = fromLogits ? fastSigmoid(xv) : xv;
          if (pOut !== null) pOut[i] = pv;
        }
        N += 1;
        P += squared ? pv * pv : pv;
        T += squared ? tv * tv : tv;
        I += softLabel ? (pv < tv ? pv : tv) : pv * tv;
        if (wantBce || wantFocal) {
          // From logits: softplus(x) = max(x, 0) + log1p(exp(−|x|)); bce = softplus(x)·w − wPos·t·x.
          // From probabilities: p clamped to [eps, 1 − eps] (float32 bounds, as the composite path).
          let sp = 0;
          let logP = 0;
          let log1mP = 0;
          if (fromLogits) sp = softplus(xv);
          else {
            const pc = xv < LO ? LO : xv > HI ? HI : xv;
            logP = Math.log(pc);
            log1mP = Math.log(1 - pc);
          }
          if (wantBce) {
            const ts = smoothTarget(tv, keep, add);
            BCE += fromLogits ? sp * (wPos * ts + wNeg * (1 - ts)) - wPos * ts * xv : -(wPos * ts * logP + wNeg * (1 - ts) * log1mP);
          }
          if (wantFocal) {
            const ce = fromLogits ? sp - tv * xv : -(tv * logP + (1 - tv) * log1mP);
            FOC += powPos(pv + tv - 2 * pv * tv, gamma) * ce * alphaT(tv, a1, a0);
          }
        }
      }
      stats[ROW_I * G + g] = I;
      stats[ROW_P * G + g] = P;
      stats[ROW_T * G + g] = T;
      stats[ROW_N * G + g] = N;
      stats[ROW_BCE * G + g] = BCE;
      stats[ROW_FOCAL * G + g] = FOC;
    }
  }
}

/**
 * {@link generalForward} without the BCE and focal terms (region losses with ignored elements,
 * probabilities, squared sums or softLabel): a smaller loop of its own, so that it stays tight.
 */
function regionForward(a: SigmoidAttrs, { x, t, pOut, pIn }: SigmoidArrays, stats: Float32Array): void {
  const { B, C, S, fromLogits, hasIgnore, ignoreIndex, squared, softLabel } = a;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let I = 0;
      let P = 0;
      let T = 0;
      let N = 0;
      for (let s = 0, i = groupStart(a, b, c); s < S; s++, i += stride) {
        const tv = t[i];
        if (hasIgnore && tv === ignoreIndex) {
          if (pOut !== null) pOut[i] = 0;
          continue;
        }
        let pv: number;
        if (pIn !== null) pv = pIn[i];
        else {
          pv = fromLogits ? fastSigmoid(x[i]) : x[i];
          if (pOut !== null) pOut[i] = pv;
        }
        N += 1;
        P += squared ? pv * pv : pv;
        T += squared ? tv * tv : tv;
        I += softLabel ? (pv < tv ? pv : tv) : pv * tv;
      }
      const g = b * C + c;
      stats[ROW_I * G + g] = I;
      stats[ROW_P * G + g] = P;
      stats[ROW_T * G + g] = T;
      stats[ROW_N * G + g] = N;
      stats[ROW_BCE * G + g] = 0;
      stats[ROW_FOCAL * G + g] = 0;
    }
  }
}

/**
 * Gradient of every group into dx (0 where ignored), from `coef` = ∂L/∂sums. `x` is p itself where
 * only p was kept. Loops over the groups itself, as {@link generalForward} does.
 */
export function generalBackward(a: SigmoidAttrs, { x, t, pIn }: SigmoidArrays, dx: Float32Array, coef: ArrayLike<number>): void {
  const { B, C, S, fromLogits, hasIgnore, ignoreIndex, squared, softLabel, wantBce, wantFocal, wPos, wNeg, gamma } = a;
  const { a1, a0 } = alphaCoefficients(a);
  const keep = 1 - a.smoothing;
  const add = a.smoothing / 2;
  const G = B * C;
  const stride = groupStride(a);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const start = groupStart(a, b, c);
      const k = b * C + c;
      const gI = coef[ROW_I * G + k];
      const gP = coef[ROW_P * G + k];
      const gB = wantBce ? coef[ROW_BCE * G + k] : 0;
      const gF = wantFocal ? coef[ROW_FOCAL * G + k] : 0;
      for (let s = 0, i = start; s < S; s++, i += stride) {
        const tv = t[i];
        if (hasIgnore && tv === ignoreIndex) {
          dx[i] = 0;
          continue;
        }
        const pv = pIn !== null ? pIn[i] : fromLogits ? fastSigmoid(x[i]) : x[i];
        // ∂(region sums)/∂p; min(p, t) has slope 1 below t, 0 above, ½ at the tie (|·|' = 0 at 0).
        const dI = softLabel ? (pv < tv ? 1 : pv > tv ? 0 : 0.5) : tv;
        const dp = gI * dI + gP * (squared ? 2 * pv : 1);
        const slope = fromLogits ? pv * (1 - pv) : 1;
        let d = dp * slope;
        if (gB !== 0 || gF !== 0) {
          const xv = x[i];
          const q = pv + tv - 2 * pv * tv;
          if (fromLogits) {
            if (gB !== 0) {
              // ∂/∂x [softplus(x)·w − wPos·t·x] = w·σ(x) − wPos·t.
              const ts = smoothTarget(tv, keep, add);
              d += gB * ((wPos * ts + wNeg * (1 - ts)) * pv - wPos * ts);
            }
            if (gF !== 0) {
              const ce = softplus(xv) - tv * xv;
              // fl = q^γ·ce·α_t with q = p + t − 2pt: ∂fl/∂x = α_t·(γq^(γ−1)·(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)).
              d += gF * alphaT(tv, a1, a0) * (powSlope(q, gamma) * (1 - 2 * tv) * slope * ce + powPos(q, gamma) * (pv - tv));
            }
          } else {
            const inRange = xv >= LO && xv <= HI;
            const pc = xv < LO ? LO : xv > HI ? HI : xv;
            if (gB !== 0 && inRange) {
              const ts = smoothTarget(tv, keep, add);
              d += gB * (-(wPos * ts) / pc + (wNeg * (1 - ts)) / (1 - pc));
            }
            if (gF !== 0) {
              const ce = -(tv * Math.log(pc) + (1 - tv) * Math.log(1 - pc));
              const dce = inRange ? -tv / pc + (1 - tv) / (1 - pc) : 0;
              d += gF * alphaT(tv, a1, a0) * (powSlope(q, gamma) * (1 - 2 * tv) * ce + powPos(q, gamma) * dce);
            }
          }
        }
        dx[i] = d;
      }
    }
  }
}
