/**
 * The SIMD WebAssembly kernels (`seglossSimd.wat`, compiled at build time by scripts/wasm.mjs)
 * bound to the `wasm` backend's heap, so that the fused kernels loop over tensors in place with
 * 128-bit vectors instead of JavaScript numbers.
 *
 * Compiled once (synchronously: the module is about 5 kB) and instantiated once per heap memory.
 * Wherever that cannot happen — no WebAssembly SIMD in the engine, a backend whose heap is not
 * reachable, {@link setSimdKernels} off — {@link simdKernelsFor} returns null and the fused
 * kernels keep their JavaScript loops, which compute the same sums.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { SIMD_WASM, SIMD_WASM_MEMORY_FLAGS } from './binary.generated.js';
import { isCpu } from '../access.js';

type Ptr = number;

/** The index-label softmax kernels' signatures (both layouts). */
type SoftmaxForward = (
  x: Ptr,
  t: Ptr,
  p: Ptr,
  S: number,
  C: number,
  tIsInt: number,
  hasIgnore: number,
  ignoreIndex: number,
  acc: Ptr,
  w: Ptr,
  alpha: Ptr,
  wantCe: number,
  wantFocal: number,
  gamma: number,
  mode: number,
  ceScale: number,
  smooth: number,
) => void;
type SoftmaxBackward = (
  t: Ptr,
  p: Ptr,
  dx: Ptr,
  S: number,
  C: number,
  tIsInt: number,
  hasIgnore: number,
  ignoreIndex: number,
  g: Ptr,
  usesP: number,
  wantFocal: number,
  gamma: number,
  mode: number,
  ceScale: number,
  smooth: number,
) => void;

/** The exports of seglossSimd.wat (pointers are byte addresses in the heap). */
export interface SimdKernels {
  s0: WebAssembly.Global;
  s1: WebAssembly.Global;
  s2: WebAssembly.Global;
  s3: WebAssembly.Global;
  s4: WebAssembly.Global;
  s5: WebAssembly.Global;
  sigmoidRegion(x: Ptr, t: Ptr, p: Ptr, n: number, hasIgnore: number, ignore: number): void;
  regionProbs(x: Ptr, t: Ptr, n: number, hasIgnore: number, ignore: number): void;
  regionProbsGrad(t: Ptr, dx: Ptr, n: number, gI: number, gP: number, hasIgnore: number, ignore: number): void;
  sigmoidRegionBce(x: Ptr, t: Ptr, p: Ptr, n: number, wPos: number, wNeg: number, smoothing: number, hasIgnore: number, ignore: number): void;
  sigmoidFocal(x: Ptr, t: Ptr, n: number, gamma: number, mode: number, a1: number, a0: number, hasIgnore: number, ignore: number): void;
  sigmoidRegionGrad(t: Ptr, p: Ptr, dx: Ptr, n: number, gI: number, gP: number, gB: number, wPos: number, wNeg: number, smoothing: number, hasIgnore: number, ignore: number): void;
  sigmoidFocalGrad(
    x: Ptr,
    t: Ptr,
    dx: Ptr,
    n: number,
    gI: number,
    gP: number,
    gF: number,
    gamma: number,
    mode: number,
    a1: number,
    a0: number,
    hasIgnore: number,
    ignore: number,
  ): void;
  sigmoidLanes(
    x: Ptr,
    t: Ptr,
    p: Ptr,
    n: number,
    stride: number,
    out: Ptr,
    kind: number,
    wPos: number,
    wNeg: number,
    smoothing: number,
    gamma: number,
    mode: number,
    a1: number,
    a0: number,
    hasIgnore: number,
    ignore: number,
  ): void;
  sigmoidLanesGrad(
    x: Ptr,
    t: Ptr,
    p: Ptr,
    dx: Ptr,
    n: number,
    stride: number,
    coef: Ptr,
    kind: number,
    wPos: number,
    wNeg: number,
    smoothing: number,
    gamma: number,
    mode: number,
    a1: number,
    a0: number,
    hasIgnore: number,
    ignore: number,
  ): void;
  /** Class-index labels, channels last (one pixel at a time, C in chunks of 4). */
  softmaxForward: SoftmaxForward;
  softmaxDenseForward(
    x: Ptr,
    t: Ptr,
    p: Ptr,
    S: number,
    C: number,
    acc: Ptr,
    w: Ptr,
    alpha: Ptr,
    wantCe: number,
    wantFocal: number,
    gamma: number,
    mode: number,
    ceScale: number,
    smooth: number,
  ): void;
  softmaxDenseBackward(t: Ptr, p: Ptr, dx: Ptr, S: number, C: number, g: Ptr, wantFocal: number, gamma: number, mode: number, ceScale: number, smooth: number): void;
  softmaxBackward: SoftmaxBackward;
  /** The same, channels first (four pixels per vector; S a multiple of 4). */
  softmaxCfForward: SoftmaxForward;
  softmaxCfBackward: SoftmaxBackward;
}

/** How the kernels take γ of max(q, 0)^γ: 0, 1 and 2 exactly, any other γ by exp(γ·log q). */
export function gammaMode(gamma: number): number {
  return gamma === 0 ? 0 : gamma === 1 ? 1 : gamma === 2 ? 2 : 3;
}

let enabled = true;

/**
 * Turns the SIMD kernels on or off (on by default) and returns the previous setting. Internal:
 * the tests use it to compare them with the JavaScript loops.
 */
export function setSimdKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/**
 * The module's bytes: as built (importing a bounded memory), or with its memory import made shared
 * (limits flag 0x03), for the threaded wasm backend's heap. Exported for the tests.
 */
export function simdModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const text = atob(SIMD_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  if (shared) bytes[SIMD_WASM_MEMORY_FLAGS] = 0x03;
  return bytes;
}

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

function moduleFor(shared: boolean): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'plain';
  if (compiled[key] === undefined) {
    try {
      compiled[key] = new WebAssembly.Module(simdModuleBytes(shared));
    } catch {
      // No WebAssembly SIMD (or synchronous compilation refused): the JavaScript loops stay.
      compiled[key] = null;
    }
  }
  return compiled[key]!;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

/** The kernels working on `memory`, or null where they cannot run. */
export function simdKernelsOn(memory: WebAssembly.Memory): SimdKernels | null {
  if (!enabled) return null;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = moduleFor(shared);
    try {
      kernels = module ? (new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels) : null;
    } catch {
      kernels = null;
    }
    instances.set(memory, kernels);
  }
  return kernels;
}

interface EmscriptenLike {
  HEAPU8?: Uint8Array;
  wasmMemory?: unknown;
  asm?: Record<string, unknown>;
  wasmExports?: Record<string, unknown>;
}

/** The WebAssembly memory of the `wasm` backend's heap, or null (another backend, or not found). */
function heapMemory(backend: KernelBackend): WebAssembly.Memory | null {
  const module = (backend as unknown as { wasm?: EmscriptenLike }).wasm;
  if (!module?.HEAPU8) return null;
  for (const candidate of [module.wasmMemory, module.asm?.memory, module.wasmExports?.memory]) {
    if (candidate instanceof WebAssembly.Memory && candidate.buffer === module.HEAPU8.buffer) return candidate;
  }
  return null;
}

/** The kernels for the `wasm` backend's tensors, or null. */
export function simdKernelsFor(backend: KernelBackend): SimdKernels | null {
  if (!enabled || typeof WebAssembly === 'undefined') return null;
  const memory = heapMemory(backend);
  return memory ? simdKernelsOn(memory) : null;
}

/**
 * A private WebAssembly memory for backends whose tensors live in JavaScript arrays (`cpu`):
 * inputs are copied in, the SIMD kernels run there, outputs are copied out — still several times
 * faster than the JavaScript loops for the exp-heavy kernels. It grows to the largest call's
 * needs and is kept for the next call.
 */
export class SimdArena {
  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: SimdKernels,
  ) {}

  private static shared: SimdArena | null | undefined;

  /** The process-wide arena, or null where the SIMD kernels cannot run. */
  static get(): SimdArena | null {
    if (!enabled || typeof WebAssembly === 'undefined') return null;
    if (SimdArena.shared === undefined) {
      let memory: WebAssembly.Memory | null = null;
      try {
        memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      } catch {
        // An engine that will not reserve a memory of that maximum: the JavaScript loops stay.
      }
      const kernels = memory ? simdKernelsOn(memory) : null;
      SimdArena.shared = kernels ? new SimdArena(memory!, kernels) : null;
    }
    return SimdArena.shared;
  }

  /**
   * float32 views of fresh 16-byte-aligned regions of the given lengths, each filled from the
   * array given with it (converted to float32) or left as it is. Views from an earlier call are
   * invalid afterwards. Null when the memory cannot grow that far.
   */
  regions(parts: { length: number; from?: ArrayLike<number> }[]): Float32Array[] | null {
    const offsets: number[] = [];
    let end = 0;
    for (const part of parts) {
      offsets.push(end);
      end += Math.ceil(part.length / 4) * 16;
    }
    const pages = Math.ceil(end / 65536) - this.memory.buffer.byteLength / 65536;
    try {
      if (pages > 0) this.memory.grow(pages);
    } catch {
      return null;
    }
    return parts.map((part, i) => {
      const region = new Float32Array(this.memory.buffer, offsets[i], part.length);
      if (part.from) region.set(part.from);
      return region;
    });
  }
}

/**
 * Where the SIMD kernels can run on `backend`: in place on the wasm heap, on copies in the arena
 * (backends keeping tensors in JavaScript arrays: cpu), or nowhere (null).
 */
export type SimdPlace = 'heap' | 'arena' | null;

export function simdPlace(backend: KernelBackend): SimdPlace {
  if (simdKernelsFor(backend)) return 'heap';
  return isCpu(backend) && SimdArena.get() ? 'arena' : null;
}
