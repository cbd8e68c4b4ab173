import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences of a scalar function of one tensor, element by element:
 * (f(x + h·e_i) − f(x − h·e_i)) / 2h. Small inputs only (2 calls per element).
 */
export function finiteDiff(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, h = 1e-2): Float32Array {
  const base = x.dataSync().slice();
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const evalAt = (delta: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += delta;
        return f(tf.tensor(v, x.shape)).dataSync()[0];
      });
    out[i] = (evalAt(h) - evalAt(-h)) / (2 * h);
  }
  return out;
}
