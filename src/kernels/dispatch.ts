/**
 * Decides per call whether the fused `Segloss*` kernels run on the active backend, and loads them
 * where they can: only the `cpu` and `wasm` backends run them, so their code (the kernels and the
 * SIMD module, most of the package's bytes) stays out of the losses' static imports.
 *
 * - Node (the package's `node` entry, `withKernels.ts`) and `import 'segloss/kernels'` register
 *   them at import, as register.ts does when it is evaluated.
 * - Otherwise (a bundled browser app) the first loss call on `cpu` or `wasm` starts loading them
 *   with a dynamic `import()`, which a bundler puts in a chunk of its own: that call and any made
 *   before the chunk arrives take the composite path (same values, more ops), the later ones the
 *   fused path. An app on `webgl` or `webgpu` never fetches the chunk.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { FUSED_BACKENDS, supportsDirectAccess } from './access.js';

/** What register.ts hands over once its code is loaded. */
export interface LoadedKernels {
  /** Registers the fused kernels for `cpu` and `wasm` unless already registered (idempotent). */
  register(): void;
  /** Whether the SIMD module runs on `backend` (a `wasm` backend whose heap it can reach). */
  simd(backend: KernelBackend): boolean;
}

let loaded: LoadedKernels | null = null;
let loading: Promise<void> | null = null;
let enabled = true;

/** Called by register.ts when it is evaluated: from then on the fused path can run. */
export function provideKernels(kernels: LoadedKernels): void {
  loaded = kernels;
  kernels.register();
}

/**
 * Loads and registers the fused kernels (once; a failed load is retried by the next call) and
 * resolves when the fused path can run. A no-op where register.ts is already loaded.
 */
export function loadKernels(): Promise<void> {
  if (loaded) return Promise.resolve();
  loading ??= import('./register.js').then(
    () => undefined,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * Turns the fused path on or off (on by default) and returns the previous setting. Internal: the
 * tests use it to run the composite path on `cpu` and `wasm` too.
 */
export function setFusedKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/**
 * Whether the fused kernels run on the active backend. On `cpu` or `wasm` before they are loaded,
 * starts loading them and returns false (this call takes the composite path).
 */
export function fusedAvailable(): boolean {
  if (!enabled) return false;
  if (!(FUSED_BACKENDS as readonly string[]).includes(tf.getBackend())) return false;
  if (!loaded) {
    // A failed load leaves the composite path in place, which computes the same values.
    loadKernels().catch(() => undefined);
    return false;
  }
  loaded.register();
  return supportsDirectAccess(tf.backend());
}

/** Whether the SIMD module runs on `backend` (false until the kernels are loaded). */
export function simdAvailable(backend: KernelBackend): boolean {
  return loaded !== null && loaded.simd(backend);
}
