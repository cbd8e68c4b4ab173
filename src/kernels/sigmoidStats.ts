/**
 * Fused kernels for binary and multilabel predictions (sigmoid family), as plain loops over the
 * backend's own memory: one pass for the forward sums, one pass for the gradient, no full-size
 * temporaries besides the probabilities kept for the backward pass.
 *
 * Forward `SeglossSigmoidStats`: inputs `x` (yPred as given, logits or probabilities), `t`
 * (yTrue as given, same layout) and optionally `p` = σ(x) when the backend has a faster sigmoid
 * (wasm without WebAssembly SIMD: XNNPACK's). Outputs the sums `[K, B, C]` with rows
 * I = Σ m·p·t (Σ m·min(p, t) with softLabel), P = Σ m·p (or m·p²), T = Σ m·t (or m·t²), N = Σ m,
 * BCE = Σ m·bce(x, t), FOCAL = Σ m·focal(x, t), and — unless given — the probabilities p.
 * Backward `SeglossSigmoidStatsGrad`: inputs x, t, p and `coef` = ∂L/∂sums `[K, B, C]`; output ∂L/∂x.
 *
 * The common cases (logits, plain sums; ignored elements masked) run the SIMD WebAssembly kernels of
 * simd/seglossSimd.wat — in place on the wasm heap, on copies in the `SimdArena` on cpu: groups
 * that are contiguous (one channel, or channels first) by the sigmoid kernels, with these loops
 * for the last S mod 4 elements of each group; channels last with C a multiple of 4 by the lane
 * kernels (four classes per vector).
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, isCpu, view } from './access.js';
import { fastExp, fastSigmoid, log1pUnit, softplus } from './fastMath.js';
import { gammaMode, SimdArena, simdKernelsFor, type SimdKernels } from './simd/simdKernels.js';
import { SIGMOID_ROWS, type SigmoidAttrs } from './kernelNames.js';

const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

/** max(q, 0)^γ and its derivative, as `safePow` defines them (0 and 0 where q ≤ 0, γ > 0). */
export function powAndSlope(q: number, gamma: number, out: Float64Array): void {
  if (gamma === 0) {
    out[0] = 1;
    out[1] = 0;
  } else if (!(q > 0)) {
    out[0] = 0;
    out[1] = 0;
  } else if (gamma === 1) {
    out[0] = q;
    out[1] = 1;
  } else if (gamma === 2) {
    out[0] = q * q;
    out[1] = 2 * q;
  } else {
    const qg1 = Math.pow(q, gamma - 1);
    out[0] = qg1 * q;
    out[1] = gamma * qg1;
  }
}

function attrsOf(a: NamedAttrMap): SigmoidAttrs {
  return a as unknown as SigmoidAttrs;
}

/** Start and stride of group (b, c) in the flat layout. */
function groupIndex(a: SigmoidAttrs, b: number, c: number): [number, number] {
  return a.channelsFirst ? [(b * a.C + c) * a.S, 1] : [b * a.S * a.C + c, a.C];
}

/**
 * The common case as tight loops (logits, no ignored elements, plain sums, optional BCE), one
 * function per variant so that each stays monomorphic. With BCE, one exp per element:
 * e = e^(−|x|) gives both p = σ(x) and softplus(x) = max(x, 0) + log1p(e). `p` is written (own)
 * or read (given). Each adds I, P, T, N, BCE of one group to `acc`.
 */
function regionOwn(x: ArrayLike<number>, t: ArrayLike<number>, p: Float32Array, start: number, stride: number, S: number, acc: Float64Array): void {
  let I = 0;
  let P = 0;
  let T = 0;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const tv = t[i];
    const pv = 1 / (1 + fastExp(-x[i]));
    p[i] = pv;
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[0] = I;
  acc[1] = P;
  acc[2] = T;
  acc[4] = 0;
}

function regionGiven(t: ArrayLike<number>, p: ArrayLike<number>, start: number, stride: number, S: number, acc: Float64Array): void {
  let I = 0;
  let P = 0;
  let T = 0;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const tv = t[i];
    const pv = p[i];
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[0] = I;
  acc[1] = P;
  acc[2] = T;
  acc[4] = 0;
}

function regionBce(
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  pOut: Float32Array | null,
  pIn: ArrayLike<number> | null,
  start: number,
  stride: number,
  S: number,
  wPos: number,
  wNeg: number,
  smoothing: number,
  acc: Float64Array,
): void {
  let I = 0;
  let P = 0;
  let T = 0;
  let BCE = 0;
  const a = 1 - smoothing;
  const b = smoothing / 2;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const xv = x[i];
    const tv = t[i];
    const e = fastExp(xv > 0 ? -xv : xv);
    let pv: number;
    if (pIn === null) {
      pv = (xv >= 0 ? 1 : e) / (1 + e);
      if (pOut !== null) pOut[i] = pv;
    } else pv = pIn[i];
    const ts = tv * a + b;
    BCE += ((xv > 0 ? xv : 0) + log1pUnit(e)) * (wPos * ts + wNeg * (1 - ts)) - wPos * ts * xv;
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[0] = I;
  acc[1] = P;
  acc[2] = T;
  acc[4] = BCE;
}

/** max(q, 0)^γ without the out-parameter, for the tight focal loops (as `powAndSlope`). */
function powPos(q: number, gamma: number): number {
  if (gamma === 0) return 1;
  if (!(q > 0)) return 0;
  return gamma === 2 ? q * q : gamma === 1 ? q : Math.pow(q, gamma);
}

/** γ·max(q, 0)^(γ−1), the slope of `powPos` (0 where q ≤ 0 or γ = 0). */
function powSlope(q: number, gamma: number): number {
  if (gamma === 0 || !(q > 0)) return 0;
  return gamma === 2 ? 2 * q : gamma === 1 ? 1 : gamma * Math.pow(q, gamma - 1);
}

/**
 * Focal loss from logits without ignored elements, as a tight loop: one exp per element gives p
 * and softplus(x); fl = q^γ·(softplus(x) − t·x)·αt with q = p + t − 2pt. Adds I, P, T, FOCAL.
 */
function focalOwn(
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  pOut: Float32Array | null,
  pIn: ArrayLike<number> | null,
  start: number,
  stride: number,
  S: number,
  gamma: number,
  hasAlpha: boolean,
  alpha: number,
  acc: Float64Array,
): void {
  let I = 0;
  let P = 0;
  let T = 0;
  let FOC = 0;
  const a1 = hasAlpha ? 2 * alpha - 1 : 0;
  const a0 = hasAlpha ? 1 - alpha : 1;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const xv = x[i];
    const tv = t[i];
    const e = fastExp(xv > 0 ? -xv : xv);
    let pv: number;
    if (pIn === null) {
      pv = (xv >= 0 ? 1 : e) / (1 + e);
      if (pOut !== null) pOut[i] = pv;
    } else pv = pIn[i];
    const ce = (xv > 0 ? xv : 0) + log1pUnit(e) - tv * xv;
    FOC += powPos(pv + tv - 2 * pv * tv, gamma) * ce * (tv * a1 + a0);
    I += pv * tv;
    P += pv;
    T += tv;
  }
  acc[0] = I;
  acc[1] = P;
  acc[2] = T;
  acc[4] = 0;
  acc[5] = FOC;
}

/** Gradient of `focalOwn`'s terms: region part plus αt·(γq^(γ−1)(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)). */
function gradFocal(
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  dx: Float32Array,
  start: number,
  stride: number,
  S: number,
  gI: number,
  gP: number,
  gF: number,
  gamma: number,
  hasAlpha: boolean,
  alpha: number,
): void {
  const a1 = hasAlpha ? 2 * alpha - 1 : 0;
  const a0 = hasAlpha ? 1 - alpha : 1;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const xv = x[i];
    const tv = t[i];
    // One exp gives p = σ(x) and softplus(x) again (p is not kept from the forward pass here).
    const e = fastExp(xv > 0 ? -xv : xv);
    const pv = (xv >= 0 ? 1 : e) / (1 + e);
    const slope = pv * (1 - pv);
    const q = pv + tv - 2 * pv * tv;
    const ce = (xv > 0 ? xv : 0) + log1pUnit(e) - tv * xv;
    const focal = (tv * a1 + a0) * (powSlope(q, gamma) * (1 - 2 * tv) * slope * ce + powPos(q, gamma) * (pv - tv));
    dx[i] = (gI * tv + gP) * slope + gF * focal;
  }
}

/** Whether x and t are float32 storage the SIMD kernels can read. */
function contiguous32(x: ArrayLike<number>, t: ArrayLike<number>): boolean {
  return x instanceof Float32Array && t instanceof Float32Array;
}

/** The fast forward variants on n elements of one group from `start`, by SIMD: sums (N too) into acc. */
function simdGroup(simd: SimdKernels, a: SigmoidAttrs, x: ArrayLike<number>, t: ArrayLike<number>, p: ArrayLike<number> | null, start: number, n: number, acc: Float64Array): void {
  const xp = (x as Float32Array).byteOffset + 4 * start;
  const tp = (t as Float32Array).byteOffset + 4 * start;
  acc.fill(0);
  if (!a.fromLogits) simd.regionProbs(xp, tp, n, a.hasIgnore ? 1 : 0, a.ignoreIndex);
  else if (a.wantFocal) {
    simd.sigmoidFocal(xp, tp, n, a.gamma, gammaMode(a.gamma), a.hasAlpha ? 2 * a.alpha - 1 : 0, a.hasAlpha ? 1 - a.alpha : 1, a.hasIgnore ? 1 : 0, a.ignoreIndex);
    acc[5] = simd.s5.value as number;
  } else {
    const pp = (p as Float32Array).byteOffset + 4 * start;
    if (a.wantBce) {
      simd.sigmoidRegionBce(xp, tp, pp, n, a.wPos, a.wNeg, a.smoothing, a.hasIgnore ? 1 : 0, a.ignoreIndex);
      acc[4] = simd.s4.value as number;
    } else simd.sigmoidRegion(xp, tp, pp, n, a.hasIgnore ? 1 : 0, a.ignoreIndex);
  }
  acc[0] = simd.s0.value as number;
  acc[1] = simd.s1.value as number;
  acc[2] = simd.s2.value as number;
  acc[3] = simd.s3.value as number;
}

/**
 * Whether the lane kernels take this call: the fast case (logits, plain sums, not
 * focal and BCE together) channels last with C a multiple of 4, where one vector holds four
 * classes of a pixel.
 */
function lanesCase(a: SigmoidAttrs, x: TensorInfo, t: TensorInfo): boolean {
  const fast = a.fromLogits && !a.squared && !a.softLabel && !(a.wantFocal && a.wantBce);
  return fast && !a.channelsFirst && a.C >= 4 && a.C % 4 === 0 && x.dtype === 'float32' && t.dtype === 'float32';
}

/** sigmoidLanes' kind: 0 region, 1 region + BCE, 2 focal. */
function laneKind(a: SigmoidAttrs): number {
  return a.wantFocal ? 2 : a.wantBce ? 1 : 0;
}

/** The kernels for a lane call and, on cpu, the arena they run in (null: not available). */
function laneKernels(backend: KernelBackend): { kernels: SimdKernels; arena: SimdArena | null } | null {
  const onHeap = simdKernelsFor(backend);
  if (onHeap) return { kernels: onHeap, arena: null };
  const arena = isCpu(backend) ? SimdArena.get() : null;
  return arena ? { kernels: arena.kernels, arena } : null;
}

/**
 * The forward pass by the lane kernels (see `lanesCase`): per image and block of four classes,
 * one `sigmoidLanes` call over the image's pixels, four classes' sums at once. Null where the
 * kernels are not available.
 */
function lanesForward(backend: KernelBackend, a: SigmoidAttrs, inputs: Record<string, TensorInfo>): TensorInfo[] | null {
  const k = laneKernels(backend);
  if (!k) return null;
  const { B, C, S } = a;
  const G = B * C;
  const kind = laneKind(a);
  const writeP = kind !== 2;
  const heap = k.arena === null;
  const { infos, views } = allocate(backend, [[SIGMOID_ROWS, B, C], ...(writeP ? [inputs.x.shape] : []), ...(heap ? [[40]] : [])]);
  const stats = views[0];
  let x = view(backend, inputs.x);
  let t = view(backend, inputs.t);
  let p: Float32Array | null = writeP ? views[1] : null;
  let out: Float64Array;
  if (k.arena) {
    const r = k.arena.regions([{ length: x.length, from: x }, { length: t.length, from: t }, { length: 40 }, ...(p ? [{ length: p.length }] : [])]);
    if (!r) {
      infos.forEach((info) => backend.disposeData(info.dataId));
      return null;
    }
    [x, t] = r;
    out = new Float64Array(r[2].buffer, r[2].byteOffset, 20);
    p = p ? r[3] : null;
  } else {
    const scratch = views[views.length - 1];
    out = new Float64Array(scratch.buffer, scratch.byteOffset, 20);
  }
  const mode = gammaMode(a.gamma);
  const a1 = a.hasAlpha ? 2 * a.alpha - 1 : 0;
  const a0 = a.hasAlpha ? 1 - a.alpha : 1;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < C; j += 4) {
      const at = b * S * C + j;
      k.kernels.sigmoidLanes(ptr(x, at), ptr(t, at), p ? ptr(p, at) : 0, S, 4 * C, out.byteOffset, kind, a.wPos, a.wNeg, a.smoothing, a.gamma, mode, a1, a0, a.hasIgnore ? 1 : 0, a.ignoreIndex);
      for (let l = 0; l < 4; l++) {
        const g = b * C + j + l;
        stats[g] = out[l];
        stats[G + g] = out[4 + l];
        stats[2 * G + g] = out[8 + l];
        stats[3 * G + g] = out[16 + l];
        stats[4 * G + g] = kind === 1 ? out[12 + l] : 0;
        stats[5 * G + g] = kind === 2 ? out[12 + l] : 0;
      }
    }
  }
  if (k.arena && p) views[1].set(p);
  if (heap) backend.disposeData(infos[infos.length - 1].dataId);
  return heap ? infos.slice(0, -1) : infos;
}

/** The backward pass by the lane kernels, with each lane's coefficients (see `lanesForward`). */
function lanesBackward(backend: KernelBackend, a: SigmoidAttrs, inputs: Record<string, TensorInfo>): TensorInfo | null {
  const k = laneKernels(backend);
  if (!k) return null;
  const { B, C, S } = a;
  const G = B * C;
  const kind = laneKind(a);
  const heap = k.arena === null;
  const source = kind === 2 ? inputs.x : inputs.p;
  const { infos, views } = allocate(backend, [source.shape, ...(heap ? [[12]] : [])]);
  let dx = views[0];
  let src = view(backend, source);
  let t = view(backend, inputs.t);
  const coef = view(backend, inputs.coef);
  let g: Float32Array;
  if (k.arena) {
    const r = k.arena.regions([{ length: src.length, from: src }, { length: t.length, from: t }, { length: dx.length }, { length: 12 }]);
    if (!r) {
      infos.forEach((info) => backend.disposeData(info.dataId));
      return null;
    }
    [src, t, dx, g] = r;
  } else g = views[1];
  const mode = gammaMode(a.gamma);
  const a1 = a.hasAlpha ? 2 * a.alpha - 1 : 0;
  const a0 = a.hasAlpha ? 1 - a.alpha : 1;
  const xRow = kind === 2 ? 5 : 4;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < C; j += 4) {
      for (let l = 0; l < 4; l++) {
        const c = b * C + j + l;
        g[l] = coef[c];
        g[4 + l] = coef[G + c];
        g[8 + l] = kind === 0 ? 0 : coef[xRow * G + c];
      }
      const at = b * S * C + j;
      k.kernels.sigmoidLanesGrad(kind === 2 ? ptr(src, at) : 0, ptr(t, at), kind === 2 ? 0 : ptr(src, at), ptr(dx, at), S, 4 * C, g.byteOffset, kind, a.wPos, a.wNeg, a.smoothing, a.gamma, mode, a1, a0, a.hasIgnore ? 1 : 0, a.ignoreIndex);
    }
  }
  if (k.arena) views[0].set(dx);
  if (heap) backend.disposeData(infos[1].dataId);
  return infos[0];
}

export function sigmoidStatsForward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs!);
  if (!args.inputs.p && lanesCase(a, args.inputs.x, args.inputs.t)) {
    const infos = lanesForward(backend, a, args.inputs);
    if (infos) return infos;
  }
  const { B, C, S } = a;
  const given = args.inputs.p !== undefined;
  // p is an output only when the backward pass will read it (see `keepP`).
  const writeP = !given && a.keepP;
  const { infos, views } = allocate(backend, writeP ? [[SIGMOID_ROWS, B, C], args.inputs.x.shape] : [[SIGMOID_ROWS, B, C]]);
  const stats = views[0];
  let x = view(backend, args.inputs.x);
  let t = view(backend, args.inputs.t);
  // The given probabilities, or the output they are written to (if any).
  let p = given ? view(backend, args.inputs.p) : writeP ? views[1] : null;
  stats.fill(0);
  const pg = new Float64Array(2);
  const { fromLogits, hasIgnore, ignoreIndex, squared, softLabel, wantBce, wPos, wNeg, smoothing, wantFocal, gamma, hasAlpha, alpha } = a;
  const G = B * C;
  // The JavaScript fast variants take no ignored elements; the SIMD kernels do, when each group is
  // a whole number of vectors (no JavaScript tail).
  // Region sums from probabilities (no BCE or focal term) have their own SIMD kernel.
  const probsRegion = !fromLogits && !squared && !softLabel && !wantBce && !wantFocal;
  const simdable = (fromLogits || probsRegion) && !squared && !softLabel && !(wantFocal && wantBce) && (!hasIgnore || S % 4 === 0);
  const fast = simdable && fromLogits && !hasIgnore;
  const acc = new Float64Array(SIGMOID_ROWS);
  const tail = new Float64Array(SIGMOID_ROWS);
  // SIMD where each group is contiguous (one channel, or channels first) and p is written here:
  // in place on the wasm heap, or on copies in the arena (cpu).
  let simd: SimdKernels | null = null;
  let pOut: Float32Array | null = null;
  if (simdable && !given && (C === 1 || a.channelsFirst)) {
    simd = contiguous32(x, t) ? simdKernelsFor(backend) : null;
    const arena = simd || !isCpu(backend) ? null : SimdArena.get();
    const copies = arena?.regions([{ length: x.length, from: x }, { length: t.length, from: t }, ...(p ? [{ length: p.length }] : [])]);
    if (copies) {
      simd = arena!.kernels;
      pOut = p as Float32Array | null;
      [x, t, p] = [copies[0], copies[1], copies[2] ?? null];
    }
  }
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const [start, stride] = groupIndex(a, b, c);
      if (fast || simd) {
        // The SIMD kernels take the first n = 4·⌊S/4⌋ elements, the JavaScript loops the rest.
        const n = simd ? S & ~3 : 0;
        if (n > 0) simdGroup(simd!, a, x, t, p, start, n, acc);
        const rest = n > 0 ? tail : acc;
        rest.fill(0);
        if (n < S) {
          const from = start + n * stride;
          if (!fromLogits) regionGiven(t, x, from, stride, S - n, rest);
          else if (wantFocal) focalOwn(x, t, given ? null : (p as Float32Array | null), given ? p : null, from, stride, S - n, gamma, hasAlpha, alpha, rest);
          else if (wantBce) regionBce(x, t, given ? null : (p as Float32Array | null), given ? p : null, from, stride, S - n, wPos, wNeg, smoothing, rest);
          else if (given) regionGiven(t, p!, from, stride, S - n, rest);
          else regionOwn(x, t, p as Float32Array, from, stride, S - n, rest);
        }
        if (n > 0) for (let k = 0; k < SIGMOID_ROWS; k++) acc[k] += tail[k];
        // Valid elements: the SIMD part's count, plus the tail (never ignored there).
        acc[3] = n > 0 ? acc[3] + (S - n) : S;
        for (let k = 0; k < SIGMOID_ROWS; k++) stats[k * G + b * C + c] = acc[k];
        continue;
      }
      let I = 0;
      let P = 0;
      let T = 0;
      let N = 0;
      let BCE = 0;
      let FOC = 0;
      for (let s = 0, i = start; s < S; s++, i += stride) {
        const tv = t[i];
        if (hasIgnore && tv === ignoreIndex) {
          if (writeP) p![i] = 0;
          continue;
        }
        const xv = x[i];
        let pv: number;
        if (given) pv = p![i];
        else {
          pv = fromLogits ? fastSigmoid(xv) : xv;
          if (writeP) p![i] = pv;
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
            const ts = smoothing > 0 ? tv * (1 - smoothing) + smoothing / 2 : tv;
            BCE += fromLogits ? sp * (wPos * ts + wNeg * (1 - ts)) - wPos * ts * xv : -(wPos * ts * logP + wNeg * (1 - ts) * log1mP);
          }
          if (wantFocal) {
            const ce = fromLogits ? sp - tv * xv : -(tv * logP + (1 - tv) * log1mP);
            powAndSlope(pv + tv - 2 * pv * tv, gamma, pg);
            const at = hasAlpha ? tv * (2 * alpha - 1) + 1 - alpha : 1;
            FOC += pg[0] * ce * at;
          }
        }
      }
      const g = b * C + c;
      stats[g] = I;
      stats[G + g] = P;
      stats[2 * G + g] = T;
      stats[3 * G + g] = N;
      stats[4 * G + g] = BCE;
      stats[5 * G + g] = FOC;
    }
  }
  if (pOut) pOut.set(p as Float32Array);
  return infos;
}

/**
 * Gradient of the common case as a tight loop: ∂L/∂x = (gI·t + gP)·p(1 − p) + gB·(w·p − w₊·t̃),
 * with w = w₊·t̃ + w₋·(1 − t̃) (see the BCE derivative below).
 */
function gradRegionBce(
  t: ArrayLike<number>,
  p: ArrayLike<number>,
  dx: Float32Array,
  start: number,
  stride: number,
  S: number,
  gI: number,
  gP: number,
  gB: number,
  wPos: number,
  wNeg: number,
  smoothing: number,
): void {
  if (gB === 0) {
    for (let s = 0, i = start; s < S; s++, i += stride) {
      const pv = p[i];
      dx[i] = (gI * t[i] + gP) * pv * (1 - pv);
    }
    return;
  }
  const a = 1 - smoothing;
  const b = smoothing / 2;
  for (let s = 0, i = start; s < S; s++, i += stride) {
    const tv = t[i];
    const pv = p[i];
    const ts = tv * a + b;
    dx[i] = (gI * tv + gP) * pv * (1 - pv) + gB * ((wPos * ts + wNeg * (1 - ts)) * pv - wPos * ts);
  }
}

/** Byte address of element i of a heap view. */
function ptr(v: ArrayLike<number>, i: number): number {
  return (v as Float32Array).byteOffset + 4 * i;
}

export function sigmoidStatsBackward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs!);
  if (lanesCase(a, args.inputs.x ?? args.inputs.p, args.inputs.t)) {
    const info = lanesBackward(backend, a, args.inputs);
    if (info) return info;
  }
  const { B, C, S } = a;
  // Inputs: t, coef, and p (logits without focal term) or x (otherwise: p recomputed, or p = x).
  const shape = (args.inputs.p ?? args.inputs.x).shape;
  const { infos, views } = allocate(backend, [shape]);
  let dx = views[0];
  let t = view(backend, args.inputs.t);
  let pIn = args.inputs.p ? view(backend, args.inputs.p) : null;
  let x = args.inputs.x ? view(backend, args.inputs.x) : pIn!;
  const coef = view(backend, args.inputs.coef);
  const pg = new Float64Array(2);
  const { fromLogits, hasIgnore, ignoreIndex, squared, softLabel, wantBce, wPos, wNeg, smoothing, wantFocal, gamma, hasAlpha, alpha } = a;
  const G = B * C;
  // SIMD for the fast cases below, in place on the wasm heap or on copies in the arena (cpu).
  const probsRegion = !fromLogits && !squared && !softLabel && !wantBce && !wantFocal;
  const fastGrad = (fromLogits || probsRegion) && !squared && !softLabel && !(wantFocal && wantBce) && (!hasIgnore || S % 4 === 0);
  let simd: SimdKernels | null = null;
  let dxOut: Float32Array | null = null;
  if (fastGrad && (C === 1 || a.channelsFirst)) {
    simd = contiguous32(x, t) ? simdKernelsFor(backend) : null;
    const arena = simd || !isCpu(backend) ? null : SimdArena.get();
    const copies = arena?.regions([{ length: x.length, from: x }, { length: t.length, from: t }, { length: dx.length }]);
    if (copies) {
      simd = arena!.kernels;
      dxOut = dx;
      if (pIn === x) pIn = copies[0];
      [x, t, dx] = copies;
    }
  }
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const [start, stride] = groupIndex(a, b, c);
      const g = b * C + c;
      const gI = coef[g];
      const gP = coef[G + g];
      const gB = wantBce ? coef[4 * G + g] : 0;
      const gF = wantFocal ? coef[5 * G + g] : 0;
      if (probsRegion && simd) {
        // From probabilities: dx = gI·t + gP.
        const n = S & ~3;
        if (n > 0) simd.regionProbsGrad(ptr(t, start), ptr(dx, start), n, gI, gP, hasIgnore ? 1 : 0, ignoreIndex);
        for (let s = n, i = start + n * stride; s < S; s++, i += stride) dx[i] = gI * t[i] + gP;
        continue;
      }
      if (fromLogits && (!hasIgnore || simd) && !squared && !softLabel && wantFocal && !wantBce) {
        const n = simd ? S & ~3 : 0;
        if (n > 0) {
          const a1 = hasAlpha ? 2 * alpha - 1 : 0;
          const a0 = hasAlpha ? 1 - alpha : 1;
          simd!.sigmoidFocalGrad(ptr(x, start), ptr(t, start), ptr(dx, start), n, gI, gP, gF, gamma, gammaMode(gamma), a1, a0, hasIgnore ? 1 : 0, ignoreIndex);
        }
        if (n < S) gradFocal(x, t, dx, start + n * stride, stride, S - n, gI, gP, gF, gamma, hasAlpha, alpha);
        continue;
      }
      if (fromLogits && (!hasIgnore || simd) && !squared && !softLabel && !wantFocal) {
        const n = simd ? S & ~3 : 0;
        if (n > 0) simd!.sigmoidRegionGrad(ptr(t, start), ptr(pIn!, start), ptr(dx, start), n, gI, gP, gB, wPos, wNeg, smoothing, hasIgnore ? 1 : 0, ignoreIndex);
        if (n < S) gradRegionBce(t, pIn!, dx, start + n * stride, stride, S - n, gI, gP, gB, wPos, wNeg, smoothing);
        continue;
      }
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
          if (fromLogits) {
            if (gB !== 0) {
              // ∂/∂x [softplus(x)·w − wPos·t·x] = w·σ(x) − wPos·t.
              const ts = smoothing > 0 ? tv * (1 - smoothing) + smoothing / 2 : tv;
              d += gB * ((wPos * ts + wNeg * (1 - ts)) * pv - wPos * ts);
            }
            if (gF !== 0) {
              const ce = softplus(xv) - tv * xv;
              powAndSlope(pv + tv - 2 * pv * tv, gamma, pg);
              const at = hasAlpha ? tv * (2 * alpha - 1) + 1 - alpha : 1;
              // fl = q^γ·ce·αt with q = p + t − 2pt: ∂fl/∂x = αt·(γq^(γ−1)·(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)).
              d += gF * at * (pg[1] * (1 - 2 * tv) * slope * ce + pg[0] * (pv - tv));
            }
          } else {
            const inRange = xv >= LO && xv <= HI;
            const pc = xv < LO ? LO : xv > HI ? HI : xv;
            if (gB !== 0 && inRange) {
              const ts = smoothing > 0 ? tv * (1 - smoothing) + smoothing / 2 : tv;
              d += gB * (-(wPos * ts) / pc + (wNeg * (1 - ts)) / (1 - pc));
            }
            if (gF !== 0) {
              const ce = -(tv * Math.log(pc) + (1 - tv) * Math.log(1 - pc));
              const dce = inRange ? -tv / pc + (1 - tv) / (1 - pc) : 0;
              powAndSlope(pv + tv - 2 * pv * tv, gamma, pg);
              const at = hasAlpha ? tv * (2 * alpha - 1) + 1 - alpha : 1;
              d += gF * at * (pg[1] * (1 - 2 * tv) * ce + pg[0] * dce);
            }
          }
        }
        dx[i] = d;
      }
    }
  }
  if (dxOut) dxOut.set(dx);
  return infos[0];
}
