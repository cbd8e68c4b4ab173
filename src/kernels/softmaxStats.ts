/**
 * Fused kernels for multiclass predictions (softmax family), as plain loops over the backend's
 * own memory, one pixel (C values) at a time.
 *
 * Forward `SeglossSoftmaxStats`: inputs `x` (yPred as given) and `t` (yTrue as given: class
 * indices `[B, ...spatial]` / `[B, ...spatial, 1]`, or one-hot in x's layout when `dense`).
 * Outputs the sums `[K, B, C]` with rows I, P, T (as the region statistics), N (valid pixels of
 * image b, in every column), CE = Σ −w_c·t̃_c·log p_c, WT = Σ w_c·t_c, FOCAL = Σ −α_c·t_c·(1 − p_c)^γ·log p_c;
 * a label check `[3]` (non-integral labels, lowest and highest valid label); and p (x's shape).
 * Backward `SeglossSoftmaxStatsGrad`: inputs x, t, p, `coef` = ∂L/∂sums; output ∂L/∂x.
 *
 * Logits and plain sums (label smoothing allowed) with class-index labels, channels last or first
 * (S a multiple of 4), or float32 one-hot / soft targets channels last (the common multiclass cases) run the SIMD WebAssembly kernels of simd/seglossSimd.wat (in place
 * on the wasm heap, on copies in the `SimdArena` on cpu); everything else these loops.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, isCpu, view } from './access.js';
import { maxOf, shiftedExps } from './fastMath.js';
import { powAndSlope } from './sigmoidStats.js';
import { gammaMode, SimdArena, simdKernelsFor, type SimdKernels } from './simd/simdKernels.js';
import { SOFTMAX_ROW, SOFTMAX_ROWS, type SoftmaxAttrs } from './kernelNames.js';

const EPS = 1e-7;
const EPS32 = Math.fround(EPS);

function attrsOf(a: NamedAttrMap): SoftmaxAttrs {
  return a as unknown as SoftmaxAttrs;
}

/** Label of pixel (b, s), or −1 when ignored or invalid (invalid labels are reported by the check). */
export function labelAt(a: { hasIgnore: boolean; ignoreIndex: number }, t: ArrayLike<number>, j: number, C: number): number {
  const raw = t[j];
  if (a.hasIgnore && raw === a.ignoreIndex) return -1;
  const l = Math.round(raw);
  return l === raw && l >= 0 && l < C ? l : -1;
}

/** Whether the SIMD kernels take this case: logits, plain sums; channels first only for index labels and S % 4 = 0. */
function simdCase(a: SoftmaxAttrs, inputs: Record<string, TensorInfo>): boolean {
  // Index labels as int32 or float32; one-hot (dense) targets as float32.
  const labels = inputs.t.dtype === 'float32' || (inputs.t.dtype === 'int32' && !a.dense);
  // Channels first: index labels, and whole vectors of four pixels.
  const layout = !a.channelsFirst || (!a.dense && a.S % 4 === 0);
  return a.fromLogits && !a.softLabel && !a.squared && layout && labels && inputs.x.dtype === 'float32';
}

/** The SIMD kernels' scratch: forward 7 float64 rows + 2 float32 rows of Cp = 4·⌈C/4⌉; backward 4 float32 rows. */
function scratchFloats(C: number): number {
  return 16 * 4 * Math.ceil(C / 4);
}

/** Label storage the SIMD kernels read: 1 for int32, 0 for float32. */
function labelKind(t: ArrayLike<number>): number {
  return t instanceof Int32Array ? 1 : 0;
}

function simdForward(
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
      simd.softmaxDenseForward(
        xp + 4 * b * S * C,
        tp + 4 * b * S * C,
        p.byteOffset + 4 * b * S * C,
        S,
        C,
        base,
        wv.byteOffset,
        av.byteOffset,
        a.wantCe ? 1 : 0,
        a.wantFocal ? 1 : 0,
        a.gamma,
        gammaMode(a.gamma),
        1 - a.smoothing,
        a.smoothing / C,
      );
    } else {
      simd[a.channelsFirst ? 'softmaxCfForward' : 'softmaxForward'](
        xp + 4 * b * S * C,
        tp + 4 * b * S,
        p.byteOffset + 4 * b * S * C,
        S,
        C,
        labelKind(t),
        a.hasIgnore ? 1 : 0,
        a.ignoreIndex,
        base,
        wv.byteOffset,
        av.byteOffset,
        a.wantCe ? 1 : 0,
        a.wantFocal ? 1 : 0,
        a.gamma,
        gammaMode(a.gamma),
        1 - a.smoothing,
        a.smoothing / C,
      );
    }
    // One-hot targets: every pixel counts.
    const N = a.dense ? S : (simd.s3.value as number);
    for (let k = 0; k < SOFTMAX_ROWS; k++) {
      for (let c = 0; c < C; c++) stats[k * G + b * C + c] = k === SOFTMAX_ROW.N ? N : acc[k * Cp + c];
    }
  }
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

export function softmaxStatsForward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs!);
  const { B, C, S, fromLogits, dense, squared, softLabel, wantCe, smoothing, wantFocal, gamma } = a;
  const simd = simdCase(a, args.inputs) ? simdKernelsFor(backend) : null;
  // With SIMD, a scratch buffer on the heap (see `scratchFloats`), taken with the outputs.
  const { infos, views } = allocate(backend, [[SOFTMAX_ROWS, B, C], [3], args.inputs.x.shape, ...(simd ? [[scratchFloats(C)]] : [])]);
  const [stats, check, p] = views;
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  stats.fill(0);
  const G = B * C;
  const w = wantCe && a.ceWeights.length === C ? a.ceWeights : new Array<number>(C).fill(1);
  const alpha = wantFocal && a.focalAlpha.length === C ? a.focalAlpha : new Array<number>(C).fill(1);
  const cs = a.channelsFirst ? S : 1;
  const pg = new Float64Array(2);
  const pv = new Float64Array(C);
  const lp = new Float64Array(C);
  const needLog = wantCe || wantFocal;

  if (!dense) checkLabelValues(t, B * S, a.hasIgnore, a.ignoreIndex, check);
  else check.set([0, 3e38, -3e38]);

  if (simd) {
    simdForward(simd, a, x, t, p, stats, views[3], w, alpha);
    backend.disposeData(infos[3].dataId);
    return infos.slice(0, 3);
  }
  if (simdCase(a, args.inputs) && isCpu(backend)) {
    // On copies in the SIMD arena (labels as float32).
    const arena = SimdArena.get();
    const r = arena?.regions([{ length: x.length, from: x }, { length: t.length, from: t }, { length: p.length }, { length: scratchFloats(C) }]);
    if (r) {
      simdForward(arena!.kernels, a, r[0], r[1], r[2], stats, r[3], w, alpha);
      p.set(r[2]);
      return infos;
    }
  }

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
            acc[C + c] += pc;
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
        if (!fromLogits) for (let c = 0; c < C; c++) acc[C + c] += pv[c];
        const l = label;
        acc[l] += pv[l];
        acc[2 * C + l] += 1;
        if (wantCe) {
          acc[4 * C + l] -= w[l] * lp[l];
          acc[5 * C + l] += w[l];
        }
        if (wantFocal) {
          const pe = fromLogits ? pv[l] : Math.exp(lp[l]);
          powAndSlope(1 - pe, gamma, pg);
          acc[6 * C + l] -= alpha[l] * pg[0] * lp[l];
        }
        continue;
      }
      for (let c = 0, i = base; c < C; c++, i += cs) {
        const tc = dense ? t[i] : c === label ? 1 : 0;
        const pc = pv[c];
        acc[c] += softLabel ? (pc < tc ? pc : tc) : pc * tc;
        acc[C + c] += squared ? pc * pc : pc;
        acc[2 * C + c] += squared ? tc * tc : tc;
        if (wantCe) {
          const ts = smoothing > 0 ? tc * (1 - smoothing) + smoothing / C : tc;
          acc[4 * C + c] -= w[c] * ts * lp[c];
          acc[5 * C + c] += w[c] * tc;
        }
        if (wantFocal && tc !== 0) {
          // (1 − p) from exp(log p) as the composite path; p itself from logits.
          const pe = fromLogits ? pc : Math.exp(lp[c]);
          powAndSlope(1 - pe, gamma, pg);
          acc[6 * C + c] -= alpha[c] * tc * pg[0] * lp[c];
        }
      }
    }
    for (let k = 0; k < SOFTMAX_ROWS; k++) {
      for (let c = 0; c < C; c++) stats[k * G + b * C + c] = k === 3 ? N : acc[k * C + c];
    }
  }
  return infos;
}

function simdBackward(
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
      g[c] = coef[G + k];
      if (g[c] !== 0) usesP = 1;
      g[Cp + c] = coef[k];
      g[2 * Cp + c] = a.wantCe ? coef[4 * G + k] * w[c] : 0;
      g[3 * Cp + c] = a.wantFocal ? coef[6 * G + k] * alpha[c] : 0;
    }
    if (a.dense) {
      const [ceScale, smooth] = [1 - a.smoothing, a.smoothing / C];
      simd.softmaxDenseBackward(tp + 4 * b * S * C, pp + 4 * b * S * C, dx.byteOffset + 4 * b * S * C, S, C, g.byteOffset, a.wantFocal ? 1 : 0, a.gamma, gammaMode(a.gamma), ceScale, smooth);
      continue;
    }
    simd[a.channelsFirst ? 'softmaxCfBackward' : 'softmaxBackward'](
      tp + 4 * b * S,
      pp + 4 * b * S * C,
      dx.byteOffset + 4 * b * S * C,
      S,
      C,
      labelKind(t),
      a.hasIgnore ? 1 : 0,
      a.ignoreIndex,
      g.byteOffset,
      usesP,
      a.wantFocal ? 1 : 0,
      a.gamma,
      gammaMode(a.gamma),
      1 - a.smoothing,
      a.smoothing / C,
    );
  }
}

export function softmaxStatsBackward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs!);
  const { B, C, S, fromLogits, dense, squared, softLabel, wantCe, smoothing, wantFocal, gamma } = a;
  const simd = simdCase(a, args.inputs) ? simdKernelsFor(backend) : null;
  const { infos, views } = allocate(backend, [args.inputs.x.shape, ...(simd ? [[scratchFloats(C)]] : [])]);
  const dx = views[0];
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  const p = view(backend, args.inputs.p);
  const coef = view(backend, args.inputs.coef);
  const G = B * C;
  const w = wantCe && a.ceWeights.length === C ? a.ceWeights : new Array<number>(C).fill(1);
  const alpha = wantFocal && a.focalAlpha.length === C ? a.focalAlpha : new Array<number>(C).fill(1);
  if (simd) {
    simdBackward(simd, a, t, p, dx, coef, views[1], w, alpha);
    backend.disposeData(infos[1].dataId);
    return infos[0];
  }
  if (simdCase(a, args.inputs) && isCpu(backend)) {
    const arena = SimdArena.get();
    const r = arena?.regions([{ length: t.length, from: t }, { length: p.length, from: p }, { length: dx.length }, { length: scratchFloats(C) }]);
    if (r) {
      simdBackward(arena!.kernels, a, r[0], r[1], r[2], coef, r[3], w, alpha);
      dx.set(r[2]);
      return infos[0];
    }
  }
  const cs = a.channelsFirst ? S : 1;
  const pg = new Float64Array(2);
  const r = new Float64Array(C);
  const sparse = fromLogits && !dense && !softLabel && !squared && smoothing === 0;
  for (let b = 0; b < B; b++) {
    const row = b * C;
    // Whether ∂L/∂P is nonzero for this image (not for CE or focal alone).
    let usesP = false;
    for (let c = 0; c < C; c++) if (coef[G + row + c] !== 0) usesP = true;
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
            const rc = p[i] * coef[G + row + c];
            r[c] = rc;
            sumR += rc;
          }
        } else r.fill(0);
        const l = label;
        const pl = p[base + l * cs];
        let extra = pl * coef[row + l];
        if (wantCe) extra -= coef[4 * G + row + l] * w[l];
        if (wantFocal) {
          const lpl = Math.log(pl);
          powAndSlope(1 - pl, gamma, pg);
          extra -= coef[6 * G + row + l] * alpha[l] * (pg[0] - pg[1] * (pl > 0 ? pl * lpl : 0));
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
        const dp = coef[g] * dI + coef[G + g] * (squared ? 2 * pc : 1);
        let logTerm = 0; // ∂L/∂(log p_c)
        if (wantCe) {
          const ts = smoothing > 0 ? tc * (1 - smoothing) + smoothing / C : tc;
          logTerm -= coef[4 * G + g] * w[c] * ts;
        }
        if (wantFocal && tc !== 0) {
          // φ = (1 − p)^γ·log p, dφ/d(log p) = ψ = (1 − p)^γ − γ(1 − p)^(γ−1)·p·log p.
          const lpc = fromLogits ? Math.log(pc) : Math.log(x[i] > EPS32 ? x[i] : EPS32);
          const pe = fromLogits ? pc : Math.exp(lpc);
          powAndSlope(1 - pe, gamma, pg);
          const psi = pg[0] - pg[1] * (pe > 0 ? pe * lpc : 0);
          logTerm -= coef[6 * G + g] * alpha[c] * tc * psi;
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
  return infos[0];
}
