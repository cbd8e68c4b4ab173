/**
 * The strategy each fused kernel call takes: `sigmoidPlan` and `softmaxPlan` are the one place
 * where forward and backward decide between the SIMD kernels and the JavaScript loops. Each row
 * states a case and the strategy its documented rule gives (see the TSDoc of each plan).
 */
import { describe, expect, it } from 'vitest';
import type { DataType } from '@tensorflow/tfjs-core';
import type { SigmoidAttrs, SoftmaxAttrs } from '../../src/kernels/kernelNames.js';
import { sigmoidPlan, type SigmoidStrategy } from '../../src/kernels/sigmoidStats.js';
import { softmaxPlan, type SoftmaxStrategy } from '../../src/kernels/softmaxStats.js';
import type { SimdPlace } from '../../src/kernels/simd/simdKernels.js';

const SIGMOID: SigmoidAttrs = {
  B: 2,
  C: 1,
  S: 64,
  fromLogits: true,
  channelsFirst: false,
  hasIgnore: false,
  ignoreIndex: 0,
  squared: false,
  softLabel: false,
  wantBce: false,
  wPos: 1,
  wNeg: 1,
  smoothing: 0,
  wantFocal: false,
  gamma: 0,
  hasAlpha: false,
  alpha: 0,
  keepP: true,
};

interface SigmoidRow {
  name: string;
  attrs: Partial<SigmoidAttrs>;
  t?: DataType;
  place: SimdPlace;
  want: SigmoidStrategy;
}

const SIGMOID_ROWS: SigmoidRow[] = [
  { name: 'binary Dice from logits on the wasm heap', attrs: {}, place: 'heap', want: 'simd' },
  { name: 'binary Dice from logits on cpu (arena copies)', attrs: {}, place: 'arena', want: 'simd' },
  { name: 'binary Dice from logits without SIMD', attrs: {}, place: null, want: 'jsFast' },
  { name: 'int32 targets on the heap (the SIMD kernels read float32 only)', attrs: {}, t: 'int32', place: 'heap', want: 'jsFast' },
  { name: 'int32 targets on cpu (the arena copies them as float32)', attrs: {}, t: 'int32', place: 'arena', want: 'simd' },
  { name: 'multilabel C = 8 channels last (four classes per vector)', attrs: { C: 8 }, place: 'heap', want: 'lanes' },
  { name: 'multilabel C = 8 focal with ignoreIndex', attrs: { C: 8, wantFocal: true, gamma: 2, hasIgnore: true, S: 63 }, place: 'arena', want: 'lanes' },
  { name: 'multilabel C = 8 with int32 targets', attrs: { C: 8 }, t: 'int32', place: 'heap', want: 'jsFast' },
  { name: 'multilabel C = 3 channels last (strided groups)', attrs: { C: 3 }, place: 'heap', want: 'jsFast' },
  { name: 'multilabel C = 3 channels first (contiguous groups)', attrs: { C: 3, channelsFirst: true }, place: 'heap', want: 'simd' },
  { name: 'multilabel C = 8 channels first', attrs: { C: 8, channelsFirst: true }, place: 'heap', want: 'simd' },
  { name: 'ignoreIndex with S a multiple of 4', attrs: { hasIgnore: true }, place: 'heap', want: 'simd' },
  { name: 'ignoreIndex with S not a multiple of 4 (no JavaScript tail takes ignores)', attrs: { hasIgnore: true, S: 63 }, place: 'heap', want: 'general' },
  { name: 'ignoreIndex without SIMD', attrs: { hasIgnore: true }, place: null, want: 'general' },
  { name: 'region sums from probabilities', attrs: { fromLogits: false, keepP: false }, place: 'arena', want: 'simd' },
  { name: 'region sums from probabilities without SIMD', attrs: { fromLogits: false, keepP: false }, place: null, want: 'general' },
  { name: 'BCE from probabilities', attrs: { fromLogits: false, keepP: false, wantBce: true }, place: 'heap', want: 'general' },
  { name: 'squared sums', attrs: { squared: true }, place: 'heap', want: 'general' },
  { name: 'softLabel', attrs: { softLabel: true }, place: 'heap', want: 'general' },
  { name: 'BCE and focal together (bceDice never asks for both; the general loop can)', attrs: { wantBce: true, wantFocal: true, keepP: false }, place: 'heap', want: 'general' },
  { name: 'binary BCE with label smoothing', attrs: { wantBce: true, smoothing: 0.1 }, place: 'heap', want: 'simd' },
  { name: 'binary focal without SIMD', attrs: { wantFocal: true, gamma: 2, keepP: false }, place: null, want: 'jsFast' },
];

describe('sigmoidPlan() chooses one strategy per call', () => {
  it.each(SIGMOID_ROWS)('$name → $want', ({ attrs, t = 'float32', place, want }) => {
    expect(sigmoidPlan({ ...SIGMOID, ...attrs }, { x: 'float32', t }, place)).toBe(want);
  });

  it('sigmoidPlan() without a SIMD place never returns a SIMD strategy', () => {
    for (const { attrs, t = 'float32' } of SIGMOID_ROWS) {
      expect(['jsFast', 'general']).toContain(sigmoidPlan({ ...SIGMOID, ...attrs }, { x: 'float32', t }, null));
    }
  });
});

const SOFTMAX: SoftmaxAttrs = {
  B: 2,
  C: 4,
  S: 64,
  fromLogits: true,
  channelsFirst: false,
  dense: false,
  hasIgnore: false,
  ignoreIndex: 0,
  squared: false,
  softLabel: false,
  wantCe: true,
  ceWeights: [],
  smoothing: 0,
  wantFocal: false,
  gamma: 0,
  focalAlpha: [],
};

interface SoftmaxRow {
  name: string;
  attrs: Partial<SoftmaxAttrs>;
  t: DataType;
  place: SimdPlace;
  want: SoftmaxStrategy;
}

const SOFTMAX_ROWS: SoftmaxRow[] = [
  { name: 'int32 index labels channels last', attrs: {}, t: 'int32', place: 'heap', want: 'simd' },
  { name: 'float32 index labels with label smoothing', attrs: { smoothing: 0.1 }, t: 'float32', place: 'arena', want: 'simd' },
  { name: 'index labels without SIMD', attrs: {}, t: 'int32', place: null, want: 'general' },
  { name: 'index labels channels first, S a multiple of 4', attrs: { channelsFirst: true }, t: 'int32', place: 'heap', want: 'simd' },
  { name: 'index labels channels first, S not a multiple of 4', attrs: { channelsFirst: true, S: 63 }, t: 'int32', place: 'heap', want: 'general' },
  { name: 'float32 one-hot targets channels last', attrs: { dense: true }, t: 'float32', place: 'heap', want: 'simd' },
  { name: 'int32 one-hot targets', attrs: { dense: true }, t: 'int32', place: 'heap', want: 'general' },
  { name: 'one-hot targets channels first', attrs: { dense: true, channelsFirst: true }, t: 'float32', place: 'heap', want: 'general' },
  { name: 'bool index labels', attrs: {}, t: 'bool', place: 'heap', want: 'general' },
  { name: 'probabilities', attrs: { fromLogits: false }, t: 'int32', place: 'heap', want: 'general' },
  { name: 'squared sums', attrs: { squared: true }, t: 'int32', place: 'heap', want: 'general' },
  { name: 'softLabel', attrs: { softLabel: true, dense: true }, t: 'float32', place: 'heap', want: 'general' },
];

describe('softmaxPlan() chooses one strategy per call', () => {
  it.each(SOFTMAX_ROWS)('$name → $want', ({ attrs, t, place, want }) => {
    expect(softmaxPlan({ ...SOFTMAX, ...attrs }, { x: 'float32', t }, place)).toBe(want);
  });
});
