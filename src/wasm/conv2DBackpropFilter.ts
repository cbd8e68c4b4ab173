/**
 * `Conv2DBackpropFilter` for a backend that has `BatchMatMul`, `PadV2`, `Slice`, `Reshape` and
 * `Transpose` but no filter gradient (the wasm backend of TensorFlow.js 4.22): one matrix product
 * (XNNPACK's fully-connected operator on wasm) per chunk of the image, fed by shifted copies of
 * whole rows.
 *
 * Derivation (NHWC, zero padding `top`/`left`, strides `sh`/`sw`, no dilation):
 *
 *   y[b, i, j, o]   = Σ_{p,q,c} xp[b, i·sh + p, j·sw + q, c] · W[p, q, c, o]
 *   dW[p, q, c, o]  = Σ_{b,i,j}  xp[b, i·sh + p, j·sw + q, c] · dy[b, i, j, o]
 *
 * where `xp` is `x` padded by `top`/`left` in front. Write `p = a·sh + r`, `q = a'·sw + r'`
 * (`0 ≤ r < sh`, `0 ≤ r' < sw`); then `xp[b, (i + a)·sh + r, (j + a')·sw + r', c]` is the pixel
 * `(i + a, j + a')` of the phase image `X_{r,r'}[b, h, w, c] = xp[b, h·sh + r, w·sw + r', c]`, of
 * `Hq × Wq` pixels with `Hq = OH + ⌊(KH − 1)/sh⌋`, `Wq = OW + ⌊(KW − 1)/sw⌋` (`xp` is padded or cut
 * at the bottom/right to `Hq·sh × Wq·sw` first). Number the pixels of the `B` phase images
 * `n = (b·Hq + h)·Wq + w` (`L = B·Hq·Wq` in all), let `dyP[n, o]` be `dy[b, h, w, o]` for
 * `h < OH, w < OW` and 0 elsewhere, and `s = a·Wq + a'`. Then
 *
 *   dW[p, q, c, o] = Σ_n X_{r,r'}[c, n + s] · dyP[n, o]            (n + s < L)
 *
 * because every `n` with a non-zero `dyP[n]` has `h + a < Hq` and `w + a' < Wq`, so `n + s` is the
 * pixel `(h + a, w + a')` of the same image. That is the matrix product `A · dyP` with
 * `A[(p, q, c), n] = X_{r,r'}[c, n + s]`: each row of `A` is a row of the transposed phase images
 * `[sw, sh, C, L]` shifted left by `s`, so `A` is built from `KH·KW·C` long contiguous copies, and
 * its row order `(p, q, c)` makes `A · dyP` the filter `[KH, KW, C, O]` itself. The columns `n` are
 * split into chunks of at most `CHUNK_FLOATS / (KH·KW·C)`, one product each, summed in float32
 * (the sum over `n` is associative up to rounding), so `A` never needs more than ~16 MB.
 * Entries of `A` whose `dyP` is a padding zero hold some other pixel of `x`, so a non-finite `x`
 * can give NaN where the definition gives ±Infinity; finite inputs give the definition's sum.
 * SAME/VALID/explicit padding and the rounding mode only change `top`, `left`, `OH` and `OW`, all
 * taken from `computeConv2DInfo`. NCHW inputs are transposed to NHWC first.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { allocate, view } from '../kernels/access.js';
import { runBackendKernel, Scratch } from './kernelTools.js';

/** The most floats one chunk of `A` holds (16 MB): bounds the kernel's scratch memory. */
export const CHUNK_FLOATS = 1 << 22;

/** Makes the kernel function for `backendName`, built on that backend's own kernels. */
export function makeConv2DBackpropFilter(backendName: string, chunkFloats = CHUNK_FLOATS): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as KernelBackend;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const scratch = new Scratch(b);
    const run = (name: string, ins: Record<string, TensorInfo>, at: NamedAttrMap = {}): TensorInfo =>
      scratch.keep(runBackendKernel(backendName, name, b, ins, at));
    try {
      let x = inputs.x as TensorInfo;
      let dy = inputs.dy as TensorInfo;
      if (dataFormat === 'NCHW') {
        x = run('Transpose', { x }, { perm: [0, 2, 3, 1] });
        dy = run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
      }
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const [B, H, W, C] = x.shape;
      const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW } = info;
      const O = filterShape[3];
      const { top, left } = info.padInfo;
      const Hq = OH + Math.floor((KH - 1) / sh);
      const Wq = OW + Math.floor((KW - 1) / sw);
      // xp: padded in front, padded or cut at the back to exactly Hq·sh × Wq·sw.
      const padBottom = Math.max(0, Hq * sh - top - H);
      const padRight = Math.max(0, Wq * sw - left - W);
      if (top > 0 || left > 0 || padBottom > 0 || padRight > 0) {
        x = run('PadV2', { x }, { paddings: [[0, 0], [top, padBottom], [left, padRight], [0, 0]], constantValue: 0 });
      }
      if (x.shape[1] !== Hq * sh || x.shape[2] !== Wq * sw) {
        x = run('Slice', { x }, { begin: [0, 0, 0, 0], size: [B, Hq * sh, Wq * sw, C] });
      }
      // The transposed phase images [sw, sh, C, B, Hq, Wq] (row (r'·sh + r)·C + c, of length L),
      // by two transposes of rank ≤ 4 (the wasm backend's rank-5 and -6 transposes are ~40× slower).
      const x4 = run('Reshape', { x }, { shape: [B * Hq, sh, Wq * sw, C] });
      let phases = run('Transpose', { x: x4 }, { perm: [1, 3, 0, 2] }); // [sh, C, B·Hq, Wq·sw]
      if (sw > 1) {
        const x3 = run('Reshape', { x: phases }, { shape: [sh * C * B * Hq, Wq, sw] });
        phases = run('Transpose', { x: x3 }, { perm: [2, 0, 1] });
      }
      const L = B * Hq * Wq;
      const rows = KH * KW * C;
      const shifts: Array<{ from: number; s: number }> = [];
      for (let p = 0; p < KH; p++) {
        for (let q = 0; q < KW; q++) {
          const s = Math.floor(p / sh) * Wq + Math.floor(q / sw);
          for (let c = 0; c < C; c++) shifts.push({ from: (((q % sw) * sh + (p % sh)) * C + c) * L, s });
        }
      }
      const dW = new Float32Array(rows * O);
      const cols = Math.max(1, Math.floor(chunkFloats / rows));
      for (let n0 = 0; n0 < L; n0 += cols) {
        const n1 = Math.min(L, n0 + cols);
        addChunkProduct(backendName, b, { phases, dy, shifts, dW }, { n0, n1, L, Hq, Wq, OH, OW, O });
      }
      return { dataId: b.write(dW, filterShape, 'float32'), shape: [...filterShape], dtype: 'float32' };
    } finally {
      scratch.free();
    }
  };
}

interface Geometry {
  n0: number;
  n1: number;
  L: number;
  Hq: number;
  Wq: number;
  OH: number;
  OW: number;
  O: number;
}

/** dW += A[:, n0:n1] · dyP[n0:n1, :], with both chunks written straight into fresh tensors. */
function addChunkProduct(
  backendName: string,
  b: KernelBackend,
  t: { phases: TensorInfo; dy: TensorInfo; shifts: Array<{ from: number; s: number }>; dW: Float32Array },
  g: Geometry,
): void {
  const { n0, n1, L, Wq, OH, OW, O } = g;
  const m = n1 - n0;
  const rows = t.shifts.length;
  const scratch = new Scratch(b);
  try {
    // Allocate first: growing the wasm heap detaches views taken before.
    const { infos, views } = allocate(b, [[rows, m], [m, O]]);
    scratch.keep(infos[0]);
    scratch.keep(infos[1]);
    const [A, dyP] = views;
    const xv = view(b, t.phases) as Float32Array;
    const dyv = view(b, t.dy) as Float32Array;
    t.shifts.forEach(({ from, s }, row) => {
      const start = n0 + s;
      const end = Math.min(L, n1 + s);
      const at = row * m;
      if (end > start) A.set(xv.subarray(from + start, from + end), at);
      if (end - start < m) A.fill(0, at + Math.max(0, end - start), at + m);
    });
    // dyP rows n0..n1: dy's rows of OW pixels placed at the start of each Wq-pixel grid row.
    dyP.fill(0);
    const gridRows = g.Hq;
    for (let row = Math.floor(n0 / Wq); row * Wq < n1; row++) {
      const h = row % gridRows;
      if (h >= OH) continue;
      const bIdx = Math.floor(row / gridRows);
      const lo = Math.max(n0, row * Wq);
      const hi = Math.min(n1, row * Wq + OW);
      if (hi <= lo) continue;
      const src = ((bIdx * OH + h) * OW + (lo - row * Wq)) * O;
      dyP.set(dyv.subarray(src, src + (hi - lo) * O), (lo - n0) * O);
    }
    const prod = scratch.keep(
      runBackendKernel(backendName, 'BatchMatMul', b, { a: infos[0], b: infos[1] }, { transposeA: false, transposeB: false }),
    );
    const pv = view(b, prod);
    for (let k = 0; k < t.dW.length; k++) t.dW[k] += pv[k];
  } finally {
    scratch.free();
  }
}
