/**
 * `ResizeBilinearGrad` that honours `halfPixelCenters`. The wasm backend of TensorFlow.js 4.22
 * reads only `alignCorners`, so with `halfPixelCenters: true` its gradient belongs to a different
 * resize than the forward pass. Without it (the tfjs-layers `UpSampling2D` default) the backend's
 * own kernel is right and is used; with it this JavaScript transpose of the forward read is:
 *
 *   dx[b, lo_r, lo_c, ch] += (1 − fr)(1 − fc)·dy,  dx[b, lo_r, hi_c, ch] += (1 − fr)·fc·dy,
 *   dx[b, hi_r, lo_c, ch] += fr·(1 − fc)·dy,       dx[b, hi_r, hi_c, ch] += fr·fc·dy
 *
 * for every `dy = dy[b, r, c, ch]`, with `lo, hi, f` from `bilinearAxis` (resizeGrads.ts).
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, ResizeBilinearGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from './kernelTools.js';
import { bilinearAxis } from './resizeGrads.js';

/** Makes the kernel function, delegating to `backendName`'s own kernel where that one is right. */
export function makeResizeBilinearGrad(backendName: string): KernelFunc {
  const own = getKernel('ResizeBilinearGrad', backendName)?.kernelFunc;
  return (args) => {
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeBilinearGradAttrs & { halfPixelCenters?: boolean };
    if (!halfPixelCenters && own != null) return own(args);
    const b = args.backend as KernelBackend;
    const images = args.inputs.images as TensorInfo;
    const dy = args.inputs.dy as TensorInfo;
    const [B, H, W, C] = images.shape;
    const [, OH, OW] = dy.shape;
    const rows = bilinearAxis(H, OH, alignCorners, !!halfPixelCenters);
    const cols = bilinearAxis(W, OW, alignCorners, !!halfPixelCenters);
    const dyv = readFloats(b, dy);
    const dx = new Float32Array(B * H * W * C);
    let k = 0;
    for (let n = 0; n < B; n++) {
      for (let r = 0; r < OH; r++) {
        const fr = rows.frac[r];
        const top = (n * H + rows.lo[r]) * W;
        const bottom = (n * H + rows.hi[r]) * W;
        for (let c = 0; c < OW; c++) {
          const fc = cols.frac[c];
          const tl = (top + cols.lo[c]) * C;
          const tr = (top + cols.hi[c]) * C;
          const bl = (bottom + cols.lo[c]) * C;
          const br = (bottom + cols.hi[c]) * C;
          for (let ch = 0; ch < C; ch++, k++) {
            const g = dyv[k];
            dx[tl + ch] += (1 - fr) * (1 - fc) * g;
            dx[tr + ch] += (1 - fr) * fc * g;
            dx[bl + ch] += fr * (1 - fc) * g;
            dx[br + ch] += fr * fc * g;
          }
        }
      }
    }
    return { dataId: b.write(dx, images.shape, 'float32'), shape: images.shape, dtype: 'float32' };
  };
}
