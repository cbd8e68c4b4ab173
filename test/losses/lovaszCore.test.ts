/**
 * The batched Lovász core (src/core/lovasz.ts): the Lovász gradient of sorted labels, and the
 * sorted dot product whose gradient is scattered back to the original element order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lovaszGrad, lovaszRows } from '../../src/core/lovasz.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';

/** Straight transcription of the SPEC for one row: stable descending sort, then J and g. */
function referenceRow(e: number[], t: number[], v: number[]): { loss: number; grad: number[] } {
  const order = e.map((_, i) => i).filter((i) => v[i] > 0);
  order.sort((a, b) => e[b] - e[a] || a - b);
  const G = order.reduce((s, i) => s + t[i], 0);
  const grad = e.map(() => 0);
  let pos = 0;
  let neg = 0;
  let previous = 0;
  let loss = 0;
  for (const i of order) {
    pos += t[i];
    neg += 1 - t[i];
    const J = 1 - (G - pos) / (G + neg);
    const g = J - previous;
    previous = J;
    loss += Math.max(e[i], 0) * g;
    grad[i] = e[i] > 0 ? g : 0;
  }
  return { loss, grad };
}

describe.each(BACKENDS)('Lovász core on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('lovaszGrad() gives the hand-derived weights of sorted labels [1, 0, 1, 0]', () => {
    // G = 2; J_k = (pos_k + neg_k) / (G + neg_k): 1/2, 2/3, 3/3, 4/4, so g = [1/2, 1/6, 1/3, 0].
    const g = tf.tidy(() => lovaszGrad(tf.tensor2d([[1, 0, 1, 0]]), tf.ones([1, 4])).dataSync());
    expectClose(g, [1 / 2, 1 / 6, 1 / 3, 0], { rtol: 1e-6, atol: 1e-7 });
  });

  it('lovaszGrad() gives 0 to invalid elements wherever they sort and leaves the others unchanged', () => {
    const [withGaps, compact] = tf.tidy(() => [
      lovaszGrad(tf.tensor2d([[0, 1, 0, 0, 1, 0]]), tf.tensor2d([[0, 1, 1, 0, 1, 1]])).dataSync(),
      lovaszGrad(tf.tensor2d([[1, 0, 1, 0]]), tf.ones([1, 4])).dataSync(),
    ]);
    expectClose([withGaps[0], withGaps[3]], [0, 0], { rtol: 0, atol: 0 });
    expectClose([withGaps[1], withGaps[2], withGaps[4], withGaps[5]], compact, { rtol: 1e-6, atol: 1e-7 });
  });

  it('lovaszGrad() is all zeros for a row without a valid element and sums to 1 otherwise', () => {
    const g = tf.tidy(() => lovaszGrad(tf.tensor2d([[0, 0, 0], [0, 1, 0]]), tf.tensor2d([[0, 0, 0], [1, 1, 1]])).arraySync() as number[][]);
    expectClose(g[0], [0, 0, 0], { rtol: 0, atol: 0 });
    // Σ_k g_k telescopes to J_N = (G + n_neg) / (G + n_neg) = 1.
    expectClose(g[1].reduce((a, b) => a + b, 0), 1, { rtol: 1e-6, atol: 1e-7 });
  });

  it('lovaszGrad() without a valid mask equals an all-ones mask', () => {
    const [omitted, ones] = tf.tidy(() => {
      const t = tf.tensor2d([[0, 1, 1, 0, 1], [1, 1, 0, 0, 0]]);
      return [lovaszGrad(t).dataSync(), lovaszGrad(t, tf.onesLike(t)).dataSync()];
    });
    expectClose(omitted, ones, { rtol: 0, atol: 0 });
  });

  it('lovaszRows() matches a direct transcription of the formula, value and gradient, on random rows', () => {
    const r = rng(7);
    const R = 3;
    const N = 40;
    const e = Array.from({ length: R }, () => Array.from({ length: N }, () => r() * 4 - 1.5));
    const t = Array.from({ length: R }, () => Array.from({ length: N }, () => (r() < 0.4 ? 1 : 0)));
    const v = Array.from({ length: R }, (_, i) => Array.from({ length: N }, () => (i === 2 && r() < 0.3 ? 0 : 1)));
    const tm = t.map((row, i) => row.map((x, j) => x * v[i][j]));
    const want = e.map((row, i) => referenceRow(row, tm[i], v[i]));
    const [value, grad] = tf.tidy(() => {
      const [T, V] = [tf.tensor2d(tm), tf.tensor2d(v)];
      const f = (x: tf.Tensor) => lovaszRows(x, T, V);
      return [f(tf.tensor2d(e)).dataSync(), tf.grad((x: tf.Tensor) => tf.sum(f(x)))(tf.tensor2d(e)).dataSync()];
    });
    expectClose(value, want.map((w) => w.loss));
    expectClose(grad, want.flatMap((w) => w.grad));
  });

  it('lovaszRows() breaks ties by index, as the reference stable sort does', () => {
    // Errors all equal to 1, labels [1, 0, 0]: in index order J = 1, 1, 1, so g = [1, 0, 0]
    // (another order, e.g. [1, 0, 2], would give g = [1/2, 1/2, 0] to indices 0 and 1).
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(lovaszRows(x, tf.tensor2d([[1, 0, 0]]), tf.ones([1, 3]))))(tf.ones([1, 3])).dataSync(),
    );
    expectClose(grad, [1, 0, 0], { rtol: 0, atol: 1e-7 });
  });

  it('lovaszRows() leaves no tensor behind, with or without the gradient', () => {
    const [e, t, v] = [tf.tensor2d([[0.5, 2, -1]]), tf.tensor2d([[1, 0, 1]]), tf.ones([1, 3])];
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => lovaszRows(e, t, v));
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(lovaszRows(x, t, v)))(e));
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([grad, e, t, v]);
  });
});
