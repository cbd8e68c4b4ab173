/**
 * Soft erosion, dilation and skeleton (clDice's building blocks): values against a brute-force
 * window search, gradients that are valid subgradients on every backend (no pooling kernel).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softDilate, softErode, softErodeAxis, softSkeleton } from '../../src/core/softMorphology.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { rng } from '../helpers/random.js';

/** Distinct values 0.1·k (k a random permutation), so no window has a tie and ±h never reorders. */
function distinct(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const k = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [k[i], k[j]] = [k[j], k[i]];
  }
  return tf.tensor(k.map((v) => 0.1 * v - 0.05 * n), shape);
}

/**
 * Brute force over a channels-last array: for every position, reduce over the offsets in
 * `window` (offset vectors over the spatial axes) that stay inside the image.
 */
function bruteForce(x: tf.Tensor, window: number[][], pick: (a: number, b: number) => number): Float32Array {
  const shape = x.shape;
  const data = x.dataSync();
  const sp = shape.slice(1, -1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  for (let flat = 0; flat < data.length; flat++) {
    const idx = shape.map((d, i) => Math.floor(flat / strides[i]) % d);
    let acc = NaN;
    for (const off of window) {
      const q = idx.slice();
      let inside = true;
      off.forEach((o, a) => {
        q[a + 1] += o;
        if (q[a + 1] < 0 || q[a + 1] >= sp[a]) inside = false;
      });
      if (!inside) continue;
      const v = data[q.reduce((s, qi, i) => s + qi * strides[i], 0)];
      acc = Number.isNaN(acc) ? v : pick(acc, v);
    }
    out[flat] = acc;
  }
  return out;
}

function offsets(d: number, box: boolean): number[][] {
  const all: number[][] = [[]];
  for (let a = 0; a < d; a++) {
    const next: number[][] = [];
    for (const o of all) for (const v of [-1, 0, 1]) next.push([...o, v]);
    all.splice(0, all.length, ...next);
  }
  // cross: offsets that move along at most one axis
  return box ? all : all.filter((o) => o.filter((v) => v !== 0).length <= 1);
}

const weightedSum = (op: (x: tf.Tensor) => tf.Tensor, w: tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.mul(op(x), w));
const gradOf = (f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad(f)(x).dataSync() as Float32Array);

describe.each(BACKENDS)('soft morphology on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('the gradient of a summed 3×1 soft erosion of a 4×4 image sums to 16', () => {
    // Each of the 16 outputs is one input value, so its unit gradient goes to exactly one input
    // (tfjs-backend-wasm 4.22's MaxPoolGrad gives 2 here). Also with all-equal values (ties).
    for (const x of [distinct([1, 4, 4, 1], 1), tf.ones([1, 4, 4, 1])]) {
      for (const axis of [1, 2]) {
        const g = gradOf((v) => tf.sum(softErodeAxis(v, axis)), x);
        expect(g.reduce((a, b) => a + b, 0)).toBe(16);
        expect(g.every((v) => v >= 0 && Number.isInteger(v))).toBe(true);
      }
      x.dispose();
    }
  });

  it('softErode equals the minimum over the in-image cross, softDilate the maximum over the in-image box (2-D and 3-D)', () => {
    for (const shape of [[2, 5, 6, 2], [1, 4, 3, 5, 2], [1, 1, 4, 1]]) {
      const x = distinct(shape, shape.length);
      const d = shape.length - 2;
      expectClose(softErode(x), bruteForce(x, offsets(d, false), Math.min), { rtol: 0, atol: 0 }, 'erode');
      expectClose(softDilate(x), bruteForce(x, offsets(d, true), Math.max), { rtol: 0, atol: 0 }, 'dilate');
      x.dispose();
    }
  });

  it('softErode and softDilate have gradients equal to central finite differences where windows have no ties', () => {
    for (const shape of [[1, 4, 5, 1], [1, 3, 3, 4, 1]]) {
      const x = distinct(shape, 7);
      const w = tf.tidy(() => tf.add(distinct(shape, 8), 5)); // distinct weights make a wrong routing visible
      for (const op of [softErode, softDilate]) {
        const f = weightedSum(op, w);
        expectClose(gradOf(f, x), finiteDiff(f, x), { rtol: 1e-2, atol: 1e-2 }, op.name);
      }
      tf.dispose([x, w]);
    }
  });

  it('the soft skeleton of a 1-pixel line is the line, of a 3-pixel-wide bar its middle row', () => {
    // Line: the cross erosion of a 1-pixel line is 0, so open = 0 and S = relu(x − 0) = x; the
    // eroded image is then 0 and adds nothing. Bar (rows 3..5 of 9×9): open(bar) = bar (S = 0);
    // erode(bar) = row 4 (the image edges are ignored), whose opening is 0, so S = row 4.
    const line = tf.tidy(() => tf.oneHot(tf.fill([1, 7], 3, 'int32'), 7).reshape([1, 7, 7, 1]));
    expectClose(softSkeleton(line, 3), line.dataSync(), { rtol: 0, atol: 0 }, 'line');
    const rowOf = (r: number) => Array.from({ length: 81 }, (_, i) => (Math.floor(i / 9) === r ? 1 : 0));
    const bar = tf.tensor(rowOf(3).map((v, i) => v + rowOf(4)[i] + rowOf(5)[i]), [1, 9, 9, 1]);
    expectClose(softSkeleton(bar, 3), rowOf(4), { rtol: 0, atol: 0 }, 'bar');
    tf.dispose([line, bar]);
  });

  it('soft morphology inside tf.tidy leaves only its result behind, also through tf.grad', () => {
    // The helpers are meant to run inside a loss's tidy scope, which frees every intermediate.
    const x = distinct([1, 5, 5, 1], 3);
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => softSkeleton(x, 3));
    expect(tf.memory().numTensors).toBe(before + 1);
    kept.dispose();
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(softSkeleton(v, 2)))(x)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
