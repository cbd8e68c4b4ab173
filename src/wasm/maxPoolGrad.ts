/**
 * `MaxPoolGrad` computed in JavaScript over the backend's tensor memory.
 *
 * The wasm backend of TensorFlow.js 4.22 sends the gradient of every window whose maximum is ≤ 0
 * to the window's first element (see docs/wasm-training.md for a reproduction), so after batch norm
 * or any layer with negative outputs its max-pool gradients are wrong. The gradient of max pooling routes
 * each output gradient `dy[b, i, j, c]` to the position of its window's maximum:
 *
 *   dx[b, h, w, c] = Σ_{(i, j) : argmax(window(i, j)) = (h, w)} dy[b, i, j, c]
 *
 * where a window covers the rows `i·sh − top + [0, KH)` and columns `j·sw − left + [0, KW)` that
 * lie inside the image (padding never wins), and the argmax is the FIRST maximum in row-major
 * order (a strictly-greater scan from −∞), which is what the cpu backend does; NaN never wins.
 * One pass over the outputs, `KH·KW` reads each: O(B·OH·OW·C·KH·KW), the cost of the forward pass.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from './kernelTools.js';

/** The kernel function; it needs only `readSync` and `write` from the backend. */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as KernelBackend;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const x = inputs.input as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [B, H, W, C] = x.shape;
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const xv = readFloats(b, x);
  const dyv = readFloats(b, dy);
  const dx = new Float32Array(B * H * W * C);
  const rowX = W * C;
  for (let n = 0; n < B; n++) {
    const baseX = n * H * rowX;
    for (let i = 0; i < OH; i++) {
      const h0 = Math.max(0, i * sh - top);
      const h1 = Math.min(H, i * sh - top + KH);
      for (let j = 0; j < OW; j++) {
        const w0 = Math.max(0, j * sw - left);
        const w1 = Math.min(W, j * sw - left + KW);
        const baseDy = ((n * OH + i) * OW + j) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const k = baseX + h * rowX + w * C + c;
              if (xv[k] > best) {
                best = xv[k];
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] += dyv[baseDy + c];
        }
      }
    }
  }
  return { dataId: b.write(dx, x.shape, 'float32'), shape: x.shape, dtype: 'float32' };
};
