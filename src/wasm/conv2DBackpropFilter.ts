/**
 * `Conv2DBackpropFilter` for a backend that has `Conv2D`, `PadV2`, `Slice` and `Transpose` but
 * no filter gradient (the wasm backend of TensorFlow.js 4.22).
 *
 * Derivation (NHWC, zero padding `top`/`left`, strides `sh`/`sw`, no dilation):
 *
 *   y[b, i, j, o]   = Σ_{p,q,c} xp[b, i·sh + p, j·sw + q, c] · W[p, q, c, o]
 *   dW[p, q, c, o]  = Σ_{b,i,j}  xp[b, i·sh + p, j·sw + q, c] · dy[b, i, j, o]
 *
 * where `xp` is `x` padded by `top`/`left` in front. Rename the axes: let
 * `X'[c, h, w, b] = xp[b, h, w, c]` (a batch of `C_in` images with `B` channels) and
 * `F'[i, j, b, o] = dy[b, i, j, o]` (an `OH × OW` filter from `B` to `C_out` channels). Then
 *
 *   dW'[c, p, q, o] = Σ_{i,j,b} X'[c, p + i·sh, q + j·sw, b] · F'[i, j, b, o]
 *
 * is exactly a VALID convolution of `X'` with `F'` at stride 1 and dilation `(sh, sw)`, and
 * `dW = transpose(dW', [1, 2, 0, 3])`. Its output height is `Hp − (OH − 1)·sh`, so `xp` is cut
 * (or zero-extended) at the bottom/right to `Hp = (OH − 1)·sh + KH` rows (and likewise columns),
 * which makes the output exactly `KH × KW`. SAME/VALID/explicit padding and the rounding mode
 * only change `top`, `left` and `OH`, `OW`, all taken from `computeConv2DInfo`.
 * NCHW inputs are transposed to NHWC first.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { runBackendKernel, Scratch } from './kernelTools.js';

/** Makes the kernel function for `backendName`, built on that backend's own kernels. */
export function makeConv2DBackpropFilter(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as KernelBackend;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const run = (name: string, ins: Record<string, TensorInfo>, at: NamedAttrMap = {}): TensorInfo =>
      scratch.keep(runBackendKernel(backendName, name, b, ins, at));
    const scratch = new Scratch(b);
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
      const { top, left } = info.padInfo;
      const needH = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
      const needW = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
      const padBottom = Math.max(0, needH - top - H);
      const padRight = Math.max(0, needW - left - W);
      if (top > 0 || left > 0 || padBottom > 0 || padRight > 0) {
        const paddings = [[0, 0], [top, padBottom], [left, padRight], [0, 0]];
        x = run('PadV2', { x }, { paddings, constantValue: 0 });
      }
      if (x.shape[1] !== needH || x.shape[2] !== needW) {
        x = run('Slice', { x }, { begin: [0, 0, 0, 0], size: [B, needH, needW, C] });
      }
      const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const dWT = run(
        'Conv2D',
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [info.strideHeight, info.strideWidth],
        },
      );
      return runBackendKernel(backendName, 'Transpose', b, { x: dWT }, { perm: [1, 2, 0, 3] });
    } finally {
      scratch.free();
    }
  };
}
