import type { Tensor } from '@tensorflow/tfjs-core';

/** Tolerances of the fixture rule |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Asserts elementwise |got − want| ≤ atol + rtol·|want| and equal shapes; the message names the
 * first failing index. Accepts tensors or plain arrays.
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
  if (g.data.length !== w.data.length) {
    throw new Error(`${label}: ${g.data.length} values, expected ${w.data.length}`);
  }
  for (let i = 0; i < w.data.length; i++) {
    const a = g.data[i];
    const b = w.data[i];
    if (!(Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b))) {
      throw new Error(`${label}[${i}]: got ${a}, expected ${b} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}

/** The gradient tolerance of the fixture rule: atol scaled by max(1, max|grad|). */
export function gradTolerance(tol: Tolerance, grad: ArrayLike<number>): Tolerance {
  let max = 0;
  for (let i = 0; i < grad.length; i++) max = Math.max(max, Math.abs(grad[i]));
  return { rtol: tol.rtol, atol: tol.atol * Math.max(1, max) };
}
