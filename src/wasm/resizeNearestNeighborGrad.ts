/**
 * `ResizeNearestNeighborGrad` that honours `halfPixelCenters`. The wasm backend of TensorFlow.js
 * 4.22 reads only `alignCorners`; with `halfPixelCenters: true` and a non-integer scale its gradient
 * sends `dy` to other pixels than the forward pass read. Without it (the tfjs-layers
 * `UpSampling2D` default) the backend's own kernel is right and is used; with it this JavaScript
 * transpose of the forward read is: dx[b, src_r, src_c, ch] += dy[b, r, c, ch], with `src` from
 * `nearestAxis` (resizeGrads.ts).
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from './kernelTools.js';
import { nearestAxis } from './resizeGrads.js';

/** Makes the kernel function, delegating to `backendName`'s own kernel where that one is right. */
export function makeResizeNearestNeighborGrad(backendName: string): KernelFunc {
  const own = getKernel('ResizeNearestNeighborGrad', backendName)?.kernelFunc;
  return (args) => {
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeNearestNeighborGradAttrs & {
      halfPixelCenters?: boolean;
    };
    if (!halfPixelCenters && own != null) return own(args);
    const b = args.backend as KernelBackend;
    const images = args.inputs.images as TensorInfo;
    const dy = args.inputs.dy as TensorInfo;
    const [B, H, W, C] = images.shape;
    const [, OH, OW] = dy.shape;
    const rows = nearestAxis(H, OH, alignCorners, !!halfPixelCenters);
    const cols = nearestAxis(W, OW, alignCorners, !!halfPixelCenters);
    const dyv = readFloats(b, dy);
    const dx = new Float32Array(B * H * W * C);
    let k = 0;
    for (let n = 0; n < B; n++) {
      for (let r = 0; r < OH; r++) {
        const row = (n * H + rows[r]) * W;
        for (let c = 0; c < OW; c++) {
          const at = (row + cols[c]) * C;
          for (let ch = 0; ch < C; ch++, k++) dx[at + ch] += dyv[k];
        }
      }
    }
    return { dataId: b.write(dx, images.shape, 'float32'), shape: images.shape, dtype: 'float32' };
  };
}
