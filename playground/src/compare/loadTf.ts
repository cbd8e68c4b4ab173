/// <reference types="vite/client" />
/**
 * TensorFlow.js for the browser compare (the page's counterpart of src/cli/node/tf.ts): the full
 * `@tensorflow/tfjs` (layers and gradients; webgl and cpu backends) plus the webgpu and wasm
 * backends. The backend is chosen in the order webgpu → webgl → wasm → cpu, the first that starts
 * and runs a kernel; wasm loads its threaded SIMD build when the page is cross-origin isolated
 * (COOP `same-origin` + COEP `require-corp`: SharedArrayBuffer exists), else the single-threaded
 * SIMD (or plain) build. Runs in the page and in every worker.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { enableWasmTraining } from '../../../src/index';
import type { Tf } from '../../../src/cli/pipeline/types';

/** The fallback order when no backend is asked for. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** The backend in use and how it runs (shown on the page and recorded in the results). */
export interface BackendInfo {
  /** The tfjs backend name: webgpu, webgl, wasm or cpu. */
  name: string;
  /** wasm: the build (`threaded SIMD`, `SIMD` or `plain`) and its threads. */
  wasm?: { build: 'threaded SIMD' | 'SIMD' | 'plain'; threads: number };
  /** Whether the page is cross-origin isolated (threaded wasm possible). */
  crossOriginIsolated: boolean;
  /** Backends tried before this one, each with why it was passed over. */
  skipped: string[];
}

/** `wasm (threaded SIMD, 4 threads)`, `webgl`. */
export function describeBackend(info: BackendInfo): string {
  return info.wasm ? `${info.name} (${info.wasm.build}, ${info.wasm.threads} thread${info.wasm.threads === 1 ? '' : 's'})` : info.name;
}

async function tryBackend(name: string, threads: number): Promise<string | undefined> {
  if (name === 'webgpu' && !('gpu' in navigator)) return 'navigator.gpu missing';
  if (name === 'wasm') {
    setWasmPaths({ 'tfjs-backend-wasm.wasm': plainWasm, 'tfjs-backend-wasm-simd.wasm': simdWasm, 'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm });
    if (threads > 0) setThreadsCount(threads);
    // tfjs-backend-wasm 4.22 lacks conv filter gradients and has a wrong MaxPoolGrad: segloss patches them.
    enableWasmTraining();
  }
  try {
    if (!(await tf.setBackend(name))) return 'did not start';
    await tf.ready();
    // A backend can start and still fail at its first kernel (a lost context, a missing adapter).
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
    return undefined;
  } catch (error) {
    return (error as Error).message || 'failed';
  }
}

/**
 * Starts tfjs on `forced` (no fallback: a worker must run the backend the page chose), or on the
 * first backend of {@link BACKEND_ORDER} that works. `threads` caps the wasm threads (0: tfjs's
 * default, the logical cores).
 * @throws Error when no backend starts.
 */
export async function loadTf(forced: string | undefined, threads = 0): Promise<{ tf: Tf; info: BackendInfo }> {
  tf.enableProdMode();
  const skipped: string[] = [];
  for (const name of forced ? [forced] : BACKEND_ORDER) {
    const why = await tryBackend(name, threads);
    if (why !== undefined) {
      skipped.push(`${name}: ${why}`);
      continue;
    }
    const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
    const info: BackendInfo = { name, crossOriginIsolated: isolated, skipped };
    if (name === 'wasm') {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const multi = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      info.wasm = simd && multi ? { build: 'threaded SIMD', threads: getThreadsCount() } : { build: simd ? 'SIMD' : 'plain', threads: 1 };
    }
    return { tf: tf as unknown as Tf, info };
  }
  throw new Error(`segloss compare: no TensorFlow.js backend started (${skipped.join('; ')}).`);
}
