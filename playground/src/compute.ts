/** tfjs side of the page: backend choice, batches, loss values and gradients. */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; this side-effect module registers them all.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
/// <reference types="vite/client" />
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { factoryOf } from './losses';
import { emptyGrid, predictionLogits, type Grid, type PredictionSettings } from './masks';

/**
 * The WebGL renderer's name when it is a software rasteriser (SwiftShader, llvmpipe), where the
 * cpu backend is faster than webgl for images this small; '' for a hardware GPU; 'none' without WebGL.
 */
export function softwareRenderer(): string {
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return 'none';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name) ? name : '';
  } catch {
    return 'none';
  }
}

/** The backends tried in turn when none is asked for: the one most browser users run first. */
export const BACKEND_ORDER = ['webgl', 'wasm', 'cpu'] as const;

/**
 * Picks the backend: the first of webgl → wasm → cpu that starts and runs a kernel; `forced`
 * (from `?backend=`) is tried first instead, with cpu behind it. Returns the backend in use.
 * wasm runs its single-threaded SIMD (or plain) build here: the images are small, and the threaded
 * build cannot start from a minified bundle (see playground/vite.config.ts).
 */
export async function initBackend(forced: string | null): Promise<string> {
  setWasmPaths({ 'tfjs-backend-wasm.wasm': plainWasm, 'tfjs-backend-wasm-simd.wasm': simdWasm, 'tfjs-backend-wasm-threaded-simd.wasm': simdWasm });
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const order = forced ? [forced, 'cpu'] : BACKEND_ORDER;
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        // A backend can initialise and still fail at its first kernel (e.g. a lost WebGL context).
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
        return tf.getBackend();
      }
    } catch {
      // Fall through to the next backend.
    }
  }
  throw new Error('segloss playground: no TensorFlow.js backend could be initialised');
}

/** Live tensors of the tfjs engine (the page keeps none between updates). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/** yTrue and logits of a batch `[B, H, W, 1]`, flattened. */
export interface Batch {
  B: number;
  H: number;
  W: number;
  yTrue: Float32Array;
  logits: Float32Array;
}

/**
 * The batch the losses see: the target and the prediction made from `predBase` by the sliders;
 * with `second`, an empty target and its (empty-mask) prediction as image 2.
 */
export function makeBatch(truth: Grid, predBase: Grid, s: PredictionSettings, second: boolean): Batch {
  const { H, W } = truth;
  const n = H * W;
  const B = second ? 2 : 1;
  const yTrue = new Float32Array(B * n);
  const logits = new Float32Array(B * n);
  yTrue.set(truth.data, 0);
  logits.set(predictionLogits(predBase, s), 0);
  if (second) logits.set(predictionLogits(emptyGrid(H, W), { ...s, seed: s.seed + 1 }), n);
  return { B, H, W, yTrue, logits };
}

export interface LossChoice {
  fn: string;
  options: Record<string, number | boolean>;
}

export interface LossResult extends LossChoice {
  value: number;
  /** ∂L/∂logit of image 1, H × W. */
  grad: Float32Array;
  error?: string;
}

function tensors(b: Batch): [tf.Tensor4D, tf.Tensor4D] {
  return [tf.tensor4d(b.yTrue, [b.B, b.H, b.W, 1]), tf.tensor4d(b.logits, [b.B, b.H, b.W, 1])];
}

/** Value and gradient of each chosen loss. */
export function evaluate(b: Batch, choices: LossChoice[]): LossResult[] {
  return choices.map(({ fn, options }) => {
    try {
      const loss = factoryOf(fn)!({ ...options });
      const [value, grad] = tf.tidy(() => {
        const [yTrue, x] = tensors(b);
        const f = tf.valueAndGrad((logits: tf.Tensor) => loss(yTrue, logits) as tf.Scalar);
        const r = f(x);
        return [r.value, r.grad];
      });
      const v = value.dataSync()[0];
      const g = (grad.dataSync() as Float32Array).slice(0, b.H * b.W);
      value.dispose();
      grad.dispose();
      return { fn, options, value: v, grad: g };
    } catch (e) {
      return { fn, options, value: NaN, grad: new Float32Array(b.H * b.W), error: (e as Error).message };
    }
  });
}

/** The loss values only (for the sweep); NaN where a loss throws. */
export function values(b: Batch, choices: LossChoice[]): number[] {
  const out: number[] = [];
  tf.tidy(() => {
    const [yTrue, x] = tensors(b);
    for (const { fn, options } of choices) {
      try {
        out.push(factoryOf(fn)!({ ...options })(yTrue, x).dataSync()[0]);
      } catch {
        out.push(NaN);
      }
    }
  });
  return out;
}
