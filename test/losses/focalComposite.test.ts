/**
 * focalLoss on the composite path, the one webgl, webgpu and every backend without the fused
 * kernels run: one custom-gradient op with a closed-form gradient. Checked against the fused path
 * over a grid of options, against float64 central differences of a transcription of the SPEC, for
 * its peak tensor memory and for leaks; on cpu and wasm with the fused kernels switched off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { focalLoss, type FocalLossOptions, type LossFn } from '../../src/index.js';
import { setFusedKernels } from '../../src/kernels/register.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose, type Tolerance } from '../helpers/expectClose.js';
import { channelsFirstPerm } from '../helpers/lossValue.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { randomLabels, randomLogits, randomMask, rng } from '../helpers/random.js';

type Mode = 'binary' | 'multilabel' | 'multiclass';
type Reduction = 'mean' | 'sum' | 'none';

/** Channels-last shapes of the grid: C = 1, 3 and 4 (the length of the per-class α below). */
const SHAPES: Record<Mode, number[]> = { binary: [2, 5, 6, 1], multilabel: [2, 4, 5, 3], multiclass: [2, 4, 5, 4] };
const ALPHAS: Record<Mode, (number | number[] | null | undefined)[]> = {
  binary: [undefined, 0.8, null],
  multilabel: [0.25, null, 0.6],
  multiclass: [[0.2, 0.3, 0.5, 1], undefined, 0.5],
};
const GAMMAS = [0, 1, 1.5, 2, 3];
const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

interface Case {
  mode: Mode;
  fromLogits: boolean;
  gamma: number;
  alpha: number | number[] | null | undefined;
  reduction: Reduction;
  ignore: boolean;
  first: boolean;
  /** Every fourth logit set to ±100 (before the activation, for probabilities). */
  extreme: boolean;
  /** Binary / multilabel: soft targets in [0, 1]; multiclass: one-hot instead of index targets. */
  dense: boolean;
}

function label(c: Case): string {
  return [
    c.mode,
    c.fromLogits ? 'from logits' : 'from probabilities',
    `γ = ${c.gamma}`,
    `α ${c.alpha === undefined ? 'default' : JSON.stringify(c.alpha)}`,
    `'${c.reduction}'`,
    ...(c.ignore ? ['ignoreIndex'] : []),
    ...(c.first ? ['channelsFirst'] : []),
    ...(c.extreme ? ['logits ±100'] : []),
    ...(c.dense ? [c.mode === 'multiclass' ? 'one-hot' : 'soft targets'] : []),
  ].join(', ');
}

/** Each mode × fromLogits × γ with each reduction; α, ignoreIndex, layout, ±100 and target kind cycle. */
const GRID: Case[] = [];
for (const mode of ['binary', 'multilabel', 'multiclass'] as Mode[]) {
  for (const fromLogits of [true, false]) {
    GAMMAS.forEach((gamma, g) => {
      REDUCTIONS.forEach((reduction, r) => {
        const k = GRID.length;
        const ignore = (g + r) % 2 === 0;
        GRID.push({
          mode,
          fromLogits,
          gamma,
          alpha: ALPHAS[mode][(g + r) % 3],
          reduction,
          ignore,
          first: (g + 2 * r + (fromLogits ? 0 : 1)) % 2 === 1,
          extreme: k % 3 === 0,
          // Index targets carry the ignored pixels in multiclass mode.
          dense: mode === 'multiclass' ? !ignore && r === 1 : !ignore && k % 2 === 0,
        });
      });
    });
  }
}

const IGNORE: Record<Mode, number> = { binary: -1, multilabel: -1, multiclass: 255 };

function optionsOf(c: Case, reduction: Reduction = c.reduction): FocalLossOptions {
  return {
    mode: c.mode,
    fromLogits: c.fromLogits,
    gamma: c.gamma,
    ...(c.alpha === undefined ? {} : { alpha: c.alpha }),
    reduction,
    ...(c.ignore ? { ignoreIndex: IGNORE[c.mode] } : {}),
    ...(c.first ? { dataFormat: 'channelsFirst' as const } : {}),
  };
}

/** Inputs of a case (yPred and dense targets transposed to channels-first where it says so). */
function inputs(c: Case, seed: number): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  return tf.tidy(() => {
    const shape = SHAPES[c.mode];
    const C = shape[shape.length - 1];
    let x = randomLogits(shape, seed);
    if (c.extreme) {
      const v = x.dataSync().slice();
      for (let i = 0; i < v.length; i += 4) v[i] = i % 8 === 0 ? 100 : -100;
      x = tf.tensor(v, shape);
    }
    if (!c.fromLogits) x = c.mode === 'multiclass' ? tf.softmax(x) : tf.sigmoid(x);
    let t: tf.Tensor;
    if (c.mode === 'multiclass') {
      const labels = randomLabels(shape.slice(0, -1), C, seed + 1);
      if (c.dense) t = tf.cast(tf.oneHot(labels, C), 'float32');
      else if (c.ignore) {
        const r = rng(seed + 2);
        const drop = tf.tensor(Int32Array.from({ length: labels.size }, () => (r() < 0.25 ? 1 : 0)), labels.shape, 'int32');
        t = tf.where(tf.cast(drop, 'bool'), tf.fill(labels.shape, IGNORE.multiclass, 'int32'), labels);
      } else t = labels;
    } else if (c.dense) {
      const r = rng(seed + 1);
      t = tf.tensor(Float32Array.from({ length: x.size }, () => r()), shape);
    } else if (c.ignore) {
      const r = rng(seed + 1);
      t = tf.tensor(Float32Array.from({ length: x.size }, () => { const u = r(); return u < 0.2 ? -1 : u < 0.5 ? 1 : 0; }), shape);
    } else t = randomMask(shape, seed + 1);
    if (!c.first) return { yTrue: t, yPred: x };
    return { yTrue: t.rank === x.rank ? tf.transpose(t, channelsFirstPerm(t.rank)) : t, yPred: tf.transpose(x, channelsFirstPerm(x.rank)) };
  });
}

/** Value and gradient of Σ loss(yTrue, ·) at yPred. */
function valueAndGrad(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { value: Float32Array; shape: number[]; grad: Float32Array } {
  const value = loss(yTrue, yPred);
  const out = { value: value.dataSync() as Float32Array, shape: value.shape };
  value.dispose();
  const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred));
  const g = grad.dataSync() as Float32Array;
  grad.dispose();
  return { ...out, grad: g };
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/** rtol, with atol a fraction of the largest entry of `want`. */
const relative = (rtol: number, atolFraction: number, want: ArrayLike<number>): Tolerance => ({ rtol, atol: atolFraction * maxAbs(want) });

/** Names of the kernels one call runs. */
async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => f());
  (info.result as tf.Tensor).dispose();
  return info.kernels.map((k) => k.name);
}

// ---------------------------------------------------------------------------------------------
// A float64 transcription of the SPEC (channels-last), for central differences.

const LO = Math.fround(1e-7); // the clamp bounds as float32, as the composite and fused paths see them
const HI = Math.fround(1 - 1e-7);
const powSafe = (q: number, gamma: number): number => (gamma === 0 ? 1 : q > 0 ? q ** gamma : 0);

interface Reference {
  mode: Mode;
  fromLogits: boolean;
  gamma: number;
  alpha: number | number[] | null;
  ignoreIndex?: number;
  reduction: Reduction;
  /** Upstream weights of the map for `'none'` (the reference then returns Σ w·map). */
  weights?: ArrayLike<number>;
}

/** The loss (or Σ w·map for `'none'`) in float64, per the SPEC's formulas. */
function reference(x: ArrayLike<number>, shape: number[], yTrue: ArrayLike<number>, o: Reference): number {
  const C = shape[shape.length - 1];
  let total = 0;
  let count = 0;
  if (o.mode !== 'multiclass') {
    for (let i = 0; i < x.length; i++) {
      if (o.ignoreIndex !== undefined && yTrue[i] === o.ignoreIndex) continue;
      const t = yTrue[i];
      let p: number;
      let ce: number;
      if (o.fromLogits) {
        p = 1 / (1 + Math.exp(-x[i]));
        ce = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i]))) - x[i] * t;
      } else {
        p = x[i];
        const pc = Math.min(Math.max(p, LO), HI);
        ce = -(t * Math.log(pc) + (1 - t) * Math.log(1 - pc));
      }
      const at = o.alpha === null ? 1 : (o.alpha as number) * t + (1 - (o.alpha as number)) * (1 - t);
      total += (o.weights ? o.weights[i] : 1) * at * powSafe(p + t - 2 * p * t, o.gamma) * ce;
      count += 1;
    }
  } else {
    const dense = yTrue.length === x.length;
    for (let j = 0; j < x.length / C; j++) {
      const labelJ = dense ? -1 : yTrue[j];
      if (!dense && o.ignoreIndex !== undefined && labelJ === o.ignoreIndex) continue;
      const row = Array.from({ length: C }, (_, c) => x[j * C + c]);
      let logp: number[];
      if (o.fromLogits) {
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
        logp = row.map((v) => v - lse);
      } else logp = row.map((v) => Math.log(Math.max(v, LO)));
      let fl = 0;
      for (let c = 0; c < C; c++) {
        const t = dense ? yTrue[j * C + c] : c === labelJ ? 1 : 0;
        const a = o.alpha === null ? 1 : Array.isArray(o.alpha) ? o.alpha[c] : o.alpha;
        fl -= a * t * powSafe(1 - Math.exp(logp[c]), o.gamma) * logp[c];
      }
      total += (o.weights ? o.weights[j] : 1) * fl;
      count += 1;
    }
  }
  return o.reduction === 'mean' ? (count > 0 ? total / count : 0) : total;
}

/** Central differences of `reference` in float64, step h. */
function referenceGrad(x: ArrayLike<number>, shape: number[], yTrue: ArrayLike<number>, o: Reference, h = 1e-5): Float64Array {
  const base = Float64Array.from(x);
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const v = base[i];
    base[i] = v + h;
    const up = reference(base, shape, yTrue, o);
    base[i] = v - h;
    const down = reference(base, shape, yTrue, o);
    base[i] = v;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

interface DiffCase {
  name: string;
  shape: number[];
  options: Reference;
  /** Targets: 'hard' 0/1, 'soft' in [0, 1], 'ignore' 0/1 or −1, 'labels' (255 where ignored), 'soft-rows' (rows summing to 1). */
  target: 'hard' | 'soft' | 'ignore' | 'labels' | 'soft-rows';
}

const DIFF_CASES: DiffCase[] = [
  { name: 'binary, logits, γ = 2, α = 0.25, mean', shape: [1, 4, 5, 1], options: { mode: 'binary', fromLogits: true, gamma: 2, alpha: 0.25, reduction: 'mean' }, target: 'hard' },
  { name: 'binary, soft targets, γ = 1.5, no α, sum', shape: [1, 4, 5, 1], options: { mode: 'binary', fromLogits: true, gamma: 1.5, alpha: null, reduction: 'sum' }, target: 'soft' },
  { name: 'multilabel, probabilities, γ = 0.5, α = 0.6, ignoreIndex, mean', shape: [1, 3, 4, 2], options: { mode: 'multilabel', fromLogits: false, gamma: 0.5, alpha: 0.6, ignoreIndex: -1, reduction: 'mean' }, target: 'ignore' },
  { name: 'binary, γ = 0, ignoreIndex, weighted none', shape: [1, 4, 5, 1], options: { mode: 'binary', fromLogits: true, gamma: 0, alpha: 0.25, ignoreIndex: -1, reduction: 'none' }, target: 'ignore' },
  { name: 'binary, probabilities, γ = 3, soft targets, weighted none', shape: [1, 4, 5, 1], options: { mode: 'binary', fromLogits: false, gamma: 3, alpha: null, reduction: 'none' }, target: 'soft' },
  { name: 'multiclass, logits, γ = 2, α per class, ignoreIndex, mean', shape: [1, 3, 4, 3], options: { mode: 'multiclass', fromLogits: true, gamma: 2, alpha: [0.2, 0.3, 0.5], ignoreIndex: 255, reduction: 'mean' }, target: 'labels' },
  { name: 'multiclass, probabilities, γ = 1, weighted none', shape: [1, 3, 4, 3], options: { mode: 'multiclass', fromLogits: false, gamma: 1, alpha: null, reduction: 'none' }, target: 'labels' },
  { name: 'multiclass, logits, γ = 0.5, α = 0.5, soft rows, sum', shape: [1, 3, 4, 4], options: { mode: 'multiclass', fromLogits: true, gamma: 0.5, alpha: 0.5, reduction: 'sum' }, target: 'soft-rows' },
  { name: 'multiclass, probabilities, γ = 3, soft rows, mean', shape: [1, 3, 4, 3], options: { mode: 'multiclass', fromLogits: false, gamma: 3, alpha: [1, 2, 0.5], reduction: 'mean' }, target: 'soft-rows' },
];

/** float32 inputs of a finite-difference case (probabilities inside [0.05, 0.95]: no clamp kink). */
function diffInputs(c: DiffCase, seed: number): { x: Float32Array; yTrue: number[]; yTrueTensor: tf.Tensor } {
  const r = rng(seed);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const C = c.shape[c.shape.length - 1];
  const multiclass = c.options.mode === 'multiclass';
  let x = Float32Array.from({ length: n }, () => (r() + r() + r() - 1.5) * 2);
  if (!c.options.fromLogits) {
    if (multiclass) {
      // Softmax rows, mixed with a uniform row so that every probability stays above 0.05.
      x = x.map((v, i) => {
        const row = Math.floor(i / C) * C;
        const z = Array.from({ length: C }, (_, k) => Math.exp(x[row + k]));
        return 0.8 * (Math.exp(v) / z.reduce((a, b) => a + b, 0)) + 0.2 / C;
      });
    } else x = x.map((v) => 0.05 + 0.9 / (1 + Math.exp(-v)));
  }
  let yTrue: number[];
  if (c.target === 'hard') yTrue = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
  else if (c.target === 'soft') yTrue = Array.from({ length: n }, () => Math.fround(r()));
  else if (c.target === 'ignore') yTrue = Array.from({ length: n }, () => { const u = r(); return u < 0.25 ? -1 : u < 0.6 ? 1 : 0; });
  else if (c.target === 'labels') yTrue = Array.from({ length: n / C }, () => (c.options.ignoreIndex !== undefined && r() < 0.25 ? 255 : Math.floor(r() * C)));
  else {
    yTrue = [];
    for (let j = 0; j < n / C; j++) {
      const w = Array.from({ length: C }, () => r());
      const s = w.reduce((a, b) => a + b, 0);
      yTrue.push(...w.map((v) => Math.fround(v / s)));
    }
  }
  const yTrueTensor = c.target === 'labels' ? tf.tensor(yTrue, c.shape.slice(0, -1), 'int32') : tf.tensor(yTrue, c.shape);
  return { x, yTrue: Array.from(yTrueTensor.dataSync()), yTrueTensor };
}

describe.each(BACKENDS)('focalLoss() on the composite path on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    setFusedKernels(false);
  });
  afterEach(() => void setFusedKernels(false));
  freeTensorsAfterEach();
  afterAll(() => void setFusedKernels(true));

  it('runs no fused kernel', async () => {
    const yPred = randomLogits([1, 3, 3, 1], 1);
    const yTrue = randomMask([1, 3, 3, 1], 2);
    const names = await kernelsOf(() => focalLoss()(yTrue, yPred));
    expect(names.some((n) => n.startsWith('Segloss'))).toBe(false);
  });

  GRID.forEach((c, k) => {
    it(`gives the fused path's value and gradient: ${label(c)}`, () => {
      const { yTrue, yPred } = inputs(c, 500 + 11 * k);
      // 'none' has no fused path: its map must sum to the fused 'sum', and so must its gradient.
      setFusedKernels(true);
      const fused = valueAndGrad(focalLoss(optionsOf(c, c.reduction === 'none' ? 'sum' : c.reduction)), yTrue, yPred);
      setFusedKernels(false);
      const composite = valueAndGrad(focalLoss(optionsOf(c)), yTrue, yPred);
      if (c.reduction === 'none') {
        const first = c.first ? [yPred.shape[0], ...yPred.shape.slice(2)] : yPred.shape.slice(0, -1);
        expect(composite.shape).toEqual(c.mode === 'multiclass' ? first : yPred.shape);
        const total = composite.value.reduce((s, v) => s + v, 0);
        expectClose(total, fused.value, undefined, `${label(c)} Σ map`);
      } else {
        expect(composite.shape).toEqual([]);
        expectClose(composite.value, fused.value, undefined, `${label(c)} value`);
      }
      expect(composite.grad.every(Number.isFinite)).toBe(true);
      expectClose(composite.grad, fused.grad, relative(1e-5, 1e-5, fused.grad), `${label(c)} grad`);
      tf.dispose([yTrue, yPred]);
    });
  });

  DIFF_CASES.forEach((c, k) => {
    it(`has the gradient of float64 central differences of the SPEC's formula: ${c.name}`, () => {
      const { x, yTrue, yTrueTensor } = diffInputs(c, 900 + k);
      const o = c.options;
      const pixels = o.mode === 'multiclass' ? x.length / c.shape[c.shape.length - 1] : x.length;
      const r = rng(40 + k);
      const weights = o.reduction === 'none' ? Float32Array.from({ length: pixels }, () => r() * 2 - 0.5) : undefined;
      const want = referenceGrad(x, c.shape, yTrue, { ...o, weights });
      const loss = focalLoss({ mode: o.mode, fromLogits: o.fromLogits, gamma: o.gamma, alpha: o.alpha, reduction: o.reduction, ...(o.ignoreIndex === undefined ? {} : { ignoreIndex: o.ignoreIndex }) });
      const yPred = tf.tensor(x, c.shape);
      const w = weights ? tf.tensor(weights, o.mode === 'multiclass' ? c.shape.slice(0, -1) : c.shape) : null;
      const got = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(w ? tf.mul(loss(yTrueTensor, v), w) : loss(yTrueTensor, v)))(yPred).dataSync());
      expect(maxAbs(want)).toBeGreaterThan(1e-3);
      // float32 arithmetic against float64 differences (truncation error ~h² ≈ 1e-10).
      expectClose(got, want, relative(1e-4, 1e-5, want), `${c.name} grad`);
      const value = tf.tidy(() => { const v = loss(yTrueTensor, yPred); return (w ? tf.sum(tf.mul(v, w)) : v).dataSync()[0]; });
      expectClose(value, reference(x, c.shape, yTrue, { ...o, weights }), { rtol: 1e-5, atol: 1e-7 }, `${c.name} value`);
      tf.dispose([yPred, yTrueTensor, ...(w ? [w] : [])]);
    });
  });

  it.each([
    // Measured on cpu and wasm alike (tfjs counts bytes per tensor object, so a saved copy counts
    // again): binary 9.00× yPred — yPred, yTrue and t, plus the six temporaries of stable.ts's
    // softplus in the forward pass; in the backward pass yPred, yTrue, the saved t, p and ce and
    // at most four temporaries, the gradient included. Multiclass 8.25× — yPred, the int32
    // labels (0.25×), the saved t, p and log p and at most four temporaries. (The autodiffed
    // chain before needed 52× and 32× on the benchmark's shapes.)
    ['binary', [2, 32, 32, 1], 9.5],
    ['multiclass', [2, 16, 16, 4], 8.75],
  ] as const)('keeps the peak tensor memory of forward + backward within the bound (%s, %j)', async (mode, shape, bound) => {
    const yPred = randomLogits([...shape], 3);
    const yTrue = mode === 'binary' ? randomMask([...shape], 4) : randomLabels(shape.slice(0, -1), shape[3], 4);
    const loss = focalLoss({ mode });
    const bytes = yPred.size * 4;
    const others = tf.memory().numBytes - bytes - yTrue.size * 4; // tensors of other tests still alive
    const info = await tf.profile(() => tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred)));
    (info.result as tf.Tensor).dispose();
    const peak = (info.peakBytes - others) / bytes;
    expect(peak).toBeGreaterThan(3);
    expect(peak).toBeLessThanOrEqual(bound);
  });

  it('leaves no tensor behind over 10 calls, through tf.grad, and when it throws (binary with ignoreIndex)', () => {
    const yPred = randomLogits([2, 4, 4, 2], 5);
    const yTrue = tf.tidy(() => tf.where(tf.less(randomLogits([2, 4, 4, 2], 6), -1), tf.fill([2, 4, 4, 2], -1), randomMask([2, 4, 4, 2], 7)));
    const bad = tf.zeros([2, 4, 4, 3]);
    expectNoLeak(focalLoss({ mode: 'multilabel', ignoreIndex: -1, gamma: 1.5 }), yTrue, yPred, () => focalLoss({ mode: 'multilabel' })(bad, yPred), /^focalLoss: yTrue must have the shape of yPred/);
  });

  it("leaves no tensor behind, also when a label check inside the op throws (multiclass, 'none', channelsFirst)", () => {
    const yPred = randomLogits([2, 3, 4, 4], 8);
    const yTrue = randomLabels([2, 4, 4], 3, 9);
    const wrong = tf.tensor3d([0, 1, 2, 7], [1, 2, 2], 'int32');
    const small = randomLogits([1, 3, 2, 2], 10);
    const loss = focalLoss({ mode: 'multiclass', reduction: 'none', dataFormat: 'channelsFirst', alpha: [1, 2, 3] });
    expectNoLeak(loss, yTrue, yPred, () => loss(wrong, small), /^focalLoss: yTrue class indices must be in \[0, 3\), got 7\./);
  });

  it.each<[string, FocalLossOptions, () => tf.Tensor]>([
    ['binary', { ignoreIndex: -1 }, () => tf.fill([1, 3, 3, 1], -1)],
    ['multiclass', { mode: 'multiclass', ignoreIndex: 255, alpha: [1, 2, 3] }, () => tf.fill([1, 3, 3], 255, 'int32')],
  ])("gives 0 and a zero gradient when every element is ignored ('mean', %s)", (mode, options, target) => {
    const yPred = randomLogits(mode === 'binary' ? [1, 3, 3, 1] : [1, 3, 3, 3], 13);
    const yTrue = target();
    const { value, grad } = valueAndGrad(focalLoss({ ...options, gamma: 0.5 }), yTrue, yPred);
    expect(Array.from(value)).toEqual([0]);
    expect(grad.every((g) => g === 0)).toBe(true);
  });

  it('reports a per-class α of the wrong length after the input checks', () => {
    const yPred = randomLogits([1, 2, 2, 3], 11);
    const yTrue = randomLabels([1, 2, 2], 3, 12);
    const before = tf.memory().numTensors;
    expect(() => focalLoss({ mode: 'multiclass', alpha: [1, 1] })(yTrue, yPred)).toThrow(/^focalLoss: option 'alpha' must have one entry per class \(3\), got 2\./);
    expect(tf.memory().numTensors).toBe(before);
  });
});
