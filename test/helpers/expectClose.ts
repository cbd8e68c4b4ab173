import type { Tensor } from '@tensorflow/tfjs-core';
import { closeFailure, type Tolerance } from './closeRule.js';

export { gradTolerance, type Tolerance } from './closeRule.js';

/**
 * Asserts elementwise |got − want| ≤ atol + rtol·|want| (the rule of ./closeRule.ts) and equal
 * shapes; the message names the first failing index. Accepts tensors or plain arrays.
 */
export function expectClose(
  got: Tensor | ArrayLike<number> | number,
  want: Tensor | ArrayLike<number> | number,
  tol: Tolerance = { rtol: 1e-5, atol: 1e-6 },
  label = 'value',
): void {
  const toArr = (x: Tensor | ArrayLike<number> | number): { data: ArrayLike<number>; shape?: number[] } =>
    typeof x === 'number' ? { data: [x] } : 'dataSync' in x ? { data: x.dataSync(), shape: x.shape } : { data: x };
  const g = toArr(got);
  const w = toArr(want);
  if (g.shape && w.shape && g.shape.join(',') !== w.shape.join(',')) {
    throw new Error(`${label}: shape [${g.shape}] differs from expected [${w.shape}]`);
  }
  const failure = closeFailure(g.data, w.data, tol, label);
  if (failure) throw new Error(failure);
}
