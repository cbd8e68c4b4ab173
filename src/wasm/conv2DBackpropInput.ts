/**
 * `Conv2DBackpropInput` through the backend's own `Conv2D` (XNNPACK on wasm), replacing the wasm
 * backend's own kernel, which is several times slower than its forward convolution and took ~45 %
 * of a profiled U-Net training step (bench/wasmTraining.mjs's network). Same results, computed
 * differently.
 *
 * Derivation (NHWC, front padding `top`/`left`, strides `sh`/`sw`): from
 * `y[b,i,j,o] = Σ_{p,q,c} x[b, i·sh + p − top, j·sw + q − left, c]·W[p,q,c,o]`,
 *
 *   dx[b,h,w,c] = Σ_{p,q,o} dyd[b, h + top − p, w + left − q, o]·W[p,q,c,o]
 *
 * where `dyd` is `dy` with `sh − 1` (`sw − 1`) zero rows (columns) inserted after each row
 * (column), i.e. `dyd[b, i·sh, j·sw, o] = dy[b,i,j,o]` and 0 elsewhere. With `p' = KH − 1 − p`,
 * `q' = KW − 1 − q` and the flipped, channel-swapped filter `Wf[p',q',o,c] = W[KH−1−p', KW−1−q', c, o]`:
 *
 *   dx[b,h,w,c] = Σ_{p',q',o} dyd[b, h − (KH − 1 − top) + p', w − (KW − 1 − left) + q', o]·Wf[p',q',o,c]
 *
 * a VALID stride-1 convolution of `dyd` padded by `KH − 1 − top` rows in front (cut if negative) and
 * extended with zeros at the back to `H + KH − 1` rows (likewise columns). The zero insertion
 * (reshape to `[B, OH, 1, OW, 1, C]`, pad, reshape) multiplies the work by `sh·sw`, which XNNPACK
 * still does faster than the backend's own loop. Filters that tile the input exactly (`KH = sh`,
 * `KW = sw`: the 2×2 stride-2 transposed convolutions of a U-Net decoder) skip the zeros and take
 * one matrix product instead (`tiledInputGradient` below).
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { runBackendKernel, Scratch } from './kernelTools.js';

/** Makes the kernel function for `backendName`, built on that backend's own kernels. */
export function makeConv2DBackpropInput(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as KernelBackend;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const scratch = new Scratch(b);
    const run = (name: string, ins: Record<string, TensorInfo>, at: NamedAttrMap = {}): TensorInfo =>
      scratch.keep(runBackendKernel(backendName, name, b, ins, at));
    try {
      let dy = inputs.dy as TensorInfo;
      const filter = inputs.filter as TensorInfo;
      const nchw = dataFormat === 'NCHW';
      const xShape = (nchw ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape) as [
        number,
        number,
        number,
        number,
      ];
      if (nchw) dy = run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
      const info = backend_util.computeConv2DInfo(
        xShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const [B, H, W] = xShape;
      const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW } = info;
      const CO = filter.shape[3];
      const { top, left } = info.padInfo;
      if (KH === sh && KW === sw && top < OH * KH && left < OW * KW) {
        // Windows that tile the input (e.g. a 2×2 stride-2 transposed conv): one product, no zeros.
        const dx = tiledInputGradient(run, dy, filter, info);
        return runBackendKernel(backendName, nchw ? 'Transpose' : 'Reshape', b, { x: dx }, nchw ? { perm: [0, 3, 1, 2] } : { shape: xShape });
      }
      // Zero insertion: [B, OH, OW, CO] → [B, OH·sh, OW·sw, CO] with dy at multiples of the stride.
      let rows = OH;
      let cols = OW;
      if (sh > 1 || sw > 1) {
        const r6 = run('Reshape', { x: dy }, { shape: [B, OH, 1, OW, 1, CO] });
        const p6 = run('PadV2', { x: r6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
        rows = OH * sh;
        cols = OW * sw;
        dy = run('Reshape', { x: p6 }, { shape: [B, rows, cols, CO] });
      }
      // Front: KH − 1 − top rows of zeros (or cut); back: up to H + KH − 1 rows in all.
      const front = KH - 1 - top;
      const frontW = KW - 1 - left;
      const cutTop = Math.max(0, -front);
      const cutLeft = Math.max(0, -frontW);
      const padTop = Math.max(0, front);
      const padLeft = Math.max(0, frontW);
      const needH = H + KH - 1;
      const needW = W + KW - 1;
      const padBottom = Math.max(0, needH - (padTop + rows - cutTop));
      const padRight = Math.max(0, needW - (padLeft + cols - cutLeft));
      if (cutTop > 0 || cutLeft > 0) {
        dy = run('Slice', { x: dy }, { begin: [0, cutTop, cutLeft, 0], size: [B, rows - cutTop, cols - cutLeft, CO] });
      }
      if (padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0) {
        dy = run('PadV2', { x: dy }, { paddings: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], constantValue: 0 });
      }
      if (dy.shape[1] !== needH || dy.shape[2] !== needW) {
        dy = run('Slice', { x: dy }, { begin: [0, 0, 0, 0], size: [B, needH, needW, CO] });
      }
      const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
      const wf = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      const convAttrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
      if (!nchw) return runBackendKernel(backendName, 'Conv2D', b, { x: dy, filter: wf }, convAttrs);
      const dx = run('Conv2D', { x: dy, filter: wf }, convAttrs);
      return runBackendKernel(backendName, 'Transpose', b, { x: dx }, { perm: [0, 3, 1, 2] });
    } finally {
      scratch.free();
    }
  };
}

/**
 * dx when each input pixel lies in exactly one window (`KH = sh`, `KW = sw`, no dilation): then
 * `dx[b, i·sh + p − top, j·sw + q − left, c] = Σ_o dy[b, i, j, o]·W[p, q, c, o]`, the product
 * `dy [B·OH·OW, O] · Wᵀ [O, KH·KW·C]` whose rows `[KH, KW, C]` are rearranged into the
 * `[B, OH·KH, OW·KW, C]` grid (one rank-4 transpose), cut by `top`/`left` in front and cut or
 * zero-padded at the back to `H × W`. `KH·KW/(sh·sw)` = 1 of the zero-insertion path's work.
 */
function tiledInputGradient(
  run: (name: string, ins: Record<string, TensorInfo>, at?: NamedAttrMap) => TensorInfo,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, outChannels: O } = info;
  const { top, left } = info.padInfo;
  const w2 = run('Reshape', { x: filter }, { shape: [KH * KW * C, O] });
  const wT = run('Transpose', { x: w2 }, { perm: [1, 0] });
  const a = run('Reshape', { x: dy }, { shape: [B * OH * OW, O] });
  const rows = run('BatchMatMul', { a, b: wT }, { transposeA: false, transposeB: false });
  const r4 = run('Reshape', { x: rows }, { shape: [B * OH, OW, KH, KW * C] });
  const grid = run('Transpose', { x: r4 }, { perm: [0, 2, 1, 3] }); // [B·OH, KH, OW, KW·C]
  let dx = run('Reshape', { x: grid }, { shape: [B, OH * KH, OW * KW, C] });
  const keepH = Math.min(H, OH * KH - top);
  const keepW = Math.min(W, OW * KW - left);
  if (top > 0 || left > 0 || keepH < OH * KH || keepW < OW * KW) {
    dx = run('Slice', { x: dx }, { begin: [0, top, left, 0], size: [B, keepH, keepW, C] });
  }
  if (keepH < H || keepW < W) {
    dx = run('PadV2', { x: dx }, { paddings: [[0, 0], [0, H - keepH], [0, W - keepW], [0, 0]], constantValue: 0 });
  }
  return dx;
}
