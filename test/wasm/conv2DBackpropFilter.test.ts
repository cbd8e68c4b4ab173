/**
 * The matrix-product `Conv2DBackpropFilter` (src/wasm/conv2DBackpropFilter.ts) against the cpu
 * backend's own kernel, in float32 to ~1e-5 of the gradient's scale: the default U-Net's own
 * layer configurations (smaller images), odd sizes, strides 1–3, SAME/VALID/explicit padding, NCHW, chunks that
 * split image rows, the generic (non-wasm) memory path, and no leaked backend buffers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableWasmTraining } from '../../src/index.js';
import { makeConv2DBackpropFilter } from '../../src/wasm/conv2DBackpropFilter.js';
import { useBackend, type BackendName } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { randomValues } from './compareBackends.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: number[];
  k: number[];
  s: [number, number];
  pad: Pad;
  nchw?: boolean;
}

beforeAll(async () => {
  await useBackend('wasm');
  enableWasmTraining();
});

/** dW from `kernel` (default: the backend's registered Conv2DBackpropFilter) on `backend`. */
async function filterGrad(backend: BackendName, c: Case, kernel?: ReturnType<typeof makeConv2DBackpropFilter>): Promise<Float32Array> {
  await useBackend(backend);
  return tf.tidy(() => {
    const xShape = c.nchw ? [c.x[0], c.x[3], c.x[1], c.x[2]] : c.x;
    const info = tf.backend_util.computeConv2DInfo(c.x as never, c.k as never, c.s, 1, c.pad as never);
    const dyNhwc = [c.x[0], info.outHeight, info.outWidth, c.k[3]];
    const dyShape = c.nchw ? [dyNhwc[0], dyNhwc[3], dyNhwc[1], dyNhwc[2]] : dyNhwc;
    const x = tf.tensor(randomValues(xShape, 7), xShape);
    const dy = tf.tensor(randomValues(dyShape, 8), dyShape);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: c.nchw ? 'NCHW' : 'NHWC', filterShape: c.k };
    if (kernel == null) return (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor).dataSync() as Float32Array;
    const out = kernel({ inputs: { x, dy }, backend: tf.backend(), attrs: attrs as never }) as tf.TensorInfo;
    return tf.engine().makeTensorFromTensorInfo(out).dataSync() as Float32Array;
  });
}

/** |Δ| ≤ 1e-5·max|want| + 1e-5·|want|: float32 sums of up to ~10⁵ products in another order. */
function expectSameGradient(got: Float32Array, want: Float32Array, label: string): void {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  expect(scale, `${label}: the gradient is not all zeros`).toBeGreaterThan(0.1);
  expectClose(got, want, { rtol: 1e-5, atol: 1e-5 * scale }, label);
}

describe('Conv2DBackpropFilter as matrix products on wasm', () => {
  const cases: Case[] = [
    // The default U-Net's layers (width 16, depth 3: 3×3 SAME convs, 2×2 stride-2 transposed convs,
    // 1×1 logits) with their channel counts, at batch 1–2 and smaller images where the cpu reference is slow.
    { x: [1, 128, 128, 1], k: [3, 3, 1, 16], s: [1, 1], pad: 'same' },
    { x: [1, 32, 32, 16], k: [3, 3, 16, 16], s: [1, 1], pad: 'same' },
    { x: [1, 16, 16, 64], k: [3, 3, 64, 32], s: [1, 1], pad: 'same' },
    { x: [1, 6, 6, 128], k: [3, 3, 128, 128], s: [1, 1], pad: 'same' },
    { x: [1, 32, 32, 16], k: [2, 2, 16, 32], s: [2, 2], pad: 'same' },
    { x: [1, 16, 16, 64], k: [2, 2, 64, 128], s: [2, 2], pad: 'same' },
    { x: [2, 128, 128, 16], k: [1, 1, 16, 1], s: [1, 1], pad: 'same' },
    // Odd sizes, non-square filters and strides, every padding kind, NCHW.
    { x: [3, 13, 11, 5], k: [3, 2, 5, 7], s: [1, 1], pad: 'valid' },
    { x: [2, 17, 9, 3], k: [5, 3, 3, 4], s: [2, 3], pad: 'same' },
    { x: [1, 10, 15, 6], k: [4, 4, 6, 2], s: [3, 2], pad: 'valid' },
    { x: [2, 9, 12, 4], k: [3, 3, 4, 5], s: [2, 2], pad: [[0, 0], [3, 0], [1, 2], [0, 0]] },
    { x: [2, 7, 7, 3], k: [7, 7, 3, 2], s: [1, 1], pad: 'valid' },
    { x: [2, 12, 10, 3], k: [3, 3, 3, 4], s: [2, 1], pad: 'same', nchw: true },
  ];
  for (const c of cases) {
    const name = `x [${c.x}], filter [${c.k}], strides [${c.s}], pad ${JSON.stringify(c.pad)}${c.nchw ? ', NCHW' : ''}`;
    it(`gives cpu's filter gradient for ${name}`, async () => {
      expectSameGradient(await filterGrad('wasm', c), await filterGrad('cpu', c), name);
    });
  }

  it('gives the same gradient when tiny chunks split image rows (17 and 1 columns per product)', async () => {
    const c: Case = { x: [2, 9, 8, 3], k: [3, 3, 3, 4], s: [2, 1], pad: 'same' };
    const want = await filterGrad('cpu', c);
    // 27 rows of A: 17·27 floats is 17 columns (not a multiple of the 8-pixel grid row), then 1.
    expectSameGradient(await filterGrad('wasm', c, makeConv2DBackpropFilter('wasm', 17 * 27)), want, '17 columns');
    expectSameGradient(await filterGrad('wasm', c, makeConv2DBackpropFilter('wasm', 1)), want, '1 column');
  });

  it("runs on a backend without wasm's heap (the cpu backend, through its own kernels) with the same result", async () => {
    const c: Case = { x: [2, 11, 9, 3], k: [3, 2, 3, 4], s: [2, 2], pad: 'same' };
    expectSameGradient(await filterGrad('cpu', c, makeConv2DBackpropFilter('cpu', 50)), await filterGrad('cpu', c), 'cpu');
  });

  it('leaves no tensors and no backend buffers behind, over several chunks', async () => {
    const c: Case = { x: [2, 20, 20, 4], k: [3, 3, 4, 8], s: [1, 1], pad: 'same' };
    await filterGrad('wasm', c, makeConv2DBackpropFilter('wasm', 4000)); // warm-up
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    await filterGrad('wasm', c, makeConv2DBackpropFilter('wasm', 4000));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});
