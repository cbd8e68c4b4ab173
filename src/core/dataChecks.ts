/**
 * Where the checks that need tensor data run. Shape, dtype and option checks read no data and
 * always run. The label check of multiclass index targets (integral, within [0, C) unless
 * ignored) needs three numbers back from the backend: free on a backend that keeps tensors in
 * main memory, a pipeline stall on a GPU backend (on webgpu in headless Chromium a synchronous
 * read can even lose the device). This module decides, per call, whether that read is made.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, fail } from './validate.js';

/**
 * When the label check of multiclass index targets reads data back from the backend:
 *
 * - `'auto'`: on the backends that keep tensors in main memory (`cpu`, `wasm`, and tfjs-node's
 *   `tensorflow`), where the read is free; never on any other backend (`webgl`, `webgpu`, ...).
 * - `'always'`: on every backend, GPU ones included (a debugging aid: each loss or metric call
 *   with index targets then stalls a GPU pipeline once).
 * - `'never'`: on no backend.
 */
export type DataChecks = 'auto' | 'always' | 'never';

/** Every valid {@link DataChecks} value. */
export const DATA_CHECKS = ['auto', 'always', 'never'] as const;

/** Backends whose tensors live in main memory: reading three numbers there costs nothing. */
export const READ_CHEAP_BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

let policy: DataChecks = 'auto';

/**
 * Sets where the label check of multiclass index targets runs (see {@link DataChecks}) and
 * returns the previous setting. Global, like `tf.setBackend`; the default is `'auto'`.
 *
 * A loss or metric call on a GPU backend reads nothing back under `'auto'`; without the check,
 * a label outside [0, C) that is not `ignoreIndex` gives its pixel an all-zero one-hot row (the
 * pixel counts as valid with no class) and a non-integral label is rounded. To validate a
 * dataset once while training on a GPU, set `'always'` for the first batches, or run them
 * through a loss on the `cpu` backend.
 *
 * @param checks - `'auto'`, `'always'` or `'never'`.
 * @returns The previous setting.
 * @example
 * ```ts
 * import { setDataChecks } from 'segloss';
 * const previous = setDataChecks('always'); // check labels on webgl too, while debugging
 * // ... a few training steps ...
 * setDataChecks(previous);
 * ```
 * @throws Error when `checks` is not one of the three values.
 * @see docs/backends.md, "What is checked where"
 */
export function setDataChecks(checks: DataChecks): DataChecks {
  if (!(DATA_CHECKS as readonly unknown[]).includes(checks)) {
    fail('setDataChecks', `checks must be one of ${DATA_CHECKS.map((c) => `'${c}'`).join(', ')}, got ${describe(checks)}.`);
  }
  const previous = policy;
  policy = checks;
  return previous;
}

/** Whether the data checks run on `backendName` (the active backend by default) under the current setting. */
export function dataChecksRun(backendName: string = tf.getBackend()): boolean {
  if (policy !== 'auto') return policy === 'always';
  return (READ_CHEAP_BACKENDS as readonly string[]).includes(backendName);
}
