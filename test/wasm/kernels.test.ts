/**
 * The kernels `enableWasmTraining()` adds or replaces give the cpu backend's gradients on wasm,
 * over batch sizes, channel counts, odd sizes, strides 1 and 2, same/valid/explicit padding and
 * non-square windows.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
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

  it('leaves no tensors and no backend buffers behind (intermediates of every added kernel are freed)', async () => {
    const step = () =>
      gradsOn(
        'wasm',
        (x, w, d) =>
          tf.add(
            tf.sum(tf.maxPool(tf.conv2dTranspose(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), w as tf.Tensor4D, [1, 10, 9, 2], 2, 'same'), 2, 2, 'same')),
            tf.sum(tf.image.resizeBilinear(tf.depthwiseConv2d(x as tf.Tensor4D, d as tf.Tensor4D, 1, 'same'), [13, 11], false, true)),
          ),
        [
          { shape: [1, 10, 9, 2], seed: 1 },
          { shape: [3, 3, 2, 2], seed: 2 },
          { shape: [3, 3, 2, 2], seed: 3 },
        ],
      );
    await step(); // warm-up
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    await step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});

describe('DepthwiseConv2dNativeBackpropInput and ...Filter on wasm', () => {
  const cases: Array<{ x: number[]; k: number[]; s: [number, number]; d?: [number, number]; pad: Pad }> = [
    { x: [1, 5, 5, 1], k: [3, 3, 1, 1], s: [1, 1], pad: 'valid' },
    { x: [2, 8, 8, 3], k: [3, 3, 3, 2], s: [1, 1], pad: 'same' },
    { x: [2, 9, 7, 2], k: [3, 3, 2, 1], s: [2, 2], pad: 'same' },
    { x: [3, 9, 7, 4], k: [3, 2, 4, 3], s: [2, 2], pad: 'valid' },
    { x: [2, 11, 10, 3], k: [1, 3, 3, 2], s: [2, 1], pad: 'same' },
    { x: [2, 7, 8, 3], k: [3, 3, 3, 1], s: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  ];
  for (const c of cases) {
    const d = c.d ?? [1, 1];
    it(`gives cpu's depthwiseConv2d gradients for x [${c.x}], filter [${c.k}], strides [${c.s}], dilations [${d}], pad ${JSON.stringify(c.pad)}`, async () => {
      await expectSameOnWasm(
        'depthwiseConv2d',
        (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad, 'NHWC', d),
        [
          { shape: c.x, seed: 11 },
          { shape: c.k, seed: 12 },
        ],
      );
    });
  }

  it('honours dilations: equals the gradient of the same filter with zeros inserted, on cpu', async () => {
    // tfjs's gradient refuses dilations > 1 (and cpu's kernels ignore them), so the reference is a
    // dilation-1 depthwise conv whose 3×2 filter is spread to 5×4 with zeros (dilations [2, 3]):
    // same outputs, same SAME padding, and dW is that gradient at rows 0,2,4 and columns 0,3.
    const [x, filter, dy] = [[2, 10, 9, 2], [3, 2, 2, 3], [2, 10, 9, 6]].map((s, k) => ({ s, v: randomValues(s, 16 + k) }));
    await useBackend('cpu');
    const [wantDx, wantDwFull] = tf.tidy(() => {
      const W = tf.tensor4d(filter.v, filter.s as [number, number, number, number]);
      const spread = tf.buffer([5, 4, 2, 3]);
      const Wv = W.arraySync();
      for (let p = 0; p < 3; p++) for (let q = 0; q < 2; q++) for (let c = 0; c < 2; c++) for (let m = 0; m < 3; m++) spread.set(Wv[p][q][c][m], 2 * p, 3 * q, c, m);
      const g = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), tf.tensor(dy.v, dy.s))),
      )([tf.tensor(x.v, x.s), spread.toTensor()]);
      return [g[0].dataSync(), g[1].arraySync() as number[][][][]];
    });
    const wantDw: number[] = [];
    for (let p = 0; p < 3; p++) for (let q = 0; q < 2; q++) for (let c = 0; c < 2; c++) for (let m = 0; m < 3; m++) wantDw.push(wantDwFull[2 * p][3 * q][c][m]);
    await useBackend('wasm');
    const [gotDx, gotDw] = tf.tidy(() => {
      const attrs = { strides: [1, 1], dilations: [2, 3], pad: 'same' };
      const e = tf.engine();
      const dyT = tf.tensor(dy.v, dy.s);
      const dx = e.runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyT, filter: tf.tensor(filter.v, filter.s) }, { ...attrs, inputShape: x.s } as never) as tf.Tensor;
      const dW = e.runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x.v, x.s), dy: dyT }, { ...attrs, filterShape: filter.s } as never) as tf.Tensor;
      return [dx.dataSync(), dW.dataSync()];
    });
    expectClose(gotDx, wantDx, { rtol: 1e-4, atol: 1e-4 }, 'dx');
    expectClose(gotDw, wantDw, { rtol: 1e-4, atol: 1e-4 }, 'dW');
  });

  it("gives cpu's separableConv2d gradients (depthwise ×2, pointwise to 5 channels)", async () => {
    await expectSameOnWasm(
      'separableConv2d',
      (x, dw, pw) => tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, 'same'),
      [
        { shape: [2, 8, 9, 3], seed: 13 },
        { shape: [3, 3, 3, 2], seed: 14 },
        { shape: [1, 1, 6, 5], seed: 15 },
      ],
    );
  });
});

describe('ResizeBilinearGrad and ResizeNearestNeighborGrad on wasm', () => {
  // cpu's own resize gradients are wrong here (nearest: batch or channels > 1; bilinear: height ≠
  // width, halfPixelCenters), so the reference is exact instead: resizing is linear in x, hence
  // d/dx_i Σ_o w_o·resize(x)_o = Σ_o w_o·resize(e_i)_o, from forward passes on basis images e_i.
  async function exactGrad(f: (x: tf.Tensor) => tf.Tensor, shape: number[], w: Float32Array): Promise<Float32Array> {
    await useBackend('cpu');
    return tf.tidy(() => {
      const n = shape.reduce((a, b) => a * b, 1);
      const g = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const e = tf.buffer(shape);
        e.values[i] = 1;
        const y = f(e.toTensor());
        g[i] = tf.sum(tf.mul(y, tf.tensor(w, y.shape))).dataSync()[0];
      }
      return g;
    });
  }

  const cases: Array<{ x: number[]; size: [number, number]; alignCorners: boolean; halfPixelCenters: boolean }> = [
    { x: [2, 5, 4, 3], size: [10, 8], alignCorners: false, halfPixelCenters: false },
    { x: [2, 5, 4, 3], size: [10, 8], alignCorners: false, halfPixelCenters: true },
    { x: [1, 4, 5, 2], size: [7, 9], alignCorners: false, halfPixelCenters: true },
    { x: [2, 5, 4, 1], size: [3, 3], alignCorners: false, halfPixelCenters: true },
    { x: [1, 5, 4, 2], size: [9, 7], alignCorners: true, halfPixelCenters: false },
  ];
  for (const c of cases) {
    for (const method of ['bilinear', 'nearest'] as const) {
      const flags = `alignCorners ${c.alignCorners}, halfPixelCenters ${c.halfPixelCenters}`;
      it(`gives the exact ${method} resize gradient for [${c.x}] → ${c.size.join('×')}, ${flags}`, async () => {
        const f = (x: tf.Tensor) =>
          method === 'bilinear'
            ? tf.image.resizeBilinear(x as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters)
            : tf.image.resizeNearestNeighbor(x as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters);
        const wasm = await gradsOn('wasm', f, [{ shape: c.x, seed: 21 }]);
        const w = randomValues([c.x[0], ...c.size, c.x[3]], 999); // the weight gradsOn uses
        expectClose(wasm.grads[0], await exactGrad(f, c.x, w), { rtol: 1e-5, atol: 1e-5 }, method);
      });
    }
  }
});

describe("forward convolutions with 'same' padding on wasm", () => {
  // A 1-row filter at row stride 2 on an even height: the wasm backend's own 'same' padding is
  // wrong here (max |Δ| ≈ 2.4 against cpu); enableWasmTraining() passes explicit padding instead.
  const x = { shape: [2, 10, 9, 3], seed: 51 };
  it("conv2d and fused conv2d (1×3 filter, stride 2) agree with cpu, gradients too", async () => {
    const w = { shape: [1, 3, 3, 4], seed: 52 };
    await expectSameOnWasm('conv2d', (a, f) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), [x, w]);
    await expectSameOnWasm(
      'fused conv2d',
      (a, f, bias) => tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, bias, strides: 2, pad: 'same', activation: 'relu' }),
      [x, w, { shape: [4], seed: 53 }],
    );
  });
  it('depthwiseConv2d and fused depthwiseConv2d (1×3 filter, stride 2) agree with cpu, gradients too', async () => {
    const w = { shape: [1, 3, 3, 2], seed: 54 };
    await expectSameOnWasm('depthwiseConv2d', (a, f) => tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), [x, w]);
    await expectSameOnWasm(
      'fused depthwiseConv2d',
      (a, f, bias) => tf.fused.depthwiseConv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, bias, strides: 2, pad: 'same' }),
      [x, w, { shape: [6], seed: 55 }],
    );
  });
});

describe('Conv2DBackpropInput (through Conv2D) and Tile (block copies) on wasm', () => {
  it("gives cpu's input gradient with a front padding larger than the filter and NCHW", async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      return tf.tidy(() => {
        const filter = tf.tensor(randomValues([3, 2, 4, 5], 61), [3, 2, 4, 5]);
        const e = tf.engine();
        // Explicit padding of 4 rows on top (> KH − 1) and 3 at the bottom, stride 2.
        const dyA = tf.tensor(randomValues([2, 7, 4, 5], 62), [2, 7, 4, 5]);
        const a = e.runKernel('Conv2DBackpropInput', { dy: dyA, filter }, {
          strides: [2, 2], pad: [[0, 0], [4, 3], [0, 1], [0, 0]], dataFormat: 'NHWC', inputShape: [2, 9, 8, 4],
        } as never) as tf.Tensor;
        const dyB = tf.tensor(randomValues([2, 5, 5, 4], 63), [2, 5, 5, 4]);
        const bNchw = e.runKernel('Conv2DBackpropInput', { dy: dyB, filter }, {
          strides: [2, 2], pad: 'same', dataFormat: 'NCHW', inputShape: [2, 4, 9, 8],
        } as never) as tf.Tensor;
        return [a.dataSync(), bNchw.dataSync()];
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expectClose(wasm[0], cpu[0], { rtol: 1e-4, atol: 1e-4 }, 'explicit padding');
    expectClose(wasm[1], cpu[1], { rtol: 1e-4, atol: 1e-4 }, 'NCHW');
  });

  const tiles: Array<{ shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
    { shape: [1, 1, 1, 5], reps: [3, 4, 6, 1], dtype: 'float32' },
    { shape: [2, 3, 1], reps: [2, 1, 4], dtype: 'float32' },
    { shape: [4], reps: [3], dtype: 'int32' },
    { shape: [2, 1, 3], reps: [1, 5, 2], dtype: 'int32' },
    { shape: [2, 3], reps: [2, 2], dtype: 'bool' },
  ];
  for (const c of tiles) {
    it(`tiles a ${c.dtype} [${c.shape}] by [${c.reps}] as cpu does`, async () => {
      const run = async (backend: 'cpu' | 'wasm') => {
        await useBackend(backend);
        return tf.tidy(() => {
          const v = randomValues(c.shape, 64).map((u) => (c.dtype === 'float32' ? u : Math.round(u * 10)));
          const x = c.dtype === 'bool' ? tf.greater(tf.tensor(v, c.shape), 0) : tf.tensor(v, c.shape, c.dtype);
          const y = tf.tile(x, c.reps);
          return { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
        });
      };
      expect(await run('wasm')).toEqual(await run('cpu'));
    });
  }
});

describe('random configurations (fast-check, fixed seed)', () => {
  // Shapes, windows, strides and paddings drawn at random; every gradient must match cpu.
  const config = fc.record({
    B: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 4, max: 11 }),
    W: fc.integer({ min: 4, max: 11 }),
    C: fc.integer({ min: 1, max: 4 }),
    out: fc.integer({ min: 1, max: 4 }),
    KH: fc.integer({ min: 1, max: 4 }),
    KW: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    pad: fc.constantFrom('same' as const, 'valid' as const),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  });

  it("conv2d, depthwiseConv2d, maxPool and avgPool gradients match cpu on 40 random configurations", async () => {
    await fc.assert(
      fc.asyncProperty(config, async (c) => {
        const x = { shape: [c.B, c.H, c.W, c.C], seed: c.seed };
        const s: [number, number] = [c.sh, c.sw];
        const label = JSON.stringify(c);
        await expectSameOnWasm(`conv2d ${label}`, (a, f) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, c.pad), [
          x,
          { shape: [c.KH, c.KW, c.C, c.out], seed: c.seed + 1 },
        ]);
        await expectSameOnWasm(`depthwiseConv2d ${label}`, (a, f) => tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, c.pad), [
          x,
          { shape: [c.KH, c.KW, c.C, c.out], seed: c.seed + 2 },
        ]);
        await expectSameOnWasm(`maxPool ${label}`, (a) => tf.maxPool(a as tf.Tensor4D, [c.KH, c.KW], s, c.pad), [x]);
        await expectSameOnWasm(`avgPool ${label}`, (a) => tf.avgPool(a as tf.Tensor4D, [c.KH, c.KW], s, c.pad), [x]);
      }),
      { numRuns: 40, seed: 20261129 },
    );
  });
});
