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
 * still does faster than the backend's own loop.
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
