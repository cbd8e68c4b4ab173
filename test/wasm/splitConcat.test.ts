/**
 * The block-copy `SplitV` and `Concat` (src/wasm/splitConcat.ts) give exactly what the cpu backend
 * gives: values, concat gradients (SplitV), every axis, unequal and single-element pieces, the
 * U-Net's skip concatenation, and the delegation of int32, bool and empty pieces to the backend's
 * own kernels; no buffers left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableWasmTraining } from '../../src/index.js';
import { makeConcat, makeSplitV } from '../../src/wasm/splitConcat.js';
import { useBackend, type BackendName } from '../helpers/backends.js';
import { expectSameOnWasm, randomValues } from './compareBackends.js';

beforeAll(async () => {
  await useBackend('wasm');
  enableWasmTraining();
});

const cases: Array<{ shapes: number[][]; axis: number }> = [
  { shapes: [[2, 16, 16, 16], [2, 16, 16, 16]], axis: 3 }, // the U-Net's skip concatenation (smaller image)
  { shapes: [[2, 5, 7, 3], [2, 5, 7, 1], [2, 5, 7, 70]], axis: -1 }, // short and long (≥ 64) runs
  { shapes: [[3, 4, 2], [3, 1, 2], [3, 6, 2]], axis: 1 },
  { shapes: [[1, 3], [4, 3]], axis: 0 },
  { shapes: [[5], [1], [7]], axis: 0 },
];

describe('SplitV and Concat by block copies on wasm', () => {
  for (const c of cases) {
    it(`concatenate [${c.shapes.map((s) => `[${s}]`).join(', ')}] on axis ${c.axis} and split its gradient as cpu does`, async () => {
      await expectSameOnWasm(
        'concat',
        (...xs) => tf.concat(xs, c.axis),
        c.shapes.map((shape, k) => ({ shape, seed: 70 + k })),
        { rtol: 0, atol: 0 },
      );
    });
  }

  it('splits by sizes with a -1 entry, and into equal parts, exactly as cpu', async () => {
    const run = async (backend: BackendName) => {
      await useBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor(randomValues([4, 6, 9], 80), [4, 6, 9]);
        return [...tf.split(x, [2, -1, 3], 2), ...tf.split(x, 3, 1), ...tf.split(x, [1, 3], 0)].map((t) => ({
          shape: t.shape,
          values: Array.from(t.dataSync()),
        }));
      });
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });

  it("leaves int32, bool and empty pieces to the backend's own kernels, with cpu's results", async () => {
    const run = async (backend: BackendName) => {
      await useBackend(backend);
      return tf.tidy(() => {
        const i = tf.tensor([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
        const f = tf.tensor(randomValues([2, 3], 81), [2, 3]);
        const out = [
          tf.concat([i, i], 1),
          ...tf.split(i, [1, 2], 1),
          tf.concat([tf.greater(f, 0), tf.less(f, 0)], 0),
          tf.concat([f, tf.zeros([2, 0])], 1),
          ...tf.split(f, [0, 3], 1),
        ];
        return out.map((t) => ({ dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync()) }));
      });
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });

  it('gives the same result on a backend without a wasm heap (cpu, called directly)', async () => {
    await useBackend('cpu');
    const [got, want] = tf.tidy(() => {
      const a = tf.tensor(randomValues([3, 2, 5], 82), [3, 2, 5]);
      const bT = tf.tensor(randomValues([3, 4, 5], 83), [3, 4, 5]);
      const backend = tf.backend();
      const cat = makeConcat('cpu')({ inputs: [a, bT] as never, backend, attrs: { axis: 1 } }) as tf.TensorInfo;
      const parts = makeSplitV('cpu')({ inputs: { x: cat }, backend, attrs: { numOrSizeSplits: [2, 4], axis: 1 } }) as tf.TensorInfo[];
      const e = tf.engine();
      const t = [cat, ...parts].map((info) => e.makeTensorFromTensorInfo(info));
      return [t.map((x) => Array.from(x.dataSync())), [tf.concat([a, bT], 1), a, bT].map((x) => Array.from(x.dataSync()))];
    });
    expect(got).toEqual(want);
  });

  it('leaves no tensors and no backend buffers behind', async () => {
    await useBackend('wasm');
    const step = () =>
      tf.tidy(() => {
        const a = tf.tensor(randomValues([2, 8, 8, 4], 84), [2, 8, 8, 4]);
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, tf.square(x)], 3), 2)))(a);
        return tf.sum(g).dataSync()[0];
      });
    step();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});
