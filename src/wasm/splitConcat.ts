/**
 * `SplitV` and `Concat` for float32 tensors as block copies over the backend's memory; other
 * dtypes, empty pieces and a backend without direct memory access go to the backend's own kernels.
 * Same results, computed differently: the wasm backend's own kernels copy each block with a
 * `subarray` + `set` (plus, for `SplitV`, a full copy of the input per piece), which made the
 * gradient of the U-Net decoder's skip concatenation (`SplitV` of `[8, 128, 128, 32]` into two
 * 16-channel halves: 262 144 blocks of 16 floats) cost more than the convolution next to it.
 *
 * Seen as `[outer, size_along_axis · inner]`, with `inner` the product of the axes after `axis`,
 * row `o` of the whole is the concatenation of row `o` of every piece, piece `k` contributing
 * `sizes[k] · inner` contiguous elements. Both kernels walk those rows once: O(elements).
 */
import { backend_util, getKernel, util } from '@tensorflow/tfjs-core';
import type { ConcatAttrs, KernelBackend, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, supportsDirectAccess, view } from '../kernels/access.js';
import { copyRun, FN } from './kernelTools.js';

function ownKernel(name: string, backendName: string): KernelFunc {
  const own = getKernel(name, backendName)?.kernelFunc;
  if (own == null) throw new Error(`${FN}: the '${backendName}' backend must register the '${name}' kernel, got none.`);
  return own;
}

const product = (dims: number[]): number => dims.reduce((a, d) => a * d, 1);

/**
 * Copies between the whole `[outer, Σ sizes · inner]` and its pieces `[outer, sizes[k] · inner]`:
 * `toPieces` splits, otherwise it concatenates.
 */
function copyPieces(whole: Float32Array, pieces: Float32Array[], outer: number, runs: number[], toPieces: boolean): void {
  const row = runs.reduce((a, r) => a + r, 0);
  for (let o = 0; o < outer; o++) {
    let at = o * row;
    for (let k = 0; k < pieces.length; k++) {
      const n = runs[k];
      if (toPieces) copyRun(whole, at, pieces[k], o * n, n);
      else copyRun(pieces[k], o * n, whole, at, n);
      at += n;
    }
  }
}

/** Makes `SplitV` for `backendName`, delegating what it does not cover to the backend's own kernel. */
export function makeSplitV(backendName: string): KernelFunc {
  const own = ownKernel('SplitV', backendName);
  return (args) => {
    const b = args.backend as KernelBackend;
    const x = args.inputs.x as TensorInfo;
    const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
    const ax = util.parseAxisParam(axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, ax);
    if (x.dtype !== 'float32' || sizes.some((s) => s === 0) || product(x.shape) === 0 || !supportsDirectAccess(b)) {
      return own(args);
    }
    const inner = product(x.shape.slice(ax + 1));
    const shapes = sizes.map((s) => x.shape.map((d, i) => (i === ax ? s : d)));
    const { infos, views } = allocate(b, shapes); // before the input's view: allocating may move the heap
    copyPieces(view(b, x) as Float32Array, views, product(x.shape.slice(0, ax)), sizes.map((s) => s * inner), true);
    return infos;
  };
}

/** Makes `Concat` for `backendName`, delegating what it does not cover to the backend's own kernel. */
export function makeConcat(backendName: string): KernelFunc {
  const own = ownKernel('Concat', backendName);
  return (args) => {
    const b = args.backend as KernelBackend;
    const xs = Object.values(args.inputs) as TensorInfo[]; // an array, or an object keyed 0, 1, …
    const { axis } = args.attrs as unknown as ConcatAttrs;
    if (xs.length < 2 || xs.some((t) => t.dtype !== 'float32' || product(t.shape) === 0) || !supportsDirectAccess(b)) {
      return own(args);
    }
    const ax = util.parseAxisParam(axis, xs[0].shape)[0];
    backend_util.assertParamsConsistent(xs.map((t) => t.shape), ax);
    const outShape = backend_util.computeOutShape(xs.map((t) => t.shape), ax);
    const inner = product(outShape.slice(ax + 1));
    const { infos, views } = allocate(b, [outShape]);
    const pieces = xs.map((t) => view(b, t) as Float32Array);
    copyPieces(views[0], pieces, product(outShape.slice(0, ax)), xs.map((t) => t.shape[ax] * inner), false);
    return infos[0];
  };
}
