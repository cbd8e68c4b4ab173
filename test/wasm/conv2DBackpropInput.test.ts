/**
 * `Conv2DBackpropInput` on wasm for filters that tile the input (`KH = sh`, `KW = sw`), which take
 * one matrix product instead of the zero-inserted convolution: the U-Net decoder's 2×2 stride-2
 * transposed convolutions (forward and gradients), non-square tiles, odd sizes whose last rows lie
 * in no window, SAME/VALID/explicit padding and NCHW, against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { enableWasmTraining } from '../../src/index.js';
import { useBackend, type BackendName } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectSameOnWasm, randomValues } from './compareBackends.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await useBackend('wasm');
  enableWasmTraining();
});

describe('Conv2DBackpropInput for tiling filters on wasm', () => {
  it("gives cpu's conv2dTranspose (2×2, stride 2, same) value and gradients at a U-Net decoder's channels", async () => {
    await expectSameOnWasm(
      'conv2dTranspose',
      (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 16, 16, 64], 2, 'same'),
      [
        { shape: [2, 8, 8, 128], seed: 91 },
        { shape: [2, 2, 64, 128], seed: 92 },
      ],
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  const cases: Array<{ x: number[]; k: number[]; s: [number, number]; pad: Pad }> = [
    { x: [2, 9, 7, 3], k: [2, 2, 3, 4], s: [2, 2], pad: 'valid' }, // last row and column in no window
    { x: [2, 9, 7, 3], k: [2, 2, 3, 4], s: [2, 2], pad: 'same' },
    { x: [1, 12, 10, 2], k: [3, 2, 2, 5], s: [3, 2], pad: 'valid' },
    { x: [2, 9, 8, 3], k: [2, 2, 3, 2], s: [2, 2], pad: [[0, 0], [1, 0], [1, 1], [0, 0]] },
    { x: [1, 6, 6, 2], k: [1, 1, 2, 3], s: [1, 1], pad: 'same' },
  ];
  for (const c of cases) {
    it(`gives cpu's conv2d input gradient for x [${c.x}], filter [${c.k}], strides [${c.s}], pad ${JSON.stringify(c.pad)}`, async () => {
      await expectSameOnWasm('conv2d', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad), [
        { shape: c.x, seed: 93 },
        { shape: c.k, seed: 94 },
      ], { rtol: 1e-5, atol: 1e-5 });
    });
  }

  it("gives cpu's input gradient for NCHW", async () => {
    const run = async (backend: BackendName) => {
      await useBackend(backend);
      return tf.tidy(() => {
        const filter = tf.tensor(randomValues([2, 2, 3, 4], 95), [2, 2, 3, 4]);
        const dy = tf.tensor(randomValues([2, 4, 5, 3], 96), [2, 4, 5, 3]);
        const attrs = { strides: [2, 2], pad: 'valid', dataFormat: 'NCHW', inputShape: [2, 3, 11, 7] };
        return (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as never) as tf.Tensor).dataSync();
      });
    };
    expectClose(await run('wasm'), await run('cpu'), { rtol: 1e-5, atol: 1e-5 }, 'NCHW');
  });
});
