/**
 * Small helpers shared by the training kernels that `enableWasmTraining()` adds to the wasm
 * backend. They work on `TensorInfo`s (not tensors): a kernel function runs below the engine's
 * tensor layer, so every intermediate it makes is freed here with `backend.disposeData`.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The function name every message of this module starts with. */
export const FN = 'enableWasmTraining';

/**
 * Runs the kernel `name` that `backendName` has registered (one of the backend's own kernels,
 * e.g. the wasm `Conv2D`) on `inputs`, and returns its single output.
 */
export function runBackendKernel(
  backendName: string,
  name: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, backendName);
  if (kernel == null) {
    throw new Error(`${FN}: the '${backendName}' backend must register the '${name}' kernel, got none.`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? out[0] : out;
}

/**
 * Collects the intermediates one kernel call makes, so that `free()` in a `finally` releases
 * them all whatever happens in between.
 */
export class Scratch {
  private readonly infos: TensorInfo[] = [];
  constructor(private readonly backend: KernelBackend) {}

  /** Remembers `info` for `free()` and returns it. */
  keep(info: TensorInfo): TensorInfo {
    this.infos.push(info);
    return info;
  }

  /** Releases every remembered intermediate (never keep the kernel's own output). */
  free(): void {
    for (const info of this.infos) this.backend.disposeData(info.dataId);
    this.infos.length = 0;
  }
}

/** Reads a float tensor's values as a Float32Array (a copy on wasm). */
export function readFloats(backend: KernelBackend, info: TensorInfo): Float32Array {
  const values = backend.readSync(info.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

/** Below this many elements a plain loop copies faster than `subarray` + `set` (measured on wasm). */
const SHORT_RUN = 64;

/** Copies `src[from, from + length)` to `dst[to, …)`: both may be views of the same wasm heap. */
export function copyRun(src: Float32Array, from: number, dst: Float32Array, to: number, length: number): void {
  if (length >= SHORT_RUN) {
    dst.set(src.subarray(from, from + length), to);
  } else {
    for (let k = 0; k < length; k++) dst[to + k] = src[from + k];
  }
}
