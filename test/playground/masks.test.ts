/** The playground's mask and prediction helpers (plain arrays, no browser). */
import { describe, expect, it } from 'vitest';
import {
  diskOfFraction,
  emptyGrid,
  fractionSweepValues,
  gaussianBlur,
  gaussianNoise,
  growShrink,
  paintLine,
  predictionLogits,
  presetMask,
  PRESETS,
  shiftRight,
  shiftSweepValues,
  softPrediction,
  type Grid,
} from '../../playground/src/masks';

const sum = (g: Grid) => g.data.reduce((a, b) => a + b, 0);
const flat = { shift: 0, grow: 0, blur: 0, confidence: 4, noise: 0, seed: 1 };

describe('playground masks', () => {
  it('presetMask() gives an empty preset and a small object under 1 % of the image', () => {
    expect(PRESETS).toEqual(['small', 'line', 'blob', 'several', 'empty']);
    expect(sum(presetMask('empty', 64, 64))).toBe(0);
    const small = sum(presetMask('small', 64, 64));
    expect(small).toBeGreaterThan(0);
    expect(small / 4096).toBeLessThan(0.01);
    expect(sum(presetMask('blob', 64, 64)) / 4096).toBeGreaterThan(0.2);
  });

  it('growShrink() dilates one pixel into the 13-pixel disk of radius 2 and erodes a 1-px line away', () => {
    const dot = emptyGrid(9, 9);
    dot.data[4 * 9 + 4] = 1;
    // Lattice points with x² + y² ≤ 4: the centre, 4 at distance 1, 4 at √2, 4 at 2.
    expect(sum(growShrink(dot, 2))).toBe(13);
    const line = emptyGrid(16, 16);
    paintLine(line, 2, 8, 13, 8, 0.4, 1);
    expect(sum(line)).toBe(12);
    expect(sum(growShrink(line, -1))).toBe(0);
  });

  it('shiftRight() moves the foreground right and drops what leaves the image', () => {
    const g = emptyGrid(4, 4);
    g.data[1 * 4 + 1] = 1;
    g.data[2 * 4 + 3] = 1;
    const s = shiftRight(g, 2);
    expect(Array.from(s.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('gaussianBlur() keeps the mass of an object away from the border and stays in [0, 1]', () => {
    const g = presetMask('small', 64, 64);
    const b = gaussianBlur(g, 1.5);
    expect(Math.abs(sum(b) - sum(g)) / sum(g)).toBeLessThan(1e-4);
    expect(Math.max(...b.data)).toBeLessThanOrEqual(1);
    expect(Math.min(...b.data)).toBeGreaterThanOrEqual(0);
  });

  it('predictionLogits() gives ±confidence for an unblurred, noiseless prediction', () => {
    const g = presetMask('several', 32, 32);
    const x = predictionLogits(g, flat);
    expect(Array.from(x)).toEqual(Array.from(g.data, (t) => (t ? 4 : -4)));
  });

  it('gaussianNoise() is reproducible for a seed and close to N(0, 1)', () => {
    const a = gaussianNoise(10_000, 7);
    expect(Array.from(a)).toEqual(Array.from(gaussianNoise(10_000, 7)));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    // The sample mean's standard error is 0.01; 0.05 is five of them.
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('shiftSweepValues() runs from a perfect overlap to a shift where prediction and target barely touch', () => {
    const t = presetMask('small', 64, 64);
    const settings = { ...flat, blur: 1 };
    const xs = shiftSweepValues(t, settings, 11);
    expect(xs[0]).toBe(0);
    const overlap = (shift: number) => {
      const q = softPrediction(t, { ...settings, shift }).data;
      return t.data.reduce((s, v, i) => s + v * q[i], 0) / sum(t);
    };
    expect(overlap(xs[0])).toBeGreaterThan(0.7);
    expect(overlap(xs[xs.length - 1])).toBeLessThan(0.01);
  });

  it('fractionSweepValues() falls log-evenly from 50 % to 1 %, and diskOfFraction() covers about that fraction', () => {
    const f = fractionSweepValues(5);
    expect(f[0]).toBeCloseTo(0.5, 12);
    expect(f[4]).toBeCloseTo(0.01, 12);
    expect(f[1] / f[0]).toBeCloseTo(f[3] / f[2], 12);
    for (const fraction of [0.5, 0.1]) expect(Math.abs(sum(diskOfFraction(fraction, 64, 64)) / 4096 - fraction) / fraction).toBeLessThan(0.05);
  });
});
