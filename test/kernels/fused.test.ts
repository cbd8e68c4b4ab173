import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { fastExp, log1pUnit, softplus } from '../../src/kernels/fastMath.js';
import { SEGLOSS_KERNELS, fusedAvailable, registerSeglossKernels, setFusedKernels } from '../../src/kernels/register.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose, gradTolerance } from '../helpers/expectClose.js';
import { randomLabels, randomLogits, randomMask, rng } from '../helpers/random.js';

type Factory = (options: Record<string, unknown>) => segloss.LossFn;

interface Case {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  /** yPred shape as given (channels-first when the options say so). */
  shape: number[];
  target: 'binary' | 'soft' | 'ignore' | 'labels' | 'labels1' | 'labelsIgnore' | 'onehot';
  probs?: 'sigmoid' | 'softmax';
}

const CASES: Case[] = [
  { name: 'binary Dice', fn: 'diceLoss', options: {}, shape: [2, 5, 6, 1], target: 'binary' },
  { name: 'multilabel Dice per image over classes [0, 2] with weights', fn: 'diceLoss', options: { mode: 'multilabel', perImage: true, classes: [0, 2], classWeights: [1, 2, 3] }, shape: [3, 4, 5, 3], target: 'binary' },
  { name: 'multilabel Dice with ignoreIndex, channelsFirst', fn: 'diceLoss', options: { mode: 'multilabel', ignoreIndex: -1, dataFormat: 'channelsFirst' }, shape: [2, 3, 4, 5], target: 'ignore' },
  { name: 'squared log-Dice', fn: 'diceLoss', options: { squared: true, logLoss: true, smooth: 0.5 }, shape: [2, 7, 3, 1], target: 'binary' },
  { name: 'soft-label Dice from probabilities', fn: 'diceLoss', options: { softLabel: true, fromLogits: false }, shape: [2, 6, 6, 1], target: 'soft', probs: 'sigmoid' },
  { name: 'multiclass Dice with ignoreIndex, channelsFirst, 3-D', fn: 'diceLoss', options: { mode: 'multiclass', ignoreIndex: 255, dataFormat: 'channelsFirst' }, shape: [2, 4, 3, 4, 5], target: 'labelsIgnore' },
  { name: 'multiclass Jaccard per image with one-hot targets', fn: 'jaccardLoss', options: { mode: 'multiclass', perImage: true, reduction: 'none' }, shape: [2, 5, 5, 4], target: 'onehot' },
  { name: 'multiclass Tversky from probabilities, [B, H, W, 1] labels', fn: 'tverskyLoss', options: { mode: 'multiclass', fromLogits: false, classes: [1, 2] }, shape: [2, 4, 6, 3], target: 'labels1', probs: 'softmax' },
  { name: 'focal Tversky multilabel', fn: 'focalTverskyLoss', options: { mode: 'multilabel', alpha: 0.6, beta: 0.4 }, shape: [2, 6, 5, 2], target: 'binary' },
  { name: 'binary focal', fn: 'focalLoss', options: {}, shape: [2, 8, 8, 1], target: 'binary' },
  { name: 'binary focal γ = 0.5, no α, ignoreIndex, sum', fn: 'focalLoss', options: { gamma: 0.5, alpha: null, ignoreIndex: -1, reduction: 'sum' }, shape: [2, 8, 8, 1], target: 'ignore' },
  { name: 'multilabel focal from probabilities', fn: 'focalLoss', options: { mode: 'multilabel', fromLogits: false, gamma: 3 }, shape: [2, 5, 5, 3], target: 'soft', probs: 'sigmoid' },
  { name: 'multiclass focal with α per class, ignoreIndex, channelsFirst', fn: 'focalLoss', options: { mode: 'multiclass', alpha: [0.2, 0.3, 0.5, 1], ignoreIndex: 255, dataFormat: 'channelsFirst' }, shape: [2, 4, 6, 5], target: 'labelsIgnore' },
  { name: 'multiclass focal from probabilities, γ = 1.5', fn: 'focalLoss', options: { mode: 'multiclass', fromLogits: false, gamma: 1.5, alpha: 0.5 }, shape: [2, 5, 4, 3], target: 'labels', probs: 'softmax' },
  { name: 'BCE with posWeight, labelSmoothing, ignoreIndex', fn: 'bceLoss', options: { posWeight: 2.5, labelSmoothing: 0.1, ignoreIndex: -1 }, shape: [2, 6, 6, 2], target: 'ignore' },
  { name: 'BCE from probabilities, sum', fn: 'bceLoss', options: { fromLogits: false, reduction: 'sum' }, shape: [2, 6, 6, 1], target: 'soft', probs: 'sigmoid' },
  { name: 'cross-entropy with classWeights, labelSmoothing, ignoreIndex', fn: 'crossEntropyLoss', options: { classWeights: [1, 2, 0.5, 3], labelSmoothing: 0.1, ignoreIndex: 255 }, shape: [2, 5, 6, 4], target: 'labelsIgnore' },
  { name: 'cross-entropy from probabilities, channelsFirst, one-hot', fn: 'crossEntropyLoss', options: { fromLogits: false, dataFormat: 'channelsFirst' }, shape: [2, 3, 4, 4], target: 'onehot', probs: 'softmax' },
  { name: 'BCE-Dice binary per image', fn: 'bceDiceLoss', options: { perImage: true, bceWeight: 0.3, diceWeight: 2 }, shape: [3, 6, 6, 1], target: 'binary' },
  { name: 'BCE-Dice multiclass with ignoreIndex', fn: 'bceDiceLoss', options: { mode: 'multiclass', ignoreIndex: 255 }, shape: [2, 6, 5, 4], target: 'labelsIgnore' },
  { name: 'Combo multilabel with ignoreIndex', fn: 'comboLoss', options: { mode: 'multilabel', ignoreIndex: -1, alpha: 0.3, beta: 0.7 }, shape: [2, 5, 5, 3], target: 'ignore' },
  { name: 'Combo from probabilities', fn: 'comboLoss', options: { fromLogits: false }, shape: [2, 5, 5, 1], target: 'binary', probs: 'sigmoid' },
];

/** Random inputs of a case, seeded by its index. */
function inputs(c: Case, seed: number): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  return tf.tidy(() => {
    const first = c.options.dataFormat === 'channelsFirst';
    const C = first ? c.shape[1] : c.shape[c.shape.length - 1];
    const spatial = first ? c.shape.slice(2) : c.shape.slice(1, -1);
    const B = c.shape[0];
    let yPred = randomLogits(c.shape, seed);
    if (c.probs === 'sigmoid') yPred = tf.sigmoid(yPred);
    if (c.probs === 'softmax' && !first) yPred = tf.softmax(yPred);
    if (c.probs === 'softmax' && first) {
      // tf.softmax works on the last axis only: normalize over axis 1 by hand.
      const e = tf.exp(randomLogits(c.shape, seed));
      yPred = tf.div(e, tf.sum(e, 1, true));
    }
    let yTrue: tf.Tensor;
    if (c.target === 'binary') yTrue = randomMask(c.shape, seed + 1);
    else if (c.target === 'soft') {
      const r = rng(seed + 1);
      yTrue = tf.tensor(Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => r()), c.shape);
    } else if (c.target === 'ignore') {
      const r = rng(seed + 1);
      yTrue = tf.tensor(Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => { const u = r(); return u < 0.2 ? -1 : u < 0.5 ? 1 : 0; }), c.shape);
    } else {
      const labels = randomLabels([B, ...spatial], C, seed + 1);
      if (c.target === 'labels') yTrue = labels;
      else if (c.target === 'labels1') yTrue = tf.expandDims(labels, -1);
      else if (c.target === 'labelsIgnore') {
        const r = rng(seed + 2);
        const ignore = tf.tensor(Int32Array.from({ length: labels.size }, () => (r() < 0.25 ? 1 : 0)), labels.shape, 'int32');
        yTrue = tf.where(tf.cast(ignore, 'bool'), tf.fill(labels.shape, 255, 'int32'), labels);
      } else {
        const hot = tf.oneHot(tf.reshape(labels, [-1]), C);
        yTrue = tf.cast(tf.reshape(hot, [B, ...spatial, C]), 'float32');
        if (first) yTrue = tf.transpose(yTrue, [0, yTrue.rank - 1, ...spatial.map((_, i) => i + 1)]);
      }
    }
    return { yTrue, yPred };
  });
}

function valueAndGrad(loss: segloss.LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { value: Float32Array; grad: Float32Array; shape: number[] } {
  const value = loss(yTrue, yPred);
  const out = { value: value.dataSync() as Float32Array, shape: value.shape };
  value.dispose();
  const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred));
  const g = grad.dataSync() as Float32Array;
  grad.dispose();
  return { ...out, grad: g };
}

/** Names of the kernels one call runs. */
async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => f());
  (info.result as tf.Tensor).dispose();
  return info.kernels.map((k) => k.name);
}

describe.each(BACKENDS)('fused kernels on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => void setFusedKernels(true));

  it('are available on this backend', () => {
    expect(fusedAvailable()).toBe(true);
  });

  CASES.forEach((c, k) => {
    it(`${c.fn}() gives the composite path's value and gradient: ${c.name}`, async () => {
      const { yTrue, yPred } = inputs(c, 100 + 7 * k);
      const loss = (segloss as unknown as Record<string, Factory>)[c.fn](c.options);
      setFusedKernels(true);
      const names = await kernelsOf(() => loss(yTrue, yPred));
      expect(names.some((n) => n.startsWith('Segloss'))).toBe(true);
      const before = tf.memory().numTensors;
      const fused = valueAndGrad(loss, yTrue, yPred);
      expect(tf.memory().numTensors).toBe(before);
      setFusedKernels(false);
      expect((await kernelsOf(() => loss(yTrue, yPred))).some((n) => n.startsWith('Segloss'))).toBe(false);
      const composite = valueAndGrad(loss, yTrue, yPred);
      setFusedKernels(true);
      expect(fused.shape).toEqual(composite.shape);
      expectClose(fused.value, composite.value, { rtol: 1e-4, atol: 1e-6 }, `${c.name} value`);
      expectClose(fused.grad, composite.grad, gradTolerance({ rtol: 1e-3, atol: 1e-6 }, composite.grad), `${c.name} grad`);
      tf.dispose([yTrue, yPred]);
    });
  });

  it('a fused call leaves one tensor (its result), also under tf.grad', () => {
    const c = CASES[5];
    const { yTrue, yPred } = inputs(c, 3);
    const loss = segloss.diceLoss(c.options);
    const before = tf.memory().numTensors;
    const value = loss(yTrue, yPred);
    expect(tf.memory().numTensors).toBe(before + 1);
    value.dispose();
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred));
    expect(tf.memory().numTensors).toBe(before + 1);
    grad.dispose();
    tf.dispose([yTrue, yPred]);
  });

  it('crossEntropyLoss() on the fused path rejects a label out of range with the input layer message, leaking nothing', () => {
    const yPred = randomLogits([1, 2, 2, 4], 5);
    const yTrue = tf.tensor([[[0, 1], [7, 2]]], [1, 2, 2], 'int32');
    const before = tf.memory().numTensors;
    expect(() => segloss.crossEntropyLoss()(yTrue, yPred)).toThrow(/^crossEntropyLoss: yTrue class indices must be in \[0, 4\), got 7\.$/);
    expect(() => segloss.diceLoss({ mode: 'multiclass' })(tf.tensor([[[0, 1.5], [1, 2]]], [1, 2, 2]), yPred)).toThrow(/^diceLoss: yTrue class indices must be integers, got 1 non-integral value\(s\)\.$/);
    expect(tf.memory().numTensors).toBe(before + 1); // the one tensor made inline above
    tf.dispose([yPred, yTrue]);
  });

  it.each([
    ['diceLoss', () => segloss.diceLoss()],
    ['focalLoss', () => segloss.focalLoss()],
  ])('%s(): peak tensor memory of forward + backward is 5× yPred, inputs included', async (_name, make) => {
    // tfjs counts bytes per tensor object: yPred + yTrue + the probabilities p (focal: none) + the
    // copies saved for the backward pass (yTrue and p, or yTrue and x; they share storage but count
    // again) + the gradient, at most 5 full-size tensors alive at once; the [6, B, C] sums and
    // scalars add well under 0.05 × yPred here. (The op-by-op version needs 16× and more.)
    const shape = [2, 64, 64, 1];
    const yPred = randomLogits(shape, 9);
    const yTrue = randomMask(shape, 10);
    const loss = make();
    const bytes = yPred.size * 4;
    const others = tf.memory().numBytes - 2 * bytes; // tensors of other tests still alive
    const info = await tf.profile(() => tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred)));
    (info.result as tf.Tensor).dispose();
    expect((info.peakBytes - others) / bytes).toBeGreaterThanOrEqual(4);
    expect((info.peakBytes - others) / bytes).toBeLessThan(5.05);
    tf.dispose([yPred, yTrue]);
  });
});

describe('kernel registration', () => {
  it('registers every Segloss kernel for cpu and wasm, once: a second registration changes nothing', () => {
    const before = SEGLOSS_KERNELS.map((name) => ['cpu', 'wasm'].map((b) => tf.getKernel(name, b)?.kernelFunc));
    registerSeglossKernels();
    registerSeglossKernels();
    const after = SEGLOSS_KERNELS.map((name) => ['cpu', 'wasm'].map((b) => tf.getKernel(name, b)?.kernelFunc));
    expect(before.flat().every((f) => typeof f === 'function')).toBe(true);
    expect(after).toEqual(before);
  });

  it('uses only new kernel names with the Segloss prefix', () => {
    for (const name of SEGLOSS_KERNELS) expect(name).toMatch(/^Segloss[A-Z]/);
    const ours = tf.getKernelsForBackend('cpu').filter((k) => k.kernelName.startsWith('Segloss')).map((k) => k.kernelName);
    expect(ours.sort()).toEqual([...SEGLOSS_KERNELS].sort());
  });
});

describe('fast math of the fused kernels', () => {
  it('fastExp() is within 1e-8 relative of Math.exp over [-80, 80], and keeps NaN', () => {
    let worst = 0;
    for (let x = -80; x <= 80; x += 0.0137) worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x));
    expect(worst).toBeLessThan(1e-8);
    expect(fastExp(NaN)).toBeNaN();
  });

  it('log1pUnit() is within 1e-9 relative of Math.log1p on [0, 1], also for tiny arguments', () => {
    let worst = 0;
    for (let e = 1e-12; e <= 1; e *= 1.01) worst = Math.max(worst, Math.abs(log1pUnit(e) - Math.log1p(e)) / Math.log1p(e));
    expect(worst).toBeLessThan(1e-9);
    expect(log1pUnit(0)).toBe(0);
  });

  it('softplus() matches max(x, 0) + log1p(exp(-|x|)) in relative terms, also for tiny and large values', () => {
    for (const x of [-100, -40, -10, -1, -1e-3, 0, 1e-3, 1, 10, 40, 100]) {
      const want = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      expect(Math.abs(softplus(x) - want)).toBeLessThanOrEqual(1e-8 * want);
    }
  });
});
