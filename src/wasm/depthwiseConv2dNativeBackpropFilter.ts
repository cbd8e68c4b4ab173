/**
 * `DepthwiseConv2dNativeBackpropFilter` in JavaScript over the backend's tensor memory (missing
 * from the wasm backend of TensorFlow.js 4.22).
 *
 * From the forward pass (see depthwiseConv2dNativeBackpropInput.ts),
 *
 *   dW[p, q, c, m] = Σ_{b,i,j} x[b, i·sh + p·dh − top, j·sw + q·dw − left, c] · dy[b, i, j, c·M + m]
 *
 * summed over the output positions whose tap lies inside the image. Cost O(B·OH·OW·KH·KW·C·M).
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from './kernelTools.js';

/** The kernel function; it needs only `readSync` and `write` from the backend. */
export const depthwiseConv2dNativeBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as KernelBackend;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [B, H, W, C] = x.shape;
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: KH, filterWidth: KW, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const M = filterShape[3];
  const CM = C * M;
  const xv = readFloats(b, x);
  const dyv = readFloats(b, dy);
  const dW = new Float32Array(KH * KW * CM);
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
            const xBase = ((n * H + h) * W + w) * C;
            const fBase = (p * KW + q) * CM;
            for (let k = 0; k < CM; k++) dW[fBase + k] += xv[xBase + ((k / M) | 0)] * dyv[dyBase + k];
          }
        }
      }
    }
  }
  return { dataId: b.write(dW, filterShape, 'float32'), shape: filterShape, dtype: 'float32' };
};
