/**
 * signedDistanceMap(): closed forms (half-planes, single pixels), layouts, modes, classes,
 * dimensions, errors and memory, beyond the golden fixtures.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedDistanceMap } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { channelsFirstPerm } from '../helpers/lossValue.js';
import { randomLabels, randomMask } from '../helpers/random.js';

const EXACT = { rtol: 1e-6, atol: 1e-6 };

describe.each(BACKENDS)('signedDistanceMap() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('runs its documented example', () => {
    const yTrue = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);
    const phi = signedDistanceMap(yTrue);
    expect(phi.shape).toEqual([1, 5, 1]);
    expectClose(phi, [1, 0, 0, 1, 2], EXACT);
  });

  it('is the linear ramp k − c for a half-plane G = {c ≥ k}, scaled by the spacing', () => {
    // Outside (c < k): distance to G is (k − c)·h. Inside: distance to ∁G is (c − k + 1)·h, so
    // φ = 1 − (c − k + 1)·h, which is k − c when h = 1.
    const [H, W, k] = [4, 7, 3];
    const yTrue = tf.tensor4d(Array.from({ length: H * W }, (_, i) => (i % W >= k ? 1 : 0)), [1, H, W, 1]);
    const ramp = (h: number) => Array.from({ length: H * W }, (_, i) => (i % W < k ? (k - (i % W)) * h : 1 - ((i % W) - k + 1) * h));
    expectClose(signedDistanceMap(yTrue), ramp(1), EXACT);
    expectClose(signedDistanceMap(yTrue, { spacing: [5, 0.5] }), ramp(0.5), EXACT);
  });

  it('gives the distance grid around a single pixel and 0 on it', () => {
    const yTrue = tf.tensor4d(Array.from({ length: 30 }, (_, i) => (i === 8 ? 1 : 0)), [1, 5, 6, 1]);
    const want = Array.from({ length: 30 }, (_, i) => Math.hypot(Math.floor(i / 6) - 1, (i % 6) - 2));
    expectClose(signedDistanceMap(yTrue), want, EXACT);
  });

  it('is 0 for an empty and for a full target, image by image', () => {
    const data = [...new Array(12).fill(0), ...new Array(12).fill(1), 1, ...new Array(11).fill(0)];
    const yTrue = tf.tensor4d(data, [3, 3, 4, 1]);
    const phi = signedDistanceMap(yTrue).dataSync();
    expect([...phi.slice(0, 24)]).toEqual(new Array(24).fill(0));
    expect(phi[24]).toBe(0);
    expect(phi[25]).toBe(1);
  });

  it('handles 1, 2 and 3 spatial dimensions', () => {
    for (const shape of [[2, 9, 1], [2, 5, 6, 1], [1, 3, 4, 5, 1]]) {
      const yTrue = randomMask(shape, shape.length, 0.5);
      const phi = signedDistanceMap(yTrue);
      expect(phi.shape).toEqual(shape);
      // Where the target is 1 (and the image not full) φ ≤ 0; where it is 0, φ ≥ 1.
      const t = yTrue.dataSync();
      const p = phi.dataSync();
      for (let i = 0; i < t.length; i++) expect(t[i] > 0.5 ? p[i] <= 0 : p[i] >= 1 || p[i] === 0).toBe(true);
      tf.dispose([yTrue, phi]);
    }
  });

  it('reads channelsFirst targets and still returns channels last', () => {
    const last = randomMask([2, 5, 6, 3], 7, 0.4);
    const first = tf.transpose(last, channelsFirstPerm(4));
    const a = signedDistanceMap(last, { mode: 'multilabel' });
    const b = signedDistanceMap(first, { mode: 'multilabel', dataFormat: 'channelsFirst' });
    expect(b.shape).toEqual([2, 5, 6, 3]);
    expectClose(b, a, EXACT);
  });

  it('gives the same map for index targets (with numClasses) and their one-hot form', () => {
    const labels = randomLabels([2, 6, 5], 3, 11);
    const oneHot = tf.oneHot(labels, 3).toFloat();
    const trailing = tf.expandDims(labels, -1);
    const a = signedDistanceMap(labels, { mode: 'multiclass', numClasses: 3 });
    const b = signedDistanceMap(oneHot, { mode: 'multiclass' });
    const c = signedDistanceMap(trailing, { mode: 'multiclass', numClasses: 3 });
    const d = signedDistanceMap(tf.transpose(oneHot, channelsFirstPerm(4)), { mode: 'multiclass', dataFormat: 'channelsFirst' });
    expect(a.shape).toEqual([2, 6, 5, 2]); // default classes [1, 2]
    for (const other of [b, c, d]) expectClose(other, a, EXACT);
  });

  it('multiclass maps are the binary maps of each label, in the order of `classes`', () => {
    const labels = randomLabels([1, 7, 4], 3, 5);
    const both = signedDistanceMap(labels, { mode: 'multiclass', numClasses: 3, classes: [2, 0] });
    for (const [k, c] of [[0, 2], [1, 0]]) {
      const binary = tf.tidy(() => tf.expandDims(tf.cast(tf.equal(labels, c), 'float32'), -1));
      const want = signedDistanceMap(binary);
      const got = tf.tidy(() => tf.slice(both, [0, 0, 0, k], [1, 7, 4, 1]));
      expectClose(got, want, EXACT);
      tf.dispose([binary, want, got]);
    }
  });

  it('thresholds soft targets at 0.5', () => {
    const soft = tf.tensor3d([0.2, 0.51, 0.9, 0.5, 0], [1, 5, 1]);
    const hard = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);
    const a = signedDistanceMap(soft);
    const b = signedDistanceMap(hard);
    expectClose(a, b, EXACT);
  });

  it('leaves exactly one new tensor (its result), also after an error', () => {
    const yTrue = randomMask([2, 4, 4, 1], 3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) signedDistanceMap(yTrue).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => signedDistanceMap(yTrue, { spacing: [1, 1, 1] })).toThrow();
    const first = tf.transpose(yTrue, channelsFirstPerm(4));
    const mid = tf.memory().numTensors;
    expect(() => signedDistanceMap(first, { dataFormat: 'channelsFirst', spacing: [1] })).toThrow();
    expect(tf.memory().numTensors).toBe(mid);
  });
});

describe('signedDistanceMap() errors', () => {
  beforeAll(() => useBackend('cpu'));
  freeTensorsAfterEach();

  it('names the function, the argument, what was expected and what came', () => {
    const mask = tf.zeros([1, 4, 4, 1]);
    const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
    expect(() => signedDistanceMap(mask, { spacing: [1, 1, 1] })).toThrow(/^signedDistanceMap: option 'spacing' must have one entry per spatial axis \(2 .*got 3\./);
    expect(() => signedDistanceMap(mask, { spacing: [1, 0] })).toThrow(/^signedDistanceMap: option 'spacing' must be a non-empty array of finite numbers > 0 \(one per spatial axis\), got \[1, 0\]\./);
    expect(() => signedDistanceMap(mask, { classes: [1] })).toThrow(/^signedDistanceMap: option 'classes' must hold class ids in \[0, 1\), got 1\./);
    expect(() => signedDistanceMap(labels, { mode: 'multiclass' })).toThrow(/^signedDistanceMap: option 'numClasses' is needed for class-index targets/);
    expect(() => signedDistanceMap(labels, { mode: 'multiclass', numClasses: 2 })).toThrow(/^signedDistanceMap: yTrue class indices must be in \[0, 2\).*got 2\./);
    expect(() => signedDistanceMap(tf.tensor3d([0, 1.5, 1, 0], [1, 2, 2]), { mode: 'multiclass', numClasses: 3 })).toThrow(/^signedDistanceMap: yTrue class indices must be integers, got 1.5\./);
    expect(() => signedDistanceMap(mask, { numClasses: 3 })).toThrow(/^signedDistanceMap: option 'numClasses' applies to mode 'multiclass' only/);
    expect(() => signedDistanceMap(labels, { mode: 'multiclass', numClasses: 1 })).toThrow(/^signedDistanceMap: option 'numClasses' must be an integer >= 2, got 1\./);
    expect(() => signedDistanceMap(tf.zeros([1, 4, 4, 2]))).toThrow(/^signedDistanceMap: yTrue must have C = 1 channel in 'binary' mode, got C = 2/);
    expect(() => signedDistanceMap(tf.zeros([4, 4]))).toThrow(/^signedDistanceMap: yTrue must have rank >= 3/);
    expect(() => signedDistanceMap(mask, { spacng: [1, 1] } as never)).toThrow(/^signedDistanceMap: unknown option 'spacng' \(did you mean 'spacing'\?\)/);
    expect(() => signedDistanceMap([1, 2] as never)).toThrow(/^signedDistanceMap: yTrue must be a tf.Tensor/);
  });
});
