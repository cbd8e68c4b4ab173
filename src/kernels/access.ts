/**
 * Direct access to the memory of the `cpu` and `wasm` backends, for the fused kernels: a typed-array
 * view of a tensor's own storage (no copy) and freshly allocated outputs. Anything else returns
 * null, and the caller keeps the composite path.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** Storage a fused kernel can loop over. */
export type NumericArray = Float32Array | Int32Array | Uint8Array;

interface CpuLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values?: unknown): TensorInfo;
}

interface WasmLike {
  typedArrayFromHeap(info: TensorInfo): NumericArray;
  makeOutput(shape: number[], dtype: string): TensorInfo;
}

/** The backends whose memory the fused kernels read and write directly. */
export const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

function isWasm(backend: KernelBackend): boolean {
  return typeof (backend as unknown as WasmLike).typedArrayFromHeap === 'function';
}

/** Whether `backend` keeps tensors in JavaScript arrays (the `cpu` backend). */
export function isCpu(backend: KernelBackend): boolean {
  return !isWasm(backend);
}

/** A view of `info`'s storage on `backend` (no copy). */
export function view(backend: KernelBackend, info: TensorInfo): NumericArray {
  if (isWasm(backend)) return (backend as unknown as WasmLike).typedArrayFromHeap(info);
  const values = (backend as unknown as CpuLike).data.get(info.dataId)?.values;
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) return values;
  // Values stored as a plain array (rare): reading through the backend is still correct.
  return Float32Array.from(backend.readSync(info.dataId) as ArrayLike<number>);
}

/**
 * Allocates float32 outputs of the given shapes on `backend` and returns them with writable
 * views. On wasm, the views are taken after every allocation, since growing the heap detaches
 * earlier views — so callers must take their input views after calling this.
 */
export function allocate(backend: KernelBackend, shapes: number[][]): { infos: TensorInfo[]; views: Float32Array[] } {
  if (isWasm(backend)) {
    const wasm = backend as unknown as WasmLike;
    const infos = shapes.map((shape) => wasm.makeOutput(shape, 'float32'));
    return { infos, views: infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array) };
  }
  const cpu = backend as unknown as CpuLike;
  const views = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  return { infos: shapes.map((shape, i) => cpu.makeTensorInfo(shape, 'float32', views[i])), views };
}

/** Whether `backend` looks like one whose storage `view` and `allocate` understand. */
export function supportsDirectAccess(backend: KernelBackend): boolean {
  if (isWasm(backend)) return typeof (backend as unknown as WasmLike).makeOutput === 'function';
  const cpu = backend as unknown as Partial<CpuLike>;
  return typeof cpu.makeTensorInfo === 'function' && typeof cpu.data?.get === 'function';
}
