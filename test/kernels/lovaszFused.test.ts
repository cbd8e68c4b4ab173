/**
 * The fused Lovász losses (src/kernels/lovaszRows.ts, lovaszSoftmax.ts) against the composite
 * tfjs-ops path (value, gradient, ties, layouts, target kinds), plus the kernels actually run,
 * peak memory, leaks, label errors and extreme logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lovaszHingeLoss, lovaszSoftmaxLoss, type LossFn } from '../../src/index.js';
import { lovaszRows } from '../../src/core/lovasz.js';
import { fusedLovaszHinge, fusedLovaszRows, fusedLovaszSoftmax } from '../../src/kernels/lovaszOps.js';
import { fusedInputs } from '../../src/kernels/ops.js';
import { setFusedKernels } from '../../src/kernels/register.js';
import { BACKENDS, useBackend, type BackendName } from '../helpers/backends.js';
import { expectClose, type Tolerance } from '../helpers/expectClose.js';
import { randomLabels, rng } from '../helpers/random.js';
import { referenceRow } from './lovaszReference.js';

// ---------------------------------------------------------------------------------------------
// Fused losses against the composite path, on each backend.
// ---------------------------------------------------------------------------------------------

interface Result {
  value: number;
  grad: Float32Array;
}

/** Value and gradient of a scalar loss, on the fused or the composite path; leaves no tensor. */
function valueAndGrad(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor, fused: boolean): Result {
  const previous = setFusedKernels(fused);
  try {
    let value = NaN;
    let grad = new Float32Array(0);
    tf.tidy(() => {
      const r = tf.valueAndGrads((x: tf.Tensor) => loss(yTrue, x))([yPred]);
      value = r.value.dataSync()[0];
      grad = (r.grads[0].dataSync() as Float32Array).slice();
    });
    return { value, grad };
  } finally {
    setFusedKernels(previous);
  }
}

/** Names of the kernels `f` runs, on the fused or the composite path. */
async function kernelsOf(f: () => tf.Tensor, fused: boolean): Promise<string[]> {
  const previous = setFusedKernels(fused);
  try {
    const info = await tf.profile(() => f());
    (info.result as tf.Tensor).dispose();
    return info.kernels.map((k) => k.name);
  } finally {
    setFusedKernels(previous);
  }
}

const VALUE_TOL: Tolerance = { rtol: 1e-5, atol: 1e-7 };

/** The gradient rule of the brief: rtol 1e-5, atol 1e-5·max|g|. */
function gradTol(grad: ArrayLike<number>): Tolerance {
  let max = 0;
  for (let i = 0; i < grad.length; i++) max = Math.max(max, Math.abs(grad[i]));
  return { rtol: 1e-5, atol: 1e-5 * max };
}

/** Asserts fused and composite agree, and that the fused run really took `kernel`. */
async function expectAgreement(
  loss: LossFn,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  kernel: string,
  label: string,
  compositeBackend?: BackendName,
): Promise<Result> {
  const names = await kernelsOf(() => loss(yTrue, yPred), true);
  expect(names, label).toContain(kernel);
  expect(names, label).not.toContain('TopK');
  const fused = valueAndGrad(loss, yTrue, yPred, true);
  const composite = compositeBackend ? await compositeOn(compositeBackend, loss, yTrue, yPred) : valueAndGrad(loss, yTrue, yPred, false);
  expect(Number.isFinite(composite.value), label).toBe(true);
  expect(composite.grad.some((g) => g !== 0), `${label}: a non-trivial gradient`).toBe(true);
  expectClose(fused.value, composite.value, VALUE_TOL, `${label} value`);
  expectClose(fused.grad, composite.grad, gradTol(composite.grad), `${label} grad`);
  return fused;
}

/** The composite path's value and gradient computed on another backend (copies of the inputs). */
async function compositeOn(name: BackendName, loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Promise<Result> {
  const current = tf.getBackend() as BackendName;
  const data = [yTrue, yPred].map((x) => ({ values: x.dataSync().slice(), shape: x.shape, dtype: x.dtype }));
  await useBackend(name);
  try {
    const [t, x] = data.map((d) => tf.tensor(d.values, d.shape, d.dtype));
    const result = valueAndGrad(loss, t, x, false);
    tf.dispose([t, x]);
    return result;
  } finally {
    await useBackend(current);
  }
}

/** Float32 logits in about [−3, 3]; with `ties`, rounded to multiples of 0.5 (many exact ties). */
function logits(shape: number[], seed: number, ties = false, scale = 1): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => {
      const x = (r() + r() + r() - 1.5) * 2 * scale;
      return ties ? Math.round(x * 2) / 2 : x;
    }),
    shape,
  );
}

interface HingeCase {
  name: string;
  options: Record<string, unknown>;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  /** Label given to a fraction of the pixels, to be ignored. */
  ignore?: number;
  ties?: boolean;
}

const HINGE_CASES: HingeCase[] = [
  { name: '2-D, per image, float32 targets', options: {}, shape: [3, 8, 9, 1], dtype: 'float32' },
  { name: '2-D, batch as one group', options: { perImage: false }, shape: [3, 8, 9, 1], dtype: 'float32' },
  { name: '1-D spatial, int32 targets', options: {}, shape: [4, 33, 1], dtype: 'int32' },
  { name: '3-D spatial, bool targets, batch as one group', options: { perImage: false }, shape: [2, 3, 5, 4, 1], dtype: 'bool' },
  { name: 'bool targets per image', options: {}, shape: [2, 6, 6, 1], dtype: 'bool' },
  { name: 'ignoreIndex −1 mixed into float32 targets', options: { ignoreIndex: -1 }, shape: [3, 7, 7, 1], dtype: 'float32', ignore: -1 },
  { name: 'ignoreIndex 255 mixed into int32 targets, batch as one group', options: { ignoreIndex: 255, perImage: false }, shape: [3, 7, 7, 1], dtype: 'int32', ignore: 255 },
  { name: 'channelsFirst with C = 1', options: { dataFormat: 'channelsFirst' }, shape: [2, 1, 6, 7], dtype: 'float32' },
  { name: 'channelsFirst 3-D, ignoreIndex 255, int32', options: { dataFormat: 'channelsFirst', ignoreIndex: 255 }, shape: [2, 1, 3, 4, 5], dtype: 'int32', ignore: 255 },
  { name: 'exact ties (logits in multiples of 0.5), per image', options: {}, shape: [2, 10, 10, 1], dtype: 'float32', ties: true },
  { name: 'exact ties, batch as one group, ignoreIndex −1', options: { perImage: false, ignoreIndex: -1 }, shape: [2, 10, 10, 1], dtype: 'int32', ignore: -1, ties: true },
];

function hingeInputs(c: HingeCase, seed: number): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  const r = rng(seed);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    const u = r();
    return c.ignore !== undefined && u < 0.2 ? c.ignore : u < 0.6 ? 1 : 0;
  });
  const yTrue = c.dtype === 'bool' ? tf.tensor(values.map((x) => x === 1), c.shape, 'bool') : tf.tensor(values, c.shape, c.dtype);
  return { yTrue, yPred: logits(c.shape, seed + 1, c.ties) };
}

interface SoftmaxCase {
  name: string;
  options: Record<string, unknown>;
  /** yPred shape as given (channels first when the options say so). */
  shape: number[];
  target: 'int32' | 'float32' | 'int32Trailing1' | 'onehot' | 'onehotInt32' | 'soft' | 'denseTies';
  /** Fraction of pixels labelled ignoreIndex. */
  ignored?: number;
  /** Probabilities instead of logits: by tf.softmax, or (`exact`) in float64 in JS, so that
   * probabilities of permuted logit vectors are equal exactly. */
  probs?: boolean | 'exact';
  ties?: boolean;
  /**
   * Backend of the composite reference (default: the backend under test). With exactly tied
   * logits the reference runs on cpu: tfjs-backend-wasm's softmax (XNNPACK) sums in an
   * order-dependent way, so mathematically equal probabilities of permuted logit vectors can
   * differ by an ulp there, which breaks some ties of its errors and not others.
   */
  compositeOn?: BackendName;
}

const SOFTMAX_CASES: SoftmaxCase[] = [
  { name: 'C = 2, present classes', options: {}, shape: [2, 6, 7, 2], target: 'int32' },
  { name: 'C = 3, all classes, per image', options: { classes: 'all', perImage: true }, shape: [3, 5, 6, 3], target: 'int32' },
  { name: 'C = 5, classes [2, 0], float32 labels', options: { classes: [2, 0] }, shape: [2, 6, 6, 5], target: 'float32' },
  { name: 'C = 5, present classes per image (some absent)', options: { perImage: true }, shape: [4, 3, 2, 5], target: 'int32' },
  { name: 'C = 3, ignoreIndex 255, int32 labels', options: { ignoreIndex: 255 }, shape: [2, 6, 6, 3], target: 'int32', ignored: 0.25 },
  { name: 'C = 5, ignoreIndex 255, float32 labels, per image, all classes', options: { ignoreIndex: 255, perImage: true, classes: 'all' }, shape: [2, 6, 5, 5], target: 'float32', ignored: 0.3 },
  { name: 'C = 3, channelsFirst, ignoreIndex 255', options: { dataFormat: 'channelsFirst', ignoreIndex: 255 }, shape: [2, 3, 5, 6], target: 'int32', ignored: 0.2 },
  { name: 'C = 5, channelsFirst 3-D, classes [2, 0], per image', options: { dataFormat: 'channelsFirst', classes: [2, 0], perImage: true }, shape: [2, 5, 3, 4, 3], target: 'int32' },
  { name: 'C = 2, 1-D spatial, labels [B, W, 1]', options: {}, shape: [3, 20, 2], target: 'int32Trailing1' },
  { name: 'C = 3, one-hot float32 targets', options: {}, shape: [2, 5, 6, 3], target: 'onehot' },
  { name: 'C = 5, one-hot targets, channelsFirst, per image, all classes', options: { dataFormat: 'channelsFirst', perImage: true, classes: 'all' }, shape: [2, 5, 4, 4], target: 'onehot' },
  { name: 'C = 3, one-hot int32 targets', options: { classes: [2, 0] }, shape: [2, 5, 5, 3], target: 'onehotInt32' },
  { name: 'C = 3, soft targets read by their argmax', options: {}, shape: [2, 5, 5, 3], target: 'soft' },
  { name: 'C = 4, dense targets with tied maxima (the first maximum wins), channelsFirst', options: { dataFormat: 'channelsFirst', classes: 'all' }, shape: [2, 4, 5, 5], target: 'denseTies' },
  { name: 'C = 5, probabilities from a softmax (fromLogits: false)', options: { fromLogits: false }, shape: [2, 6, 6, 5], target: 'int32', probs: true },
  { name: 'C = 3, probabilities, channelsFirst, ignoreIndex 255, per image', options: { fromLogits: false, dataFormat: 'channelsFirst', ignoreIndex: 255, perImage: true }, shape: [2, 3, 4, 5], target: 'float32', probs: true, ignored: 0.2 },
  { name: 'C = 3, exact ties (logits in multiples of 0.5)', options: {}, shape: [2, 8, 8, 3], target: 'int32', ties: true, compositeOn: 'cpu' },
  { name: 'C = 5, exact ties, per image, all classes, ignoreIndex 255', options: { perImage: true, classes: 'all', ignoreIndex: 255 }, shape: [2, 8, 8, 5], target: 'int32', ties: true, ignored: 0.2, compositeOn: 'cpu' },
  // (C = 2 from tied logits is left out: whether 1 − p and a p' = 1 − p tie depends on rounding, which
  // differs between tf.softmax and the kernel's exp; from the same probabilities it does not.)
  { name: 'C = 2, exact ties in probabilities, channelsFirst, classes [1, 0]', options: { fromLogits: false, dataFormat: 'channelsFirst', classes: [1, 0] }, shape: [2, 2, 8, 8], target: 'float32', ties: true, probs: 'exact' },
  { name: 'C = 2, exact ties in probabilities (fromLogits: false)', options: { fromLogits: false }, shape: [2, 8, 8, 2], target: 'int32', ties: true, probs: true },
  { name: 'C = 5, exact ties in probabilities, per image, ignoreIndex 255', options: { fromLogits: false, perImage: true, ignoreIndex: 255 }, shape: [2, 8, 8, 5], target: 'int32', ties: true, probs: 'exact', ignored: 0.2 },
  { name: 'C = 3, exact ties in probabilities, one-hot targets, all classes', options: { fromLogits: false, classes: 'all' }, shape: [2, 8, 8, 3], target: 'onehot', ties: true, probs: 'exact' },
];

/**
 * Softmax over the last axis in float64, each probability summing the other exponentials in
 * sorted order: equal for permutations of the other logits, so ties stay exact ties.
 */
function exactSoftmax(x: tf.Tensor): tf.Tensor {
  const C = x.shape[x.rank - 1];
  const d = x.dataSync();
  const p = new Float32Array(d.length);
  for (let j = 0; j < d.length; j += C) {
    const row = Array.from(d.subarray(j, j + C));
    const max = Math.max(...row);
    for (let c = 0; c < C; c++) {
      const others = row.filter((_, k) => k !== c).map((v) => Math.exp(v - max)).sort((a, b) => a - b);
      const own = Math.exp(row[c] - max);
      p[j + c] = own / others.reduce((a, b) => a + b, own);
    }
  }
  return tf.tensor(p, x.shape);
}

/** Moves the last axis to position 1. */
function toFirst(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]);
}

function softmaxInputs(c: SoftmaxCase, seed: number): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  return tf.tidy(() => {
    const first = c.options.dataFormat === 'channelsFirst';
    const C = first ? c.shape[1] : c.shape[c.shape.length - 1];
    const spatial = first ? c.shape.slice(2) : c.shape.slice(1, -1);
    const B = c.shape[0];
    const lastShape = [B, ...spatial, C];
    let x = logits(lastShape, seed, c.ties);
    if (c.probs === 'exact') x = exactSoftmax(x);
    else if (c.probs) {
      x = tf.softmax(x);
      // Tied probabilities: exact multiples of 1/8 that sum to 1 (C = 2 only).
      if (c.ties && C === 2) {
        const p0 = tf.div(tf.round(tf.mul(tf.slice(x, [0, 0, 0, 0], [...lastShape.slice(0, -1), 1]), 8)), 8);
        x = tf.concat([p0, tf.sub(1, p0)], -1);
      }
    }
    const labels = randomLabels([B, ...spatial], C, seed + 1);
    let yTrue: tf.Tensor;
    if (c.target === 'onehot' || c.target === 'onehotInt32') {
      yTrue = tf.reshape(tf.oneHot(tf.reshape(labels, [-1]), C), lastShape);
      if (c.target === 'onehot') yTrue = tf.cast(yTrue, 'float32');
      if (first) yTrue = toFirst(yTrue);
    } else if (c.target === 'denseTies') {
      // Values in {0, 0.5}: all-zero pixels (argmax 0) and pixels with several equal maxima.
      const r = rng(seed + 2);
      yTrue = tf.tensor(Float32Array.from({ length: labels.size * C }, () => (r() < 0.4 ? 0.5 : 0)), lastShape);
      if (first) yTrue = toFirst(yTrue);
    } else if (c.target === 'soft') {
      // Random positive weights, the label's channel raised: argmax is the label.
      const r = rng(seed + 2);
      const noise = tf.tensor(Float32Array.from({ length: labels.size * C }, () => r() * 0.4), lastShape);
      yTrue = tf.add(noise, tf.mul(tf.reshape(tf.oneHot(tf.reshape(labels, [-1]), C), lastShape), 0.5));
    } else {
      let l = labels;
      if (c.ignored) {
        const r = rng(seed + 3);
        const mask = tf.tensor(Array.from({ length: labels.size }, () => r() < c.ignored!), labels.shape, 'bool');
        l = tf.where(mask, tf.fill(labels.shape, 255, 'int32'), labels);
      }
      yTrue = c.target === 'float32' ? tf.cast(l, 'float32') : c.target === 'int32Trailing1' ? tf.expandDims(l, -1) : l;
    }
    return { yTrue, yPred: first ? toFirst(x) : x };
  });
}

describe.each(BACKENDS)('fused Lovász kernels on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterEach(() => void setFusedKernels(true));
  afterAll(() => void setFusedKernels(true));

  HINGE_CASES.forEach((c, k) => {
    it(`lovaszHingeLoss() on SeglossLovaszHinge gives the composite value and gradient: ${c.name}`, async () => {
      const { yTrue, yPred } = hingeInputs(c, 300 + 13 * k);
      await expectAgreement(lovaszHingeLoss(c.options), yTrue, yPred, 'SeglossLovaszHinge', c.name);
      tf.dispose([yTrue, yPred]);
    });
  });

  SOFTMAX_CASES.forEach((c, k) => {
    it(`lovaszSoftmaxLoss() on SeglossLovaszSoftmax gives the composite value and gradient: ${c.name}`, async () => {
      const { yTrue, yPred } = softmaxInputs(c, 500 + 17 * k);
      await expectAgreement(lovaszSoftmaxLoss(c.options), yTrue, yPred, 'SeglossLovaszSoftmax', c.name, c.compositeOn);
      tf.dispose([yTrue, yPred]);
    });
  });

  it('lovaszSoftmaxLoss() with a repeated class falls back to the rows and uses SeglossLovaszRows, agreeing with the composite path', async () => {
    const c: SoftmaxCase = { name: 'classes [1, 1, 2]', options: { classes: [1, 1, 2], ignoreIndex: 255 }, shape: [2, 5, 6, 3], target: 'int32', ignored: 0.2 };
    const { yTrue, yPred } = softmaxInputs(c, 41);
    const loss = lovaszSoftmaxLoss(c.options);
    expect(await kernelsOf(() => loss(yTrue, yPred), true)).not.toContain('SeglossLovaszSoftmax');
    await expectAgreement(loss, yTrue, yPred, 'SeglossLovaszRows', c.name);
    tf.dispose([yTrue, yPred]);
  });

  it('lovaszSoftmaxLoss() with one-hot targets and ignoreIndex takes the rows and agrees with the composite path', async () => {
    const c: SoftmaxCase = { name: 'one-hot + ignoreIndex', options: { ignoreIndex: 255, classes: 'all' }, shape: [2, 5, 6, 3], target: 'onehot' };
    const { yTrue, yPred } = softmaxInputs(c, 43);
    await expectAgreement(lovaszSoftmaxLoss(c.options), yTrue, yPred, 'SeglossLovaszRows', c.name);
    tf.dispose([yTrue, yPred]);
  });

  it('fusedLovaszRows() (SeglossLovaszRows) gives lovaszRows()’s (topk) values and gradient, with and without a valid mask, with ties', () => {
    const R = 4;
    const N = 50;
    const r = rng(44);
    const levels = [-1, -0, 0, 0.5, 1, 1.5, 2.5];
    const eData = Float32Array.from({ length: R * N }, (_, i) => (i < 2 * N ? levels[Math.floor(r() * levels.length)] : r() * 4 - 1));
    const vData = Float32Array.from({ length: R * N }, (_, i) => (i >= 3 * N ? 0 : r() < 0.2 ? 0 : 1));
    const tData = Float32Array.from({ length: R * N }, (_, i) => (vData[i] === 1 && r() < 0.4 ? 1 : 0));
    const [e, t, v] = [eData, tData, vData].map((d) => tf.tensor2d(d, [R, N]));
    const dy = tf.tensor1d([1, -2, 0.5, 3]);
    for (const mask of [v, undefined]) {
      const run = (fused: boolean): { value: Float32Array; grad: Float32Array } => {
        const previous = setFusedKernels(fused);
        try {
          return tf.tidy(() => {
            const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.sum(tf.mul(fusedLovaszRows(x, t, mask) ?? lovaszRows(x, t, mask), dy)))([e]);
            return { value: value.dataSync().slice() as Float32Array, grad: grads[0].dataSync().slice() as Float32Array };
          }) as unknown as { value: Float32Array; grad: Float32Array };
        } finally {
          setFusedKernels(previous);
        }
      };
      const fused = run(true);
      const composite = run(false);
      expectClose(fused.value, composite.value, VALUE_TOL, 'value');
      expectClose(fused.grad, composite.grad, gradTol(composite.grad), 'grad');
      // Row-wise against the float64 transcription too.
      const rows = tf.tidy(() => fusedLovaszRows(e, t, mask)!.dataSync().slice());
      for (let row = 0; row < R; row++) {
        const sl = (d: Float32Array) => d.subarray(row * N, (row + 1) * N);
        expectClose(rows[row], referenceRow(sl(eData), sl(tData), mask ? sl(vData) : null).value, { rtol: 1e-6, atol: 1e-7 }, `row ${row}`);
      }
      if (mask) expect(rows[3]).toBe(0); // the all-invalid row
    }
    tf.dispose([e, t, v, dy]);
  });

  it('fusedLovaszSoftmax() gives each (image, class) its single-class loss and presence, and the gradient of any weighting of them', () => {
    // L[g, k] must equal the composite lovaszSoftmaxLoss({ classes: [c_k] }) of image g alone,
    // row 1 whether c_k occurs among image g's valid labels; with weights w the gradient of
    // Σ w·L checks that each (image, class) gets its own dy in the backward kernel.
    const fn = 'lovaszSoftmaxLoss';
    const [B, H, W, C] = [3, 4, 5, 4];
    const classes = [2, 0, 3];
    const r = rng(60);
    const lab = Int32Array.from({ length: B * H * W }, (_, i) => {
      const l = Math.floor(r() * C);
      // Class 3 only under ignored pixels in image 0; class 0 absent from image 2.
      if (i < H * W && l === 3) return 255;
      if (i >= 2 * H * W && l === 0) return 1;
      return r() < 0.15 ? 255 : l;
    });
    const yTrue = tf.tensor3d(lab, [B, H, W], 'int32');
    const yPred = logits([B, H, W, C], 61);
    const w = tf.tensor2d(Float32Array.from({ length: B * classes.length }, () => r() * 3 - 1), [B, classes.length]);
    const wv = w.dataSync();
    const opts = { mode: 'multiclass' as const, dataFormat: 'channelsLast' as const, ignoreIndex: 255, fromLogits: true };
    let L: ArrayLike<number> = [];
    let present: ArrayLike<number> = [];
    const fused = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => {
        const out = fusedLovaszSoftmax(fn, fusedInputs(fn, yTrue, x, opts)!, B, classes);
        const [l, p] = tf.unstack(out);
        L = l.dataSync().slice();
        present = p.dataSync().slice();
        return tf.sum(tf.mul(l, w));
      })([yPred]);
      return { value: value.dataSync()[0], grad: grads[0].dataSync().slice() as Float32Array };
    });
    setFusedKernels(false);
    const single = classes.map((c) => lovaszSoftmaxLoss({ classes: [c], ignoreIndex: 255 }));
    const image = (a: tf.Tensor, g: number) => tf.slice(a, [g, 0, 0], [1, -1, -1]);
    const composite = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
        tf.addN(classes.flatMap((_, k) => Array.from({ length: B }, (_, g) => tf.mul(single[k](image(yTrue, g), image(x, g)), wv[g * classes.length + k])))),
      )([yPred]);
      return { value: value.dataSync()[0], grad: grads[0].dataSync().slice() as Float32Array };
    });
    const Lwant = Array.from({ length: B * classes.length }, (_, i) =>
      tf.tidy(() => single[i % classes.length](image(yTrue, Math.floor(i / classes.length)), image(yPred, Math.floor(i / classes.length))).dataSync()[0]),
    );
    setFusedKernels(true);
    const presentWant = Array.from({ length: B * classes.length }, (_, i) => {
      const g = Math.floor(i / classes.length);
      return lab.subarray(g * H * W, (g + 1) * H * W).includes(classes[i % classes.length]) ? 1 : 0;
    });
    expect(presentWant[2]).toBe(0); // class 3 in image 0: ignored pixels only
    expect(presentWant[2 * 3 + 1]).toBe(0); // class 0 in image 2
    expect(Array.from(present)).toEqual(presentWant);
    expectClose(L, Lwant, VALUE_TOL, 'L');
    expectClose(fused.value, composite.value, VALUE_TOL, 'weighted value');
    expectClose(fused.grad, composite.grad, gradTol(composite.grad), 'weighted grad');
    tf.dispose([yTrue, yPred, w]);
  });

  it('fusedLovaszHinge() gives each image its own loss and the gradient of any weighting of them', () => {
    const fn = 'lovaszHingeLoss';
    const c: HingeCase = { name: 'weighted', options: {}, shape: [4, 6, 5, 1], dtype: 'float32', ignore: -1, ties: true };
    const { yTrue, yPred } = hingeInputs(c, 62);
    const w = tf.tensor1d([0.5, -1, 2, 1.5]);
    const opts = { mode: 'binary' as const, dataFormat: 'channelsLast' as const, ignoreIndex: -1, fromLogits: true };
    const fused = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.sum(tf.mul(fusedLovaszHinge(fusedInputs(fn, yTrue, x, opts)!, 4), w)))([yPred]);
      return { value: value.dataSync()[0], grad: grads[0].dataSync().slice() as Float32Array };
    });
    setFusedKernels(false);
    const loss = lovaszHingeLoss({ ignoreIndex: -1 });
    const wv = w.dataSync();
    const composite = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
        tf.addN([0, 1, 2, 3].map((b) => tf.mul(loss(tf.slice(yTrue, [b, 0, 0, 0], [1, -1, -1, -1]), tf.slice(x, [b, 0, 0, 0], [1, -1, -1, -1])), wv[b]))),
      )([yPred]);
      return { value: value.dataSync()[0], grad: grads[0].dataSync().slice() as Float32Array };
    });
    setFusedKernels(true);
    expectClose(fused.value, composite.value, VALUE_TOL, 'weighted value');
    expectClose(fused.grad, composite.grad, gradTol(composite.grad), 'weighted grad');
    tf.dispose([yTrue, yPred, w]);
  });

  it('the fused path runs SeglossLovaszHinge / SeglossLovaszSoftmax and no TopK; switched off, TopK runs and no Segloss kernel', async () => {
    const yTrue = tf.tensor(Array.from({ length: 32 }, (_, i) => i % 3 === 0), [2, 4, 4, 1], 'bool');
    const yPred = logits([2, 4, 4, 1], 45);
    const labels = randomLabels([2, 4, 4], 3, 46);
    const probs = logits([2, 4, 4, 3], 47);
    const hinge = lovaszHingeLoss();
    const soft = lovaszSoftmaxLoss();
    const gradOf = (loss: LossFn, yt: tf.Tensor, yp: tf.Tensor) => () => tf.grad((x: tf.Tensor) => loss(yt, x))(yp);

    const hingeFused = await kernelsOf(() => hinge(yTrue, yPred), true);
    expect(hingeFused).toContain('SeglossLovaszHinge');
    expect(hingeFused).not.toContain('TopK');
    const hingeGrad = await kernelsOf(gradOf(hinge, yTrue, yPred), true);
    expect(hingeGrad).toContain('SeglossRowScale');
    expect(hingeGrad).not.toContain('TopK');
    expect(hingeGrad).not.toContain('ScatterNd');

    const softFused = await kernelsOf(() => soft(labels, probs), true);
    expect(softFused).toContain('SeglossLovaszSoftmax');
    expect(softFused).not.toContain('TopK');
    const softGrad = await kernelsOf(gradOf(soft, labels, probs), true);
    expect(softGrad).toContain('SeglossLovaszSoftmaxGrad');
    expect(softGrad).not.toContain('TopK');

    for (const names of [await kernelsOf(() => hinge(yTrue, yPred), false), await kernelsOf(() => soft(labels, probs), false)]) {
      expect(names).toContain('TopK');
      expect(names.filter((n) => n.startsWith('Segloss'))).toEqual([]);
    }
    tf.dispose([yTrue, yPred, labels, probs]);
  });

  it.each([
    ['lovaszHingeLoss', [4, 64, 64, 1]],
    ['lovaszSoftmaxLoss', [2, 32, 32, 8]],
  ] as const)('%s(): peak tensor memory of forward + backward on %j is at most 6× yPred, inputs included', async (name, shape) => {
    const yPred = logits([...shape], 48);
    const C = shape[3];
    const yTrue = name === 'lovaszHingeLoss' ? tf.tensor(Array.from({ length: yPred.size }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [...shape]) : randomLabels(shape.slice(0, 3), C, 49);
    const loss = name === 'lovaszHingeLoss' ? lovaszHingeLoss() : lovaszSoftmaxLoss();
    const bytes = yPred.size * 4;
    const others = tf.memory().numBytes - bytes - yTrue.size * 4; // tensors outside this test
    const info = await tf.profile(() => tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred)));
    (info.result as tf.Tensor).dispose();
    const ratio = (info.peakBytes - others) / bytes;
    // At least inputs + the gradient (2× for softmax, whose labels are 1/C of yPred; 3× for the hinge).
    expect(ratio).toBeGreaterThanOrEqual(name === 'lovaszHingeLoss' ? 3 : 2);
    expect(ratio).toBeLessThanOrEqual(6);
    // The composite path needs far more: the bound is not trivially met by any implementation.
    setFusedKernels(false);
    const composite = await tf.profile(() => tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred)));
    setFusedKernels(true);
    (composite.result as tf.Tensor).dispose();
    expect((composite.peakBytes - others) / bytes).toBeGreaterThan(6);
    tf.dispose([yPred, yTrue]);
  });

  it.each([
    ['lovaszHingeLoss', () => lovaszHingeLoss({ ignoreIndex: -1 }), 'hinge'],
    ['lovaszSoftmaxLoss', () => lovaszSoftmaxLoss({ ignoreIndex: 255, perImage: true }), 'softmax'],
    ['lovaszSoftmaxLoss (one-hot)', () => lovaszSoftmaxLoss({ classes: 'all' }), 'onehot'],
  ] as const)('%s() on the fused path leaks no tensor, forward or forward + backward, over repeated calls', (_name, make, kind) => {
    const loss = make();
    const { yTrue, yPred } =
      kind === 'hinge'
        ? hingeInputs(HINGE_CASES[5], 50)
        : softmaxInputs(kind === 'onehot' ? SOFTMAX_CASES[9] : SOFTMAX_CASES[5], 51);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const out = loss(yTrue, yPred);
      expect(tf.memory().numTensors).toBe(before + 1);
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred));
      expect(tf.memory().numTensors).toBe(before + 1);
      grad.dispose();
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => loss(yTrue, x))([yPred]);
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([yTrue, yPred]);
  });

  /** The error `f` throws (fails if it does not throw). */
  function errorOf(f: () => unknown): Error {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected a throw');
  }

  it.each([
    ['label 9 with C = 5', [0, 1, 9, 2], 'int32', {}],
    ['label 1.5', [0, 1.5, 1, 2], 'float32', {}],
    ['label −1 without ignoreIndex', [0, -1, 1, 2], 'int32', {}],
    ['label 9 with ignoreIndex 255', [0, 255, 9, 2], 'int32', { ignoreIndex: 255 }],
    ['label 5 (= C) as float32, per image', [5, 0, 1, 2], 'float32', { perImage: true }],
  ] as const)('lovaszSoftmaxLoss() rejects %s with the composite path’s error, leaking nothing', (_name, values, dtype, options) => {
    const yPred = logits([1, 2, 2, 5], 52);
    const yTrue = tf.tensor([...values], [1, 2, 2], dtype);
    const loss = lovaszSoftmaxLoss(options);
    const before = tf.memory().numTensors;
    const fused = errorOf(() => {
      setFusedKernels(true);
      return loss(yTrue, yPred);
    });
    const fusedUnderGrad = errorOf(() => tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred));
    expect(tf.memory().numTensors).toBe(before);
    setFusedKernels(false);
    const composite = errorOf(() => loss(yTrue, yPred));
    setFusedKernels(true);
    expect(composite.message).toMatch(/^lovaszSoftmaxLoss: yTrue class indices must be/);
    expect(fused.message).toBe(composite.message);
    expect(fused.name).toBe(composite.name);
    expect(fusedUnderGrad.message).toBe(composite.message);
    expect(tf.memory().numTensors).toBe(before);
    // The engine still works after the throw under tf.grad.
    const ok = tf.tidy(() => tf.grad((x: tf.Tensor) => lovaszSoftmaxLoss()(tf.tensor([0, 1, 2, 3], [1, 2, 2], 'int32'), x))(yPred).dataSync());
    expect(Array.from(ok).every(Number.isFinite)).toBe(true);
    tf.dispose([yPred, yTrue]);
  });

  it('lovaszHingeLoss() with logits ±100 is finite: 0 when every pixel is right, 1 + 100 when every pixel is wrong', () => {
    // Right: every error is 1 − 100 < 0, so relu gives 0. Wrong: every error is 101, all tied,
    // and Σ g telescopes to J_N = 1, so each group's loss is 101.
    const t = Float32Array.from({ length: 2 * 6 * 6 }, (_, i) => ((i * 5) % 7 < 3 ? 1 : 0));
    const yTrue = tf.tensor4d(t, [2, 6, 6, 1]);
    const right = tf.tensor4d(t.map((v) => (v ? 100 : -100)), [2, 6, 6, 1]);
    const wrong = tf.tensor4d(t.map((v) => (v ? -100 : 100)), [2, 6, 6, 1]);
    for (const perImage of [true, false]) {
      const loss = lovaszHingeLoss({ perImage });
      const r = valueAndGrad(loss, yTrue, right, true);
      expect(r.value).toBe(0);
      expect(r.grad.every((g) => g === 0)).toBe(true);
      const w = valueAndGrad(loss, yTrue, wrong, true);
      expectClose(w.value, 101, VALUE_TOL);
      expect(w.grad.every(Number.isFinite)).toBe(true);
      expectClose(w.grad, valueAndGrad(loss, yTrue, wrong, false).grad, gradTol(w.grad), 'grad vs composite');
    }
    tf.dispose([yTrue, right, wrong]);
  });

  it('lovaszSoftmaxLoss() with logits ±100 is finite: 0 when right, 1 when every pixel predicts a wrong class', () => {
    // Right: p is one-hot of the label, every error 0. Wrong: p is one-hot of label + 1 (mod C);
    // for each present class, its pixels and the pixels predicting it have error 1, the rest 0,
    // and J reaches 1 once all of them are walked: loss_c = 1, so the mean is 1.
    const C = 3;
    const labels = randomLabels([2, 5, 5], C, 53);
    const lab = labels.dataSync();
    const at = (shift: number) =>
      tf.tensor4d(Float32Array.from({ length: lab.length * C }, (_, i) => ((lab[Math.floor(i / C)] + shift) % C === i % C ? 100 : -100)), [2, 5, 5, C]);
    const right = at(0);
    const wrong = at(1);
    for (const options of [{}, { perImage: true, classes: 'all' as const }]) {
      const loss = lovaszSoftmaxLoss(options);
      const r = valueAndGrad(loss, labels, right, true);
      expect(r.value).toBe(0);
      expect(r.grad.every(Number.isFinite)).toBe(true);
      const w = valueAndGrad(loss, labels, wrong, true);
      expectClose(w.value, 1, VALUE_TOL);
      expect(w.grad.every(Number.isFinite)).toBe(true);
      const composite = valueAndGrad(loss, labels, wrong, false);
      expectClose(w.grad, composite.grad, { rtol: 1e-5, atol: 1e-5 * Math.max(1e-30, ...Array.from(composite.grad, Math.abs)) }, 'grad vs composite');
    }
    tf.dispose([labels, right, wrong]);
  });
});
