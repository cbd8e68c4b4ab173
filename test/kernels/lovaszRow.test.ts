/**
 * The pure-JavaScript parts of the fused Lovász kernels (src/kernels/lovaszRows.ts): the stable
 * radix sort, the sort key, and one row's walk against a float64 transcription of the SPEC.
 * The fused losses against the composite path: lovaszFused.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LovaszScratch, lovaszRow, radixSortByKey } from '../../src/kernels/lovaszRows.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';
import { referenceRow } from './lovaszReference.js';

// ---------------------------------------------------------------------------------------------
// Pure-JS parts: radix sort, key, one row.
// ---------------------------------------------------------------------------------------------

/** Runs radixSortByKey on copies of keys and order, with garbage in the scratch arrays. */
function radixSorted(keys: Uint32Array, order: Uint32Array): { keys: Uint32Array; order: Uint32Array } {
  const k = keys.slice();
  const o = order.slice();
  const N = k.length;
  const counts = new Uint32Array(3 * 2048).fill(12345);
  radixSortByKey(k, o, new Uint32Array(N).fill(7), new Uint32Array(N).fill(9), counts);
  return { keys: k, order: o };
}

/** Stable sort by key with Array.prototype.sort on [key, index] pairs (stable since ES2019). */
function referenceSorted(keys: Uint32Array, order: Uint32Array): { keys: Uint32Array; order: Uint32Array } {
  const pairs = Array.from(keys, (key, i) => [key, i] as [number, number]);
  pairs.sort((a, b) => a[0] - b[0]);
  return { keys: Uint32Array.from(pairs, (p) => p[0]), order: Uint32Array.from(pairs, (p) => order[p[1]]) };
}

/** First index where two arrays differ, or −1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const KEY_CASES: [string, number, (r: () => number, i: number) => number][] = [
  ['one key', 1, (r) => Math.floor(r() * 2 ** 32)],
  ['two keys in reverse order', 2, (_r, i) => 0xffffffff - i],
  ['two equal keys', 2, () => 0xdeadbeef],
  ['1000 full 32-bit keys', 1000, (r) => Math.floor(r() * 2 ** 32)],
  ['1000 keys with many duplicates (16 values)', 1000, (r) => Math.floor(r() * 16) * 0x01234567],
  ['1000 equal keys (every pass skipped)', 1000, () => 0x80000000],
  ['1000 keys differing only in the top 10 bits (one pass, odd)', 1000, (r) => ((Math.floor(r() * 1024) << 22) | 0x2aaaaa) >>> 0],
  ['1000 keys differing only in the low 11 bits (one pass, odd)', 1000, (r) => (0xabc00000 | (0x155 << 11) | Math.floor(r() * 2048)) >>> 0],
  ['1000 keys differing in the low 22 bits (two passes, even)', 1000, (r) => (0xffc00000 | Math.floor(r() * 2 ** 22)) >>> 0],
  ['1000 keys differing only in the middle digit', 1000, (r) => (0x3f000000 | (Math.floor(r() * 4) << 11) | 5) >>> 0],
  ['1000 keys including 0 and 0xffffffff', 1000, (r) => [0, 0xffffffff, 1, 0xfffffffe][Math.floor(r() * 4)]],
  ['70000 full 32-bit keys', 70000, (r) => Math.floor(r() * 2 ** 32)],
  ['70000 keys with many duplicates (100 values over all 32 bits)', 70000, (r) => (Math.floor(r() * 100) * 42949672) >>> 0],
  ['70000 keys in decreasing order', 70000, (_r, i) => 0xffffffff - i * 61],
];

describe('radixSortByKey()', () => {
  it.each(KEY_CASES)('equals a stable sort by key, permuting order alongside: %s', (_name, N, make) => {
    const r = rng(N + 17);
    const keys = Uint32Array.from({ length: N }, (_, i) => make(r, i));
    // `order` is an arbitrary payload (not 0..N−1), so that carrying it along is checked.
    const order = Uint32Array.from({ length: N }, (_, i) => (i * 2654435761 + 11) >>> 0);
    const got = radixSorted(keys, order);
    const want = referenceSorted(keys, order);
    expect(firstDifference(got.keys, want.keys)).toBe(-1);
    expect(firstDifference(got.order, want.order)).toBe(-1);
  });

  it('keeps equal keys in their input order (stability on an identity payload)', () => {
    const r = rng(5);
    const N = 5000;
    const keys = Uint32Array.from({ length: N }, () => [3, 0x7ff, 0x400000, 0xffffffff][Math.floor(r() * 4)]);
    const got = radixSorted(keys, Uint32Array.from({ length: N }, (_, i) => i));
    for (let k = 1; k < N; k++) {
      expect(got.keys[k - 1] <= got.keys[k]).toBe(true);
      if (got.keys[k - 1] === got.keys[k]) expect(got.order[k - 1] < got.order[k]).toBe(true);
    }
  });
});

describe('LovaszScratch.key()', () => {
  // Ascending float32 errors, one denormal each side of zero (float32's smallest normal is ≈1.18e-38).
  const ascending = [-Infinity, -1e30, -1, -1e-40, -0, 0, 1e-40, 1, 1e30, Infinity].map(Math.fround);

  it('the listed values are what they claim: ±1e-40 are float32 denormals, not 0', () => {
    expect(Math.fround(1e-40)).not.toBe(0);
    expect(Math.abs(Math.fround(1e-40))).toBeLessThan(1.1754943508222875e-38);
  });

  it('decreases strictly as the error increases, with −0 and +0 tied', () => {
    const s = new LovaszScratch(1);
    const keys = ascending.map((e) => s.key(e));
    for (const k of keys) expect(Number.isInteger(k) && k >= 0 && k < 2 ** 32).toBe(true);
    expect(s.key(-0)).toBe(s.key(0));
    for (let i = 1; i < keys.length; i++) {
      if (Object.is(ascending[i - 1], -0) && ascending[i] === 0) continue;
      expect(keys[i], `key(${ascending[i]}) < key(${ascending[i - 1]})`).toBeLessThan(keys[i - 1]);
    }
  });

  it('decreases strictly over 2000 random distinct float32 values of every magnitude', () => {
    const s = new LovaszScratch(1);
    const r = rng(8);
    const values = Array.from({ length: 2000 }, () => Math.fround((r() < 0.5 ? -1 : 1) * 2 ** (r() * 200 - 100) * r()));
    const sorted = [...new Set(values)].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(s.key(sorted[i])).toBeLessThan(s.key(sorted[i - 1]));
  });
});


interface Row {
  e: Float32Array;
  t: Float32Array;
  v: Float32Array | null;
}

/** A random row: errors from a small set (many ties, ±0, negatives) or continuous. */
function randomRow(seed: number, N: number, opts: { ties: boolean; invalid: number; positives: number }): Row {
  const r = rng(seed);
  const levels = [-1, -0.5, -0, 0, 0.25, 0.5, 0.75, 1, 1.5, 2];
  const e = Float32Array.from({ length: N }, () => (opts.ties ? levels[Math.floor(r() * levels.length)] : (r() - 0.3) * 4));
  const v = opts.invalid > 0 ? Float32Array.from({ length: N }, () => (r() < opts.invalid ? 0 : 1)) : null;
  const t = Float32Array.from({ length: N }, (_, i) => ((v === null || v[i] === 1) && r() < opts.positives ? 1 : 0));
  return { e, t, v };
}

describe('lovaszRow()', () => {
  const cases: [string, Row][] = [
    ['one element, positive', { e: Float32Array.of(0.5), t: Float32Array.of(1), v: null }],
    ['continuous errors', randomRow(1, 200, { ties: false, invalid: 0, positives: 0.4 })],
    ['errors with many exact ties (and ±0)', randomRow(2, 300, { ties: true, invalid: 0, positives: 0.5 })],
    ['ties and invalid elements (with positive errors)', randomRow(3, 300, { ties: true, invalid: 0.3, positives: 0.5 })],
    ['continuous errors and invalid elements', randomRow(4, 500, { ties: false, invalid: 0.2, positives: 0.3 })],
    ['no positive label', randomRow(5, 200, { ties: true, invalid: 0.1, positives: 0 })],
    ['every label positive', randomRow(6, 200, { ties: true, invalid: 0, positives: 1 })],
    ['all errors negative', { e: Float32Array.from({ length: 50 }, (_, i) => -1 - i / 7), t: Float32Array.from({ length: 50 }, (_, i) => i % 2), v: null }],
    ['3000 elements with ties', randomRow(7, 3000, { ties: true, invalid: 0.1, positives: 0.2 })],
  ];

  it.each(cases)('matches the float64 transcription of the formulas: %s', (_name, { e, t, v }) => {
    const N = e.length;
    const s = new LovaszScratch(N);
    const dE = new Float32Array(N).fill(NaN);
    const value = lovaszRow(e, t, v, dE, s);
    const want = referenceRow(e, t, v);
    expectClose(value, want.value, { rtol: 1e-10, atol: 1e-12 }, 'value');
    expectClose(dE, want.dE, { rtol: 1e-6, atol: 1e-9 }, 'dE');
    // Invalid elements and non-positive errors get exactly 0.
    for (let i = 0; i < N; i++) if ((v && v[i] === 0) || e[i] <= 0) expect(dE[i]).toBe(0);
  });

  it('gives the hand-derived value of sorted labels [1, 0, 1, 0] at errors [4, 3, 2, 1]', () => {
    // G = 2; J_k = 1 − (G − cumT)/(G + cumNeg): 1/2, 2/3, 1, 1; g = [1/2, 1/6, 1/3, 0];
    // value = 4/2 + 3/6 + 2/3 + 0 = 19/6. Given in scrambled order to exercise the sort.
    const e = Float32Array.of(2, 4, 1, 3);
    const t = Float32Array.of(1, 1, 0, 0);
    const dE = new Float32Array(4);
    expectClose(lovaszRow(e, t, null, dE, new LovaszScratch(4)), 19 / 6, { rtol: 1e-12, atol: 0 });
    expectClose(dE, [1 / 3, 1 / 2, 0, 1 / 6], { rtol: 1e-6, atol: 0 });
  });

  it('breaks exact ties in index order: tied errors take g in the order they are given', () => {
    // Errors all 1: labels [0, 1] give g = [J_1, J_2 − J_1] = [1/2, 1/2]; labels [1, 0] give
    // J_1 = 1 − 0/1 = 1, so g = [1, 0]. Either way the value is 1 (Σ g = 1).
    const s = new LovaszScratch(2);
    const dE = new Float32Array(2);
    expect(lovaszRow(Float32Array.of(1, 1), Float32Array.of(0, 1), null, dE, s)).toBeCloseTo(1, 12);
    expect(Array.from(dE)).toEqual([0.5, 0.5]);
    expect(lovaszRow(Float32Array.of(1, 1), Float32Array.of(1, 0), null, dE, s)).toBeCloseTo(1, 12);
    expect(Array.from(dE)).toEqual([1, 0]);
  });

  it('returns 0 and an all-zero dE for a row without a valid element', () => {
    const N = 64;
    const r = rng(9);
    const e = Float32Array.from({ length: N }, () => r() * 3 - 1);
    const dE = new Float32Array(N).fill(NaN);
    const value = lovaszRow(e, new Float32Array(N), new Float32Array(N), dE, new LovaszScratch(N));
    expect(value).toBe(0);
    expect(Array.from(dE).every((d) => d === 0)).toBe(true);
  });

  it('reuses its scratch across rows without carrying anything over', () => {
    const N = 400;
    const s = new LovaszScratch(N);
    for (let seed = 20; seed < 25; seed++) {
      const { e, t, v } = randomRow(seed, N, { ties: seed % 2 === 0, invalid: 0.2, positives: 0.4 });
      const dE = new Float32Array(N);
      expectClose(lovaszRow(e, t, v, dE, s), referenceRow(e, t, v).value, { rtol: 1e-10, atol: 1e-12 }, `row ${seed}`);
    }
  });
});
