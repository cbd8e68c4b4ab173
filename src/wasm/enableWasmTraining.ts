/**
 * Opt-in training support for the wasm backend of TensorFlow.js 4.22 (see docs/wasm-training.md).
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { makeConv2DBackpropFilter } from './conv2DBackpropFilter.js';
import { makeConv2DBackpropInput } from './conv2DBackpropInput.js';
import { FN } from './kernelTools.js';
import { depthwiseConv2dNativeBackpropFilter } from './depthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInput } from './depthwiseConv2dNativeBackpropInput.js';
import { makeExplicitSamePadding } from './explicitSamePadding.js';
import { maxPoolGrad } from './maxPoolGrad.js';
import { makeResizeBilinearGrad } from './resizeBilinearGrad.js';
import { makeResizeNearestNeighborGrad } from './resizeNearestNeighborGrad.js';
import { makeConcat, makeSplitV } from './splitConcat.js';
import { makeTile } from './tile.js';

/** What one kernel change does: add a missing kernel, or replace a wrong one. */
interface Patch {
  kernelName: string;
  action: 'add' | 'replace';
  make: (backendName: string) => KernelFunc;
}

/** The kernels `enableWasmTraining()` adds or replaces, and why (docs/wasm-training.md, audit). */
const PATCHES: readonly Patch[] = [
  // Missing: every conv2d / conv2dTranspose filter gradient fails without it.
  { kernelName: 'Conv2DBackpropFilter', action: 'add', make: makeConv2DBackpropFilter },
  // Right but slow (~45 % of a U-Net step): the same maths on the backend's XNNPACK Conv2D.
  { kernelName: 'Conv2DBackpropInput', action: 'replace', make: makeConv2DBackpropInput },
  // Right but slow (the batch-norm gradient's largest cost): block copies instead.
  { kernelName: 'Tile', action: 'replace', make: makeTile },
  // Right but slow (a set() per channel block; SplitV also copies its input once per piece): the
  // skip concatenation and its gradient, by block copies over the backend's memory.
  { kernelName: 'SplitV', action: 'replace', make: makeSplitV },
  { kernelName: 'Concat', action: 'replace', make: makeConcat },
  // Missing: the gradients of depthwiseConv2d and separableConv2d (SeparableConv2D, DepthwiseConv2D layers).
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', action: 'add', make: () => depthwiseConv2dNativeBackpropInput },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', action: 'add', make: () => depthwiseConv2dNativeBackpropFilter },
  // Wrong: a window whose maximum is ≤ 0 sends its gradient to its first element, not its maximum.
  { kernelName: 'MaxPoolGrad', action: 'replace', make: () => maxPoolGrad },
  // Wrong with halfPixelCenters: true (the attribute is ignored); the backend's own kernel still
  // runs for halfPixelCenters: false, which is what tfjs-layers' UpSampling2D uses.
  { kernelName: 'ResizeBilinearGrad', action: 'replace', make: makeResizeBilinearGrad },
  { kernelName: 'ResizeNearestNeighborGrad', action: 'replace', make: makeResizeNearestNeighborGrad },
  // Wrong forward pass for 1×K filters at row stride 2 with 'same' padding: explicit padding fixes it.
  { kernelName: 'Conv2D', action: 'replace', make: makeExplicitSamePadding('Conv2D', false) },
  { kernelName: 'FusedConv2D', action: 'replace', make: makeExplicitSamePadding('FusedConv2D', false) },
  { kernelName: 'DepthwiseConv2dNative', action: 'replace', make: makeExplicitSamePadding('DepthwiseConv2dNative', true) },
  { kernelName: 'FusedDepthwiseConv2D', action: 'replace', make: makeExplicitSamePadding('FusedDepthwiseConv2D', true) },
];

/** Marks our kernel functions, so a second call (even from a second copy of segloss) sees them. */
const MARK = Symbol.for('segloss.wasmTraining.kernel');
/** Per backend: the configs we replaced (or `null` where we added), shared by all copies. */
const ORIGINALS_KEY = Symbol.for('segloss.wasmTraining.originals');

type Originals = Map<string, KernelConfig | null>;

function originals(backendName: string): Originals {
  const g = globalThis as unknown as Record<symbol, Map<string, Originals> | undefined>;
  const all = (g[ORIGINALS_KEY] ??= new Map<string, Originals>());
  let forBackend = all.get(backendName);
  if (forBackend == null) all.set(backendName, (forBackend = new Map()));
  return forBackend;
}

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, unknown>)[MARK] === true;
}

/** `enableWasmTraining` for any backend name (exported for tests; the public entry fixes 'wasm'). */
export function enableTrainingKernels(backendName: string): void {
  // The backend's own Conv2D is what the filter gradient runs on, and its presence shows that
  // the backend package was imported (kernels register on import, before the backend starts).
  if (getKernel('Conv2D', backendName) == null) {
    throw new Error(
      `${FN}: the '${backendName}' backend must be registered first ` +
        `(import '@tensorflow/tfjs-backend-wasm' before calling it), got no '${backendName}' Conv2D kernel.`,
    );
  }
  const saved = originals(backendName);
  for (const patch of PATCHES) {
    const current = getKernel(patch.kernelName, backendName);
    if (isOurs(current)) continue;
    // A kernel the backend already has and we only meant to add (a future tfjs version) stays.
    if (patch.action === 'add' && current != null) continue;
    const body = patch.make(backendName);
    const kernelFunc: KernelFunc = (args) => body(args);
    Object.defineProperty(kernelFunc, MARK, { value: true });
    saved.set(patch.kernelName, current ?? null);
    if (current != null) unregisterKernel(patch.kernelName, backendName);
    // Keep the replaced kernel's setupFunc: a backend initialised later runs only the setups of
    // the kernels registered then, and the original's (which our kernel may call) must still run.
    registerKernel({
      kernelName: patch.kernelName,
      backendName,
      kernelFunc,
      setupFunc: current?.setupFunc,
      disposeFunc: current?.disposeFunc,
    });
  }
}

/** `disableWasmTraining` for any backend name (exported for tests). */
export function disableTrainingKernels(backendName: string): void {
  const saved = originals(backendName);
  for (const [kernelName, original] of saved) {
    if (isOurs(getKernel(kernelName, backendName))) unregisterKernel(kernelName, backendName);
    if (original != null && getKernel(kernelName, backendName) == null) registerKernel(original);
  }
  saved.clear();
}

/**
 * Makes `model.fit` and `tf.grad` of convolutional networks work, and agree with the cpu backend,
 * on the wasm backend of TensorFlow.js 4.22.
 *
 * It registers the kernels that backend lacks (`Conv2DBackpropFilter`, needed by the filter
 * gradient of every `conv2d` and `conv2dTranspose`), replaces the ones it gets wrong
 * (`MaxPoolGrad`, the resize gradients, `'same'` forward convolutions) and some that are right but
 * slow (`Conv2DBackpropInput`, `Tile`, `SplitV`, `Concat`) with the same results computed faster,
 * each written on top of the backend's own kernels or its tensor memory.
 * This is the only place where segloss touches kernels that TensorFlow.js names, so it is opt-in:
 * nothing changes until you call it. Calling it again does nothing; `disableWasmTraining()`
 * restores the backend's own kernels. The wasm backend may be initialised before or after.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { enableWasmTraining } from 'segloss';
 *
 * enableWasmTraining(); // before or after tf.setBackend('wasm')
 * await tf.setBackend('wasm');
 * const model = tf.sequential({
 *   layers: [
 *     tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
 *     tf.layers.maxPooling2d({ poolSize: 2 }),
 *     tf.layers.upSampling2d({ size: [2, 2] }),
 *     tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }),
 *   ],
 * });
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
 * const images = tf.randomUniform([4, 8, 8, 1]);
 * const masks = tf.cast(tf.greater(images, 0.5), 'float32');
 * // Without enableWasmTraining(): "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'".
 * await model.fit(images, masks, { epochs: 1, verbose: 0 });
 * ```
 * @throws Error when `@tensorflow/tfjs-backend-wasm` has not been imported (no wasm kernels are registered).
 */
export function enableWasmTraining(): void {
  enableTrainingKernels('wasm');
}

/** Undoes {@link enableWasmTraining}: the wasm backend gets its own kernels back. */
export function disableWasmTraining(): void {
  disableTrainingKernels('wasm');
}
