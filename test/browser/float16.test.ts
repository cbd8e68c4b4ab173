/**
 * 16-bit webgl, as on the many phones whose GPUs render only to half-float textures: the page
 * sets `WEBGL_RENDER_FLOAT32_ENABLED` false before the backend starts, so every tensor is
 * stored as float16 (largest 65504, 11-bit mantissa). At realistic sizes (binary
 * [2,128,128,1], multiclass [2,64,64,4]), every region loss, MCC, and BCE / focal / Combo from
 * logits and from probabilities must give a finite value and gradient within a few percent of
 * segloss in Node (cpu, float32) on the same inputs, rounded to float16 first so that only the
 * losses' own arithmetic is compared, not the rounding of the inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';
import { rng } from '../helpers/random.js';
import { callPage, startTestPage, type TestPage } from './testPage';

/** x rounded to the nearest float16 (normal and subnormal range; no overflow in these inputs). */
function toFloat16(x: number): number {
  if (x === 0) return 0;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(x))), -14);
  const step = 2 ** (exponent - 10);
  return Math.round(x / step) * step;
}

interface Inputs {
  yTrue: { data: number[]; shape: number[]; dtype: 'float32' };
  yPred: { data: number[]; shape: number[] };
}

/** Binary [2,128,128,1] or one-hot multiclass [2,64,64,4]: targets, and logits (or probabilities). */
function inputs(kind: 'binary' | 'multiclass', fromLogits: boolean, seed: number): Inputs {
  const r = rng(seed);
  const [shape, C] = kind === 'binary' ? [[2, 128, 128, 1], 1] : [[2, 64, 64, 4], 4];
  const n = shape.reduce((a, b) => a * b, 1);
  const pixels = n / C;
  const yTrue: number[] = [];
  const logits: number[] = [];
  for (let i = 0; i < pixels; i++) {
    // A blob of about 30 % foreground (or one class per pixel), and logits that mostly agree.
    const label = C === 1 ? (r() < 0.3 ? 1 : 0) : Math.floor(r() * C);
    for (let c = 0; c < C; c++) {
      const t = C === 1 ? label : Number(label === c);
      yTrue.push(t);
      logits.push((t ? 1.5 : -1.5) + (r() + r() + r() - 1.5) * 3);
    }
  }
  let pred = logits;
  if (!fromLogits) {
    pred = C === 1 ? logits.map((x) => 1 / (1 + Math.exp(-x))) : softmaxRows(logits, C);
  }
  return { yTrue: { data: yTrue, shape, dtype: 'float32' }, yPred: { data: pred.map(toFloat16), shape } };
}

function softmaxRows(x: number[], C: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i += C) {
    const row = x.slice(i, i + C);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

type Factory = (o: Record<string, unknown>) => (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Value and gradient of the sum in Node (cpu, float32). */
function nodeResult(fn: string, options: Record<string, unknown>, x: Inputs): { value: number[]; grad: number[] } {
  const loss = (segloss as unknown as Record<string, Factory>)[fn](options);
  return tf.tidy(() => {
    const t = tf.tensor(x.yTrue.data, x.yTrue.shape);
    const p = tf.tensor(x.yPred.data, x.yPred.shape);
    return { value: Array.from(loss(t, p).dataSync()), grad: Array.from(tf.grad((v: tf.Tensor) => tf.sum(loss(t, v)))(p).dataSync()) };
  });
}

const norm = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

const REGION = ['diceLoss', 'jaccardLoss', 'tverskyLoss', 'focalTverskyLoss', 'logCoshDiceLoss', 'generalizedDiceLoss'];
const CASES: { fn: string; kind: 'binary' | 'multiclass'; fromLogits: boolean; options?: Record<string, unknown> }[] = [
  ...REGION.flatMap((fn) => [
    { fn, kind: 'binary' as const, fromLogits: true },
    { fn, kind: 'multiclass' as const, fromLogits: true },
  ]),
  { fn: 'diceLoss', kind: 'binary', fromLogits: true, options: { logLoss: true, squared: true } },
  { fn: 'diceLoss', kind: 'multiclass', fromLogits: false },
  { fn: 'generalizedWassersteinDiceLoss', kind: 'multiclass', fromLogits: true, options: { distanceMatrix: [[0, 1, 1, 1], [1, 0, 0.5, 1], [1, 0.5, 0, 1], [1, 1, 1, 0]] } },
  { fn: 'mccLoss', kind: 'binary', fromLogits: true },
  { fn: 'mccLoss', kind: 'binary', fromLogits: false },
  ...['bceLoss', 'focalLoss', 'comboLoss'].flatMap((fn) => [
    { fn, kind: 'binary' as const, fromLogits: true },
    { fn, kind: 'binary' as const, fromLogits: false },
  ]),
  { fn: 'focalLoss', kind: 'multiclass', fromLogits: true },
  { fn: 'focalLoss', kind: 'multiclass', fromLogits: false },
];

let testPage: TestPage;
let page: Page;

beforeAll(async () => {
  await useBackend('cpu');
  testPage = await startTestPage();
  page = await testPage.open('?backend=webgl&float16=1');
});

afterAll(async () => {
  await testPage?.close();
});

describe('16-bit webgl (WEBGL_RENDER_FLOAT32_ENABLED false)', () => {
  it('runs on webgl with half-float textures', async () => {
    expect(await callPage(page, 'info')).toMatchObject({ backend: 'webgl', float32Textures: false });
  });

  CASES.forEach(({ fn, kind, fromLogits, options = {} }, i) => {
    const opts = { ...(kind === 'multiclass' ? { mode: 'multiclass' } : {}), fromLogits, ...options };
    it(`${fn}(${JSON.stringify(opts)}) on ${kind === 'binary' ? '[2,128,128,1]' : '[2,64,64,4]'}: finite and within a few percent of float32`, async () => {
      const x = inputs(kind, fromLogits, 100 + i);
      const want = nodeResult(fn, opts, x);
      const got = await callPage(page, 'compute', { fn, options: opts, ...x, grad: true });
      expect(got.value.every(Number.isFinite), `value ${got.value}`).toBe(true);
      expect(got.grad!.every(Number.isFinite), 'gradient finite').toBe(true);
      // Value: 2 % relative (1e-3 absolute near 0); gradient: 5 % of its norm.
      expect(Math.abs(got.value[0] - want.value[0]), `value ${got.value[0]}, float32 ${want.value[0]}`).toBeLessThanOrEqual(0.02 * Math.abs(want.value[0]) + 1e-3);
      const diff = norm(got.grad!.map((g, j) => g - want.grad[j]));
      const valueError = Math.abs(got.value[0] - want.value[0]) / Math.abs(want.value[0]);
      console.info(`float16 ${fn} ${JSON.stringify(opts)}: value ${got.value[0]} vs ${want.value[0]} (relative error ${valueError.toExponential(2)}), gradient relative error ${(diff / norm(want.grad)).toExponential(2)}`);
      expect(diff / norm(want.grad), `gradient relative error (norm ${norm(want.grad)})`).toBeLessThanOrEqual(0.05);
    });
  });
});
