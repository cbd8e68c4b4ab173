/**
 * `Tile` by block copies (`TypedArray.prototype.copyWithin`), for float32 and int32 tensors; other
 * dtypes go to the backend's own kernel. The batch-norm gradient tiles a `[1, 1, 1, C]` tensor to
 * the full activation shape twice per layer, and the wasm backend's own `Tile` made that the
 * largest single cost of a 128×128 U-Net training step (about a third, profiled with
 * bench/wasmTraining.mjs's network). Same results, computed differently.
 *
 * Tiling axis `a` (from the last to the first) of an array seen as `[outer, inner]`, where
 * `inner` is the size of axes `a..` already tiled, repeats each of the `outer` rows `reps[a]`
 * times; each step is one pass of contiguous copies, O(output size) in all.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';

/** Makes the kernel function, delegating other dtypes to `backendName`'s own `Tile`. */
export function makeTile(backendName: string): KernelFunc {
  const own = getKernel('Tile', backendName)?.kernelFunc;
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const { reps } = args.attrs as unknown as TileAttrs;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || reps.length !== x.shape.length) {
      if (own == null) throw new Error(`enableWasmTraining: the '${backendName}' backend has no 'Tile' kernel.`);
      return own(args);
    }
    const b = args.backend as KernelBackend;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const total = outShape.reduce((p, d) => p * d, 1);
    const src = b.readSync(x.dataId) as Float32Array | Int32Array;
    const out = x.dtype === 'float32' ? new Float32Array(total) : new Int32Array(total);
    // `out` holds the array compactly at its front; `inner` = size of the already tiled axes.
    out.set(src);
    let inner = 1;
    for (let a = x.shape.length - 1; a >= 0; a--) {
      const rowIn = inner * x.shape[a];
      const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
      const r = reps[a];
      if (r > 1) {
        const rowOut = rowIn * r;
        // Back to front, so no source row is overwritten before it is copied.
        for (let o = outer - 1; o >= 0; o--) {
          const from = o * rowIn;
          const to = o * rowOut;
          for (let k = r - 1; k >= 0; k--) out.copyWithin(to + k * rowIn, from, from + rowIn);
        }
      }
      inner = rowIn * r;
    }
    return { dataId: b.write(out, outShape, x.dtype), shape: outShape, dtype: x.dtype };
  };
}
