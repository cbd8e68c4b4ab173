/**
 * enableWasmTraining() as a switch: opt-in, idempotent, reversible, and a clear error without the
 * wasm backend; and the reason it exists: a small U-Net trains on wasm exactly as on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { disableWasmTraining, enableWasmTraining } from '../../src/index.js';
import { enableTrainingKernels } from '../../src/wasm/enableWasmTraining.js';
import { useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { gradsOn, randomValues } from './compareBackends.js';

const maxPoolGradDiff = async (): Promise<number> => {
  const f = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
  const cpu = await gradsOn('cpu', f, [{ shape: [2, 8, 8, 3], seed: 21 }]);
  const wasm = await gradsOn('wasm', f, [{ shape: [2, 8, 8, 3], seed: 21 }]);
  return Math.max(...cpu.grads[0].map((v, i) => Math.abs(v - wasm.grads[0][i])));
};

describe('enableWasmTraining()', () => {
  // tfjs keeps its kernel registry on globalThis, which test files sharing a worker share too:
  // start from the backend's own kernels whatever ran before, and leave training enabled.
  beforeAll(() => disableWasmTraining());
  afterAll(() => enableWasmTraining());

  it('changes nothing until it is called: the wasm backend lacks Conv2DBackpropFilter and its MaxPoolGrad differs from cpu', async () => {
    // The upstream state this module works around (tfjs-backend-wasm 4.22). If tfjs fixes it,
    // this test fails and the replacement can go.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(await maxPoolGradDiff()).toBeGreaterThan(0.1);
  });

  it('registers the missing kernels and a MaxPoolGrad that agrees with cpu', async () => {
    enableWasmTraining();
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
    expect(await maxPoolGradDiff()).toBeLessThan(1e-6);
  });

  it("keeps each replaced kernel's setupFunc, so a wasm backend started afterwards still sets up the originals", () => {
    disableWasmTraining();
    const own = ['MaxPoolGrad', 'ResizeBilinearGrad', 'Conv2D', 'FusedDepthwiseConv2D'].map((k) => tf.getKernel(k, 'wasm')!);
    enableWasmTraining();
    for (const config of own) {
      const now = tf.getKernel(config.kernelName, 'wasm')!;
      expect(now, config.kernelName).not.toBe(config);
      expect(now.setupFunc, config.kernelName).toBe(config.setupFunc);
    }
    expect(own.some((c) => c.setupFunc != null)).toBe(true);
  });

  it('is idempotent: a second call keeps the same kernels and warns about nothing', () => {
    enableWasmTraining();
    const before = tf.getKernel('MaxPoolGrad', 'wasm');
    const warn = vi.spyOn(console, 'warn');
    enableWasmTraining();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(before);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("disableWasmTraining() restores the backend's own kernels, and enabling again works", async () => {
    disableWasmTraining();
    const ownMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(await maxPoolGradDiff()).toBeGreaterThan(0.1);
    enableWasmTraining();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(ownMaxPoolGrad);
    disableWasmTraining();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(ownMaxPoolGrad);
    enableWasmTraining();
    expect(await maxPoolGradDiff()).toBeLessThan(1e-6);
  });

  it('throws a clear error for a backend that is not registered', () => {
    expect(() => enableTrainingKernels('noSuchBackend')).toThrow(
      /^enableWasmTraining: the 'noSuchBackend' backend must be registered first \(import '@tensorflow\/tfjs-backend-wasm' before calling it\), got no 'noSuchBackend' Conv2D kernel\.$/,
    );
  });
});

describe('a small U-Net on wasm with enableWasmTraining()', () => {
  /** conv–BN–conv, maxPool, conv, separable conv, bilinear upsampling and transposed conv, concat, 1×1 sigmoid. */
  function uNet(): tf.LayersModel {
    const input = tf.input({ shape: [16, 16, 2] });
    const conv = (x: tf.SymbolicTensor, filters: number, name: string) =>
      tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name }).apply(x) as tf.SymbolicTensor;
    let e1 = conv(input, 4, 'e1a');
    e1 = tf.layers.batchNormalization({ name: 'bn1' }).apply(e1) as tf.SymbolicTensor;
    e1 = conv(e1, 4, 'e1b');
    const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(e1) as tf.SymbolicTensor;
    let m = conv(p1, 8, 'mid');
    m = tf.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', depthMultiplier: 2, name: 'sep' }).apply(m) as tf.SymbolicTensor;
    const upA = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: 'up' }).apply(m) as tf.SymbolicTensor;
    const upB = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2, name: 'upT' }).apply(m) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([upA, upB, e1]) as tf.SymbolicTensor;
    const d1 = conv(cat, 4, 'd1');
    const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'out' }).apply(d1) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }

  async function train(backend: 'cpu' | 'wasm', init: Float32Array[]): Promise<{ loss: number[]; weights: Float32Array[] }> {
    await useBackend(backend);
    const model = uNet();
    model.setWeights(init.map((v, k) => tf.tensor(v, model.getWeights()[k].shape)));
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
    const x = tf.tensor(randomValues([8, 16, 16, 2], 31), [8, 16, 16, 2]);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.tensor(randomValues([8, 16, 16, 1], 32), [8, 16, 16, 1]), 0), 'float32'));
    const history = await model.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return { loss: history.history.loss as number[], weights };
  }

  it('ends 4 SGD steps with the same loss and weights as on cpu', async () => {
    enableWasmTraining();
    await useBackend('cpu');
    const seedModel = uNet();
    const init = seedModel.getWeights().map((w, k) => randomValues(w.shape, 40 + k).map((v) => v * 0.5 + (w.shape.length === 1 ? 1 : 0)));
    seedModel.dispose();
    const cpu = await train('cpu', init);
    const wasm = await train('wasm', init);
    expectClose(wasm.loss, cpu.loss, { rtol: 1e-4, atol: 1e-5 }, 'loss');
    // Weights moved (so the comparison is not vacuous) and moved the same way on both backends.
    expect(Math.max(...cpu.weights[0].map((v, i) => Math.abs(v - init[0][i])))).toBeGreaterThan(1e-3);
    cpu.weights.forEach((w, k) => expectClose(wasm.weights[k], w, { rtol: 1e-3, atol: 1e-4 }, `weight ${k}`));
  });
});
