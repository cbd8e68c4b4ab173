/**
 * The kernels `enableWasmTraining()` adds or replaces give the cpu backend's gradients on wasm,
 * over batch sizes, channel counts, odd sizes, strides 1 and 2, same/valid/explicit padding and
 * non-square windows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableWasmTraining } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectSameOnWasm, gradsOn, randomValues } from './compareBackends.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await useBackend('wasm');
  enableWasmTraining();
});

describe('Conv2DBackpropFilter on wasm', () => {
  const cases: Array<{ x: number[]; k: number[]; s: [number, number]; pad: Pad }> = [
    { x: [1, 5, 5, 1], k: [3, 3, 1, 1], s: [1, 1], pad: 'valid' },
    { x: [2, 8, 8, 3], k: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
    { x: [2, 9, 7, 2], k: [3, 3, 2, 5], s: [2, 2], pad: 'same' },
    { x: [3, 9, 7, 2], k: [3, 2, 2, 3], s: [2, 2], pad: 'valid' },
    { x: [2, 11, 10, 3], k: [1, 3, 3, 2], s: [2, 1], pad: 'same' },
    { x: [1, 11, 10, 4], k: [5, 5, 4, 2], s: [3, 2], pad: 'valid' },
    { x: [2, 6, 6, 2], k: [2, 2, 2, 3], s: [2, 2], pad: 'valid' },
    { x: [2, 7, 8, 3], k: [3, 3, 3, 2], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
    { x: [1, 12, 12, 8], k: [3, 3, 8, 16], s: [1, 1], pad: 'same' },
  ];
  for (const c of cases) {
    it(`gives cpu's conv2d gradients for x [${c.x}], filter [${c.k}], strides [${c.s}], pad ${JSON.stringify(c.pad)}`, async () => {
      await expectSameOnWasm('conv2d', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad), [
        { shape: c.x, seed: 1 },
        { shape: c.k, seed: 2 },
      ]);
    });
  }

  it("gives cpu's conv2dTranspose gradients (stride 2, same)", async () => {
    await expectSameOnWasm(
      'conv2dTranspose',
      (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 9, 10, 3], [2, 2], 'same'),
      [
        { shape: [2, 5, 5, 4], seed: 3 },
        { shape: [3, 3, 3, 4], seed: 4 },
      ],
    );
  });

  it("gives cpu's filter gradient for NCHW inputs", async () => {
    // The kernel run directly: no public op takes NCHW here on both backends.
    const run = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor(randomValues([2, 3, 7, 6], 5), [2, 3, 7, 6]);
        const dy = tf.tensor(randomValues([2, 4, 4, 3], 6), [2, 4, 4, 3]);
        const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] };
        const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
        return dW.dataSync();
      });
    };
    const cpu = await run('cpu');
    expectClose(await run('wasm'), cpu, { rtol: 1e-4, atol: 1e-4 }, 'dW');
  });
});

describe('MaxPoolGrad on wasm', () => {
  const cases: Array<{ x: number[]; f: [number, number]; s: [number, number]; pad: 'same' | 'valid' }> = [
    { x: [2, 8, 8, 3], f: [2, 2], s: [2, 2], pad: 'valid' },
    { x: [2, 8, 8, 3], f: [2, 2], s: [2, 2], pad: 'same' },
    { x: [1, 9, 9, 2], f: [3, 3], s: [2, 2], pad: 'valid' },
    { x: [1, 9, 7, 2], f: [3, 3], s: [2, 2], pad: 'same' },
    { x: [3, 7, 7, 1], f: [3, 1], s: [1, 1], pad: 'same' },
    { x: [2, 6, 7, 4], f: [1, 3], s: [1, 2], pad: 'valid' },
    { x: [2, 8, 8, 2], f: [3, 3], s: [1, 1], pad: 'same' },
    { x: [1, 5, 5, 5], f: [2, 3], s: [3, 2], pad: 'same' },
  ];
  for (const c of cases) {
    it(`gives cpu's maxPool gradient for x [${c.x}], window [${c.f}], strides [${c.s}], ${c.pad}`, async () => {
      await expectSameOnWasm('maxPool', (x) => tf.maxPool(x as tf.Tensor4D, c.f, c.s, c.pad), [
        { shape: c.x, seed: 7 },
      ]);
    });
  }

  it('routes a tied window to its first maximum, as cpu does', async () => {
    // One 2×2 window of equal values: the whole gradient goes to the top-left element.
    await useBackend('wasm');
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), 3)))(tf.ones([1, 2, 2, 1])).dataSync(),
    );
    expect(Array.from(g)).toEqual([3, 0, 0, 0]);
  });

  it('leaves no tensors behind', async () => {
    const before = (await gradsOn('wasm', (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'), [{ shape: [1, 5, 5, 2], seed: 1 }]), tf.memory().numTensors);
    await gradsOn('wasm', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), [
      { shape: [1, 5, 5, 2], seed: 1 },
      { shape: [3, 3, 2, 2], seed: 2 },
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
