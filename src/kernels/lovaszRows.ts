/**
 * Fused Lovász kernel for the `cpu` and `wasm` backends: per row of errors `e` `[R, N]`, a stable
 * radix sort by decreasing error, the Lovász gradient g of the labels in that order and the value
 * Σ_k relu(e_(k))·g_k in one walk — instead of `tf.topk`, gathers and cumulative sums.
 *
 * Forward `SeglossLovaszRows`: inputs `e`, `t` (labels, 0 where invalid) and optionally `v` (the
 * valid mask), all `[R, N]` float32. Outputs the values `[R]` and `dE` `[R, N]`, the gradient of
 * each row's value with respect to its errors in their original order: g at the error's rank
 * where e > 0, else 0. The backward pass of the op is then dy·dE.
 *
 * Same definitions as `lovaszGrad` in src/core/lovasz.ts: with I_k = Σ_{j>k} t_(j) and
 * n_k = Σ_{j≤k} v_(j), J_k = n_k / max(I_k + n_k, 1) and g_k = J_k − J_{k−1}; ties keep index
 * order (the reference's stable sort).
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, view } from './access.js';
import type { LovaszAttrs, LovaszHingeAttrs } from './kernelNames.js';

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/**
 * Sorts `order` (a permutation of 0..N−1, any start) so that keys[order[k]] increase, stably, by
 * least-significant-digit radix sort in three passes of 11 bits (a pass is skipped when all keys
 * share its digit). `keys` is permuted alongside; `k2`, `o2` are scratch of the same length.
 */
export function radixSortByKey(keys: Uint32Array, order: Uint32Array, k2: Uint32Array, o2: Uint32Array, counts: Uint32Array): void {
  const N = keys.length;
  counts.fill(0);
  for (let i = 0; i < N; i++) {
    const k = keys[i];
    counts[k & MASK]++;
    counts[RADIX + ((k >>> BITS) & MASK)]++;
    counts[2 * RADIX + (k >>> (2 * BITS))]++;
  }
  let src = keys;
  let srcO = order;
  let dst = k2;
  let dstO = o2;
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX;
    const shift = pass * BITS;
    // All keys in one bucket: this digit changes nothing.
    let skip = false;
    for (let d = 0; d < RADIX; d++) {
      if (counts[base + d] === N) skip = true;
      if (counts[base + d] !== 0) break;
    }
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < N; i++) {
      const k = src[i];
      const at = counts[base + ((k >>> shift) & MASK)]++;
      dst[at] = k;
      dstO[at] = srcO[i];
    }
    [src, dst] = [dst, src];
    [srcO, dstO] = [dstO, srcO];
  }
  if (src !== keys) {
    keys.set(src);
    order.set(srcO);
  }
}

/** Work arrays of {@link lovaszRow} for rows of up to N elements. */
export class LovaszScratch {
  readonly keys: Uint32Array;
  readonly order: Uint32Array;
  readonly k2: Uint32Array;
  readonly o2: Uint32Array;
  readonly counts = new Uint32Array(3 * RADIX);
  private readonly bits = new Uint32Array(1);
  private readonly asFloat = new Float32Array(this.bits.buffer);

  constructor(readonly N: number) {
    this.keys = new Uint32Array(N);
    this.order = new Uint32Array(N);
    this.k2 = new Uint32Array(N);
    this.o2 = new Uint32Array(N);
  }

  /** A key that increases as the float32 error decreases (−0 counts as +0, so that they tie). */
  key(e: number): number {
    this.asFloat[0] = e + 0;
    const b = this.bits[0];
    return ~(b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
  }
}

/**
 * One row: errors e, labels t (0 where invalid) and valid mask v (null: all valid), N = s.N
 * values each. Writes dE (the value's gradient with respect to each error, in the row's own
 * order) and returns Σ_k relu(e_(k))·g_k.
 */
export function lovaszRow(e: ArrayLike<number>, t: ArrayLike<number>, v: ArrayLike<number> | null, dE: Float32Array, s: LovaszScratch): number {
  const { N, keys, order } = s;
  let G = 0;
  for (let i = 0; i < N; i++) {
    keys[i] = s.key(e[i]);
    order[i] = i;
    G += t[i];
  }
  radixSortByKey(keys, order, s.k2, s.o2, s.counts);
  // Walk in decreasing error: I = Σ t after k (starts at G), n = Σ v up to k.
  let I = G;
  let n = 0;
  let Jprev = 0;
  let total = 0;
  for (let k = 0; k < N; k++) {
    const i = order[k];
    I -= t[i];
    n += v === null ? 1 : v[i];
    const union = I + n;
    const J = n / (union > 1 ? union : 1);
    const g = J - Jprev;
    Jprev = J;
    const ev = e[i];
    if (ev > 0) {
      total += ev * g;
      dE[i] = g;
    } else dE[i] = 0;
  }
  return total;
}

export function lovaszRowsForward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const { R, N } = args.attrs as unknown as LovaszAttrs;
  const { infos, views } = allocate(backend, [[R], [R, N]]);
  const [value, dE] = views;
  const e = view(backend, args.inputs.e);
  const t = view(backend, args.inputs.t);
  const v = args.inputs.v ? view(backend, args.inputs.v) : null;
  const s = new LovaszScratch(N);
  for (let r = 0; r < R; r++) {
    const row = (a: ArrayLike<number> & { subarray(b: number, e: number): ArrayLike<number> }) => a.subarray(r * N, (r + 1) * N);
    value[r] = lovaszRow(row(e as Float32Array), row(t as Float32Array), v && row(v as Float32Array), dE.subarray(r * N, (r + 1) * N), s);
  }
  return infos;
}

/**
 * Forward `SeglossLovaszHinge` on yPred (logits) and yTrue as given, R rows of N: errors
 * e = 1 − x·(2t − 1) over the valid pixels (t ≠ ignoreIndex), one {@link lovaszRow} per row.
 * Outputs the values `[R]` and dX in x's shape, ∂value/∂x = −(2t − 1)·dE (0 where ignored), so
 * that the op's gradient is dy·dX.
 */
export function lovaszHingeForward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const { R, N, hasIgnore, ignoreIndex } = args.attrs as unknown as LovaszHingeAttrs;
  const { infos, views } = allocate(backend, [[R], args.inputs.x.shape]);
  const [value, dX] = views;
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  const s = new LovaszScratch(N);
  const e = new Float32Array(N);
  const tr = new Float32Array(N);
  const v = new Float32Array(N);
  const dE = new Float32Array(N);
  for (let r = 0; r < R; r++) {
    let allValid = true;
    for (let n = 0, i = r * N; n < N; n++, i++) {
      const ignored = hasIgnore && t[i] === ignoreIndex;
      const tv = ignored ? 0 : t[i];
      tr[n] = tv;
      v[n] = ignored ? 0 : 1;
      if (ignored) allValid = false;
      e[n] = ignored ? 0 : 1 - x[i] * (2 * tv - 1);
    }
    value[r] = lovaszRow(e, tr, allValid ? null : v, dE, s);
    for (let n = 0, i = r * N; n < N; n++, i++) dX[i] = v[n] === 0 ? 0 : -(2 * tr[n] - 1) * dE[n];
  }
  return infos;
}

/**
 * `SeglossRowScale`: out = a·s[row] for `a` of any shape read as R rows of equal length and
 * `s` `[R]` — the backward pass of the Lovász ops (a broadcast multiply is slow on `cpu`).
 */
export function rowScale(args: { inputs: Record<string, TensorInfo>; backend: unknown }): TensorInfo {
  const backend = args.backend as KernelBackend;
  const { infos, views } = allocate(backend, [args.inputs.a.shape]);
  const out = views[0];
  const a = view(backend, args.inputs.a);
  const s = view(backend, args.inputs.s);
  const R = s.length;
  const N = a.length / R;
  for (let r = 0; r < R; r++) {
    const k = s[r];
    for (let i = r * N; i < (r + 1) * N; i++) out[i] = a[i] * k;
  }
  return infos[0];
}
