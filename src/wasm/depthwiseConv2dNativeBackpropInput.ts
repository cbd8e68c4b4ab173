/**
 * `DepthwiseConv2dNativeBackpropInput` in JavaScript over the backend's tensor memory (the wasm
 * backend of TensorFlow.js 4.22 has none, so `depthwiseConv2d` and `separableConv2d` cannot train).
 *
 * With filter `W[p, q, c, m]` (channel multiplier `M`), strides `sh, sw`, dilations `dh, dw` and
 * front padding `top, left`, the forward pass is
 *
 *   y[b, i, j, c·M + m] = Σ_{p,q} x[b, i·sh + p·dh − top, j·sw + q·dw − left, c] · W[p, q, c, m]
 *
 * (terms outside the image are zero), so each output gradient is scattered back along the same
 * index map: dx[b, i·sh + p·dh − top, j·sw + q·dw − left, c] += dy[b, i, j, c·M + m] · W[p, q, c, m].
 * Cost O(B·OH·OW·KH·KW·C·M), the cost of the forward pass.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from './kernelTools.js';

/** The kernel function; it needs only `readSync` and `write` from the backend. */
export const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as KernelBackend;
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [B, H, W, C] = inputShape;
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: KH, filterWidth: KW, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const M = filter.shape[3];
  const CM = C * M;
  const dyv = readFloats(b, dy);
  const fv = readFloats(b, filter);
  const dx = new Float32Array(B * H * W * C);
  for (let n = 0; n < B; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        const dyBase = ((n * OH + i) * OW + j) * CM;
        for (let p = 0; p < KH; p++) {
          const h = i * sh + p * dh - top;
          if (h < 0 || h >= H) continue;
          for (let q = 0; q < KW; q++) {
            const w = j * sw + q * dw - left;
            if (w < 0 || w >= W) continue;
            const dxBase = ((n * H + h) * W + w) * C;
            const fBase = (p * KW + q) * CM;
            for (let k = 0; k < CM; k++) dx[dxBase + ((k / M) | 0)] += dyv[dyBase + k] * fv[fBase + k];
          }
        }
      }
    }
  }
  return { dataId: b.write(dx, inputShape, 'float32'), shape: inputShape, dtype: 'float32' };
};
