/**
 * The SIMD WebAssembly kernels (src/kernels/simd/seglossSimd.wat) inside the fused kernels: on
 * `wasm` the fused kernels really call them (counted through a delegating wrapper of
 * `simdKernelsFor`), and losses and gradients agree with the JavaScript loops; on `cpu` they run
 * on copies in the arena. The exports against float64 closed forms: simdClosedForms.test.ts; the
 * tape sharing of `customOp`: tapeSharing.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as segloss from '../../src/index.js';
import { setFusedKernels } from '../../src/kernels/register.js';
import { gammaMode, setSimdKernels, simdKernelsFor, type SimdKernels } from '../../src/kernels/simd/simdKernels.js';
import { useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { randomLabels, randomLogits, randomMask, rng } from '../helpers/random.js';

/** Calls of each SIMD export made through `simdKernelsFor` (the fused kernels' only way in). */
const calls = vi.hoisted(() => new Map<string, number>());

// `simdKernelsFor` returns the frozen exports of a WebAssembly instance, so its functions cannot
// be spied on in place: the mock returns the same kernels behind a wrapper that counts each call
// and delegates it unchanged (same arguments, same globals s0..s5). Null stays null.
vi.mock('../../src/kernels/simd/simdKernels.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/kernels/simd/simdKernels.js')>();
  const wrappers = new WeakMap<object, SimdKernels>();
  const wrap = (kernels: SimdKernels): SimdKernels => {
    let w = wrappers.get(kernels);
    if (!w) {
      const entries = Object.entries(kernels).map(([name, v]) => [
        name,
        typeof v === 'function'
          ? (...args: unknown[]) => {
              calls.set(name, (calls.get(name) ?? 0) + 1);
              return (v as (...a: unknown[]) => unknown)(...args);
            }
          : v,
      ]);
      w = Object.fromEntries(entries) as unknown as SimdKernels;
      wrappers.set(kernels, w);
    }
    return w;
  };
  return {
    ...real,
    simdKernelsFor: (backend: tf.KernelBackend) => {
      const kernels = real.simdKernelsFor(backend);
      return kernels ? wrap(kernels) : null;
    },
  };
});

type Factory = (options: Record<string, unknown>) => segloss.LossFn;
const factory = (fn: string): Factory => (segloss as unknown as Record<string, Factory>)[fn];

const SIGMOID_EXPORTS = ['sigmoidRegion', 'sigmoidRegionBce', 'sigmoidFocal', 'sigmoidRegionGrad', 'sigmoidFocalGrad', 'sigmoidLanes', 'sigmoidLanesGrad', 'regionProbs', 'regionProbsGrad'];
const SOFTMAX_EXPORTS = ['softmaxForward', 'softmaxBackward', 'softmaxDenseForward', 'softmaxDenseBackward', 'softmaxCfForward', 'softmaxCfBackward'];

function callCounts(): Record<string, number> {
  return Object.fromEntries([...SIGMOID_EXPORTS, ...SOFTMAX_EXPORTS].map((n) => [n, calls.get(n) ?? 0]));
}

/** Value and gradient (w.r.t. yPred) of a scalar loss, read back; nothing is left behind. */
function valueAndGrad(loss: segloss.LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { value: Float32Array; grad: Float32Array } {
  const { value, grads } = tf.tidy(() => tf.valueAndGrads((x: tf.Tensor) => loss(yTrue, x))([yPred]));
  const out = { value: value.dataSync().slice() as Float32Array, grad: grads[0].dataSync().slice() as Float32Array };
  tf.dispose([value, ...grads]);
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

// ------------------------------------------------------------------------------------------------
// Agreement of the SIMD kernels with the JavaScript loops, through the losses on `wasm`.

interface AgreeCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  /** yPred shape as given (channels-first when the options say so). */
  shape: number[];
  /** Targets: 0/1 mask in yPred's layout, or class indices (int32 / float32), optionally 20 % ignored (255). */
  target: 'mask' | 'maskIgnore' | 'int32' | 'float32' | 'int32Ignore' | 'float32Ignore' | 'onehot' | 'soft';
  /** Put logits of ±100 into yPred. */
  extreme: boolean;
  /** The SIMD exports the loss must call. */
  kernels: string[];
  /** Pass yPred channels first (made channels last, then transposed). */
  channelsFirst?: boolean;
  /** Pass probabilities σ(yPred) (with `fromLogits: false`). */
  probs?: boolean;
}

const BINARY_SHAPES = [
  [2, 17, 9, 1], // S = 153 = 4·38 + 1: SIMD for 152 elements, JavaScript for the last one
  [3, 64, 64, 1], // S = 4096: SIMD only
];

const BINARY_LOSSES: { fn: string; options: Record<string, unknown>; kernels: string[] }[] = [
  { fn: 'diceLoss', options: {}, kernels: ['sigmoidRegion', 'sigmoidRegionGrad'] },
  { fn: 'jaccardLoss', options: {}, kernels: ['sigmoidRegion', 'sigmoidRegionGrad'] },
  { fn: 'tverskyLoss', options: { alpha: 0.3, beta: 0.7 }, kernels: ['sigmoidRegion', 'sigmoidRegionGrad'] },
  { fn: 'bceLoss', options: {}, kernels: ['sigmoidRegionBce', 'sigmoidRegionGrad'] },
  { fn: 'bceLoss', options: { posWeight: 2.5, labelSmoothing: 0.1 }, kernels: ['sigmoidRegionBce', 'sigmoidRegionGrad'] },
  { fn: 'focalLoss', options: {}, kernels: ['sigmoidFocal', 'sigmoidFocalGrad'] },
  { fn: 'focalLoss', options: { gamma: 1.5, alpha: 0.3 }, kernels: ['sigmoidFocal', 'sigmoidFocalGrad'] },
  { fn: 'focalLoss', options: { gamma: 0 }, kernels: ['sigmoidFocal', 'sigmoidFocalGrad'] },
  { fn: 'focalLoss', options: { gamma: 1 }, kernels: ['sigmoidFocal', 'sigmoidFocalGrad'] },
  { fn: 'bceDiceLoss', options: {}, kernels: ['sigmoidRegionBce', 'sigmoidRegionGrad'] },
  { fn: 'comboLoss', options: {}, kernels: ['sigmoidRegionBce', 'sigmoidRegionGrad'] },
];

const MULTICLASS_LOSSES: { fn: string; options: Record<string, unknown>; ignore?: boolean }[] = [
  { fn: 'diceLoss', options: { mode: 'multiclass' } },
  { fn: 'focalLoss', options: { mode: 'multiclass' } },
  { fn: 'focalLoss', options: { mode: 'multiclass', gamma: 1.5, alpha: 0.3 } },
  { fn: 'crossEntropyLoss', options: {} },
  { fn: 'crossEntropyLoss', options: { ignoreIndex: 255 }, ignore: true },
  { fn: 'crossEntropyLoss', options: { classWeights: 'ramp' } },
  { fn: 'crossEntropyLoss', options: { labelSmoothing: 0.1, classWeights: 'ramp' } },
  { fn: 'crossEntropyLoss', options: { labelSmoothing: 0.2, ignoreIndex: 255 }, ignore: true },
  { fn: 'jaccardLoss', options: { mode: 'multiclass', ignoreIndex: 255 }, ignore: true },
];

const AGREE_CASES: AgreeCase[] = [];
for (const shape of BINARY_SHAPES) {
  BINARY_LOSSES.forEach((l, k) =>
    AGREE_CASES.push({ name: `binary [${shape}] ${JSON.stringify(l.options)}`, fn: l.fn, options: l.options, shape, target: 'mask', extreme: k % 2 === 0, kernels: l.kernels }),
  );
}
BINARY_LOSSES.forEach((l, k) => {
  const options = { ...l.options, mode: 'multilabel', dataFormat: 'channelsFirst' };
  AGREE_CASES.push({ name: `multilabel channelsFirst [2,3,5,5] ${JSON.stringify(l.options)}`, fn: l.fn, options, shape: [2, 3, 5, 5], target: 'mask', extreme: k % 2 === 1, kernels: l.kernels });
});
// With ignoreIndex −1 (about 10 % of the targets): the SIMD kernels mask those elements when a
// group is a whole number of vectors ([3, 64, 64, 1], the lane layouts), the JavaScript loops do
// the rest ([2, 17, 9, 1]).
for (const shape of [
  [2, 17, 9, 1],
  [3, 64, 64, 1],
  [2, 5, 7, 4],
]) {
  BINARY_LOSSES.forEach((l, k) => {
    const options = { ...l.options, ignoreIndex: -1, ...(shape[3] > 1 ? { mode: 'multilabel' } : {}) };
    const simd = (shape[1] * shape[2]) % 4 === 0 || shape[3] > 1;
    const kernels = !simd ? [] : shape[3] > 1 ? ['sigmoidLanes', 'sigmoidLanesGrad'] : l.kernels;
    AGREE_CASES.push({ name: `with ignoreIndex [${shape}] ${JSON.stringify(l.options)}`, fn: l.fn, options, shape, target: 'maskIgnore', extreme: k % 2 === 1, kernels });
  });
}
// Region losses from probabilities (fromLogits: false): their own kernels.
for (const [shape, extra] of [
  [[2, 17, 9, 1], {}],
  [[3, 64, 64, 1], {}],
  [[3, 64, 64, 1], { ignoreIndex: -1 }],
  [[2, 3, 5, 5], { mode: 'multilabel', dataFormat: 'channelsFirst' }],
] as [number[], Record<string, unknown>][]) {
  for (const l of [
    { fn: 'diceLoss', options: {} },
    { fn: 'jaccardLoss', options: { perImage: true } },
    { fn: 'tverskyLoss', options: { alpha: 0.3, beta: 0.7 } },
  ]) {
    const options = { ...l.options, ...extra, fromLogits: false };
    AGREE_CASES.push({
      name: `probabilities [${shape}] ${JSON.stringify({ ...l.options, ...extra })}`,
      fn: l.fn,
      options,
      shape,
      target: 'ignoreIndex' in extra ? 'maskIgnore' : 'mask',
      extreme: false,
      kernels: ['regionProbs', 'regionProbsGrad'],
      probs: true,
    });
  }
}
// Channels last with C a multiple of 4: the lane kernels (one vector = four classes of a pixel).
for (const shape of [
  [2, 5, 7, 4],
  [2, 3, 5, 8],
]) {
  BINARY_LOSSES.forEach((l, k) => {
    const options = { ...l.options, mode: 'multilabel' };
    AGREE_CASES.push({ name: `multilabel channelsLast [${shape}] ${JSON.stringify(l.options)}`, fn: l.fn, options, shape, target: 'mask', extreme: k % 2 === 0, kernels: ['sigmoidLanes', 'sigmoidLanesGrad'] });
  });
}
for (const C of [2, 3, 4, 5, 8, 9]) {
  for (const dtype of ['int32', 'float32'] as const) {
    MULTICLASS_LOSSES.forEach((l, k) => {
      const options = l.options.classWeights === 'ramp' ? { ...l.options, classWeights: Array.from({ length: C }, (_, c) => 0.5 + c / 4) } : l.options;
      AGREE_CASES.push({
        name: `multiclass C = ${C}, ${dtype} labels ${JSON.stringify(options)}`,
        fn: l.fn,
        options,
        shape: [2, 7, 5, C],
        target: l.ignore ? `${dtype}Ignore` : dtype,
        extreme: (k + C) % 2 === 0,
        kernels: ['softmaxForward', 'softmaxBackward'],
      });
    });
  }
  // Channels first (index labels; 4·5 pixels per image, a whole number of vectors).
  for (const dtype of ['int32', 'float32'] as const) {
    MULTICLASS_LOSSES.forEach((l, k) => {
      const base = l.options.classWeights === 'ramp' ? { ...l.options, classWeights: Array.from({ length: C }, (_, c) => 0.5 + c / 4) } : l.options;
      const options = { ...base, dataFormat: 'channelsFirst' };
      AGREE_CASES.push({
        name: `multiclass channelsFirst C = ${C}, ${dtype} labels ${JSON.stringify(base)}`,
        fn: l.fn,
        options,
        shape: [2, 4, 5, C],
        target: l.ignore ? `${dtype}Ignore` : dtype,
        extreme: (k + C) % 2 === 1,
        kernels: ['softmaxCfForward', 'softmaxCfBackward'],
        channelsFirst: true,
      });
    });
  }
  // One-hot and soft targets in yPred's layout: the dense kernels.
  for (const target of ['onehot', 'soft'] as const) {
    MULTICLASS_LOSSES.filter((l) => !l.ignore).forEach((l, k) => {
      const options = l.options.classWeights === 'ramp' ? { ...l.options, classWeights: Array.from({ length: C }, (_, c) => 0.5 + c / 4) } : l.options;
      AGREE_CASES.push({
        name: `multiclass C = ${C}, ${target} targets ${JSON.stringify(options)}`,
        fn: l.fn,
        options,
        shape: [2, 7, 5, C],
        target,
        extreme: (k + C) % 2 === 1,
        kernels: ['softmaxDenseForward', 'softmaxDenseBackward'],
      });
    });
  }
}

/** Inputs of a case: random logits (with ±100 where asked) and targets, seeded by `seed`. */
function agreeInputs(c: AgreeCase, seed: number): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = randomLogits(c.shape, seed);
  const xs = x.dataSync().slice() as Float32Array;
  x.dispose();
  if (c.target === 'mask' || c.target === 'maskIgnore') {
    if (c.extreme) for (let i = 0; i < n; i++) if (i % 13 === 3) xs[i] = i % 2 ? 100 : -100;
    const maskT = randomMask(c.shape, seed + 1);
    const mask = maskT.dataSync().slice() as Float32Array;
    maskT.dispose();
    if (c.target === 'maskIgnore') {
      const r = rng(seed + 3);
      for (let i = 0; i < n; i++) if (r() < 0.1) mask[i] = -1;
    }
    return { yTrue: tf.tensor(mask, c.shape), yPred: tf.tensor(xs, c.shape) };
  }
  const C = c.shape[c.shape.length - 1];
  const S = n / C;
  const labelsT = randomLabels(c.shape.slice(0, -1), C, seed + 1);
  const labels = labelsT.dataSync().slice();
  labelsT.dispose();
  const r = rng(seed + 2);
  if (c.target.endsWith('Ignore')) for (let j = 0; j < S; j++) if (r() < 0.2) labels[j] = 255;
  if (c.extreme) {
    for (let j = 0; j < S; j++) {
      const l = labels[j] === 255 ? 0 : labels[j];
      // Every 5th pixel: the label's logit at −100 and another at +100 (p_l underflows, CE ≈ 200);
      // the next one: the label's logit at +100 (p_l = 1).
      if (j % 5 === 1) {
        xs[j * C + l] = -100;
        xs[j * C + ((l + 1) % C)] = 100;
      } else if (j % 5 === 2) xs[j * C + l] = 100;
    }
  }
  if (c.target === 'onehot' || c.target === 'soft') {
    // One-hot rows of the labels, or soft rows (random, normalised) for 'soft'.
    const dense = new Float32Array(n);
    for (let j = 0; j < S; j++) {
      if (c.target === 'onehot') dense[j * C + (labels[j] === 255 ? 0 : labels[j])] = 1;
      else {
        let sum = 0;
        for (let k = 0; k < C; k++) sum += dense[j * C + k] = r() + 0.01;
        for (let k = 0; k < C; k++) dense[j * C + k] /= sum;
      }
    }
    return { yTrue: tf.tensor(dense, c.shape), yPred: tf.tensor(xs, c.shape) };
  }
  const dtype = c.target.startsWith('int32') ? 'int32' : 'float32';
  return { yTrue: tf.tensor(labels, c.shape.slice(0, -1), dtype), yPred: tf.tensor(xs, c.shape) };
}

describe('SIMD kernels on wasm agree with the JavaScript loops', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => {
    setSimdKernels(true);
    setFusedKernels(true);
  });
  beforeEach(() => {
    setSimdKernels(true);
    setFusedKernels(true);
  });

  it('simdKernelsFor() returns the kernels on wasm (so the SIMD path is exercised)', () => {
    const k = simdKernelsFor(tf.backend());
    expect(k).not.toBeNull();
    for (const name of [...SIGMOID_EXPORTS, ...SOFTMAX_EXPORTS]) expect(typeof (k as unknown as Record<string, unknown>)[name]).toBe('function');
    expect(k!.s0).toBeInstanceOf(WebAssembly.Global);
  });

  it('setSimdKernels(false) turns them off and returns the previous setting', () => {
    expect(setSimdKernels(false)).toBe(true);
    expect(simdKernelsFor(tf.backend())).toBeNull();
    expect(setSimdKernels(true)).toBe(false);
    expect(simdKernelsFor(tf.backend())).not.toBeNull();
  });

  it('gammaMode() takes γ = 0, 1, 2 exactly and any other γ by exp(γ·log q)', () => {
    expect([0, 1, 2, 1.5, 0.5, 3].map(gammaMode)).toEqual([0, 1, 2, 3, 3, 3]);
  });

  AGREE_CASES.forEach((c, k) => {
    it(`${c.fn}() gives the JavaScript loops' value and gradient: ${c.name}${c.extreme ? ', logits ±100' : ''}`, () => {
      const made = agreeInputs(c, 1000 + 17 * k);
      const { yTrue } = made;
      const yPred = c.channelsFirst ? tf.transpose(made.yPred, [0, 3, 1, 2]) : c.probs ? tf.sigmoid(made.yPred) : made.yPred;
      if (c.channelsFirst || c.probs) made.yPred.dispose();
      const loss = factory(c.fn)(c.options);

      calls.clear();
      setSimdKernels(true);
      const before = tf.memory().numTensors;
      const simd = valueAndGrad(loss, yTrue, yPred);
      expect(tf.memory().numTensors).toBe(before);
      const used = callCounts();
      for (const name of c.kernels) expect(used[name], `${name} calls`).toBeGreaterThan(0);

      calls.clear();
      setSimdKernels(false);
      const js = valueAndGrad(loss, yTrue, yPred);
      setSimdKernels(true);
      expect(Object.values(callCounts()).every((v) => v === 0)).toBe(true);

      expect(allFinite(simd.value) && allFinite(simd.grad)).toBe(true);
      expect(allFinite(js.value) && allFinite(js.grad)).toBe(true);
      expectClose(simd.value, js.value, { rtol: 2e-6, atol: 0 }, `${c.name} value`);
      expectClose(simd.grad, js.grad, { rtol: 0, atol: 1e-5 * maxAbs(js.grad) }, `${c.name} grad`);
      tf.dispose([yTrue, yPred]);
    });
  });

  it('the fused sigmoid kernels call the SIMD exports once per (image, channel) group, forward and backward', () => {
    // diceLoss on [2, 3, 5, 5] channels-first multilabel: B·C = 6 groups of S = 25 elements.
    const yPred = randomLogits([2, 3, 5, 5], 1);
    const yTrue = randomMask([2, 3, 5, 5], 2);
    const loss = segloss.diceLoss({ mode: 'multilabel', dataFormat: 'channelsFirst' });
    calls.clear();
    valueAndGrad(loss, yTrue, yPred);
    expect(callCounts()).toMatchObject({ sigmoidRegion: 6, sigmoidRegionGrad: 6, softmaxForward: 0, softmaxBackward: 0 });
    tf.dispose([yTrue, yPred]);
  });

  it('the fused softmax kernels call the SIMD exports once per image, forward and backward', () => {
    const yPred = randomLogits([3, 4, 5, 6], 3);
    const yTrue = randomLabels([3, 4, 5], 6, 4);
    calls.clear();
    valueAndGrad(segloss.crossEntropyLoss(), yTrue, yPred);
    expect(callCounts()).toMatchObject({ softmaxForward: 3, softmaxBackward: 3, sigmoidRegion: 0 });
    tf.dispose([yTrue, yPred]);
  });

  it('cases outside the SIMD kernels keep the JavaScript loops (channels-last multilabel with C not a multiple of 4, ignoreIndex or channels-first multiclass with S not a multiple of 4, BCE from probabilities)', () => {
    const cases: [segloss.LossFn, tf.Tensor, tf.Tensor][] = [
      [segloss.diceLoss({ mode: 'multilabel' }), randomMask([2, 4, 4, 3], 1), randomLogits([2, 4, 4, 3], 2)],
      [segloss.diceLoss({ ignoreIndex: -1 }), randomMask([2, 5, 3, 1], 1), randomLogits([2, 5, 3, 1], 2)],
      [segloss.bceLoss({ fromLogits: false }), randomMask([2, 4, 4, 1], 1), tf.sigmoid(randomLogits([2, 4, 4, 1], 2))],
      [segloss.crossEntropyLoss({ dataFormat: 'channelsFirst' }), randomLabels([2, 5, 3], 3, 1), randomLogits([2, 3, 5, 3], 2)],
    ];
    for (const [loss, yTrue, yPred] of cases) {
      calls.clear();
      valueAndGrad(loss, yTrue, yPred);
      expect(Object.values(callCounts()).every((v) => v === 0)).toBe(true);
      tf.dispose([yTrue, yPred]);
    }
  });

  it('the SIMD path computes differently rounded numbers from the JavaScript loops (so the comparison above compares two computations)', () => {
    // A large binary case: the float32 approximations of exp differ from the JavaScript ones in
    // the last bits somewhere among 3·64·64 gradient elements.
    const yPred = randomLogits([3, 64, 64, 1], 11);
    const yTrue = randomMask([3, 64, 64, 1], 12);
    const loss = segloss.bceDiceLoss();
    setSimdKernels(true);
    const a = valueAndGrad(loss, yTrue, yPred);
    setSimdKernels(false);
    const b = valueAndGrad(loss, yTrue, yPred);
    setSimdKernels(true);
    let differing = 0;
    for (let i = 0; i < a.grad.length; i++) if (a.grad[i] !== b.grad[i]) differing++;
    expect(differing).toBeGreaterThan(0);
    // ... and both are deterministic: the same setting twice gives the same bits.
    const again = valueAndGrad(loss, yTrue, yPred);
    expect(Array.from(again.grad)).toEqual(Array.from(a.grad));
    expect(again.value[0]).toBe(a.value[0]);
    tf.dispose([yTrue, yPred]);
  });
});

describe('SIMD kernels on cpu', () => {
  beforeAll(() => useBackend('cpu'));

  it('simdKernelsFor() returns null on cpu (its heap is not WebAssembly memory)', () => {
    expect(simdKernelsFor(tf.backend())).toBeNull();
  });
});
