/**
 * pipeline/patches.ts: seeded native-resolution patches that cover the image, pad small images
 * with IGNORED labels, and augment image and labels by the same symmetry; pipeline/resample.ts.
 */
import { describe, expect, it } from 'vitest';
import { IGNORED, type Sample } from '../../src/cli/pipeline/types.js';
import { patchSampler } from '../../src/cli/pipeline/patches.js';
import { rescaleSample } from '../../src/cli/pipeline/resolution.js';
import { resampleLabels, resampleMap, scaledSize } from '../../src/cli/pipeline/resample.js';

/** A w×h sample whose pixel i holds image value i (1 channel) and label i: every pixel is identifiable. */
function numbered(w: number, h: number, name = 's'): Sample {
  return { name, width: w, height: h, channels: 1, image: Float32Array.from({ length: w * h }, (_, i) => i), labels: Int32Array.from({ length: w * h }, (_, i) => i) };
}

describe('patchSampler()', () => {
  it('patchSampler() gives the same patches for the same seed and different ones for another', () => {
    const samples = [numbered(20, 13), numbered(9, 30)];
    const a = patchSampler(samples, { patch: 8, seed: 7 });
    const b = patchSampler(samples, { patch: 8, seed: 7 });
    const c = patchSampler(samples, { patch: 8, seed: 8 });
    const [a1, a2, b1, b2] = [a(4), a(4), b(4), b(4)];
    expect(Array.from(b1.images)).toEqual(Array.from(a1.images));
    expect(Array.from(b2.labels)).toEqual(Array.from(a2.labels));
    expect(Array.from(a2.images)).not.toEqual(Array.from(a1.images));
    expect(Array.from(c(4).images)).not.toEqual(Array.from(a1.images));
  });

  it('patchSampler() covers every pixel of every image, whatever their sizes', () => {
    const samples = [numbered(12, 10), numbered(7, 15)];
    const seen = samples.map((s) => new Uint8Array(s.width * s.height));
    const next = patchSampler(samples, { patch: 6, seed: 1, augment: false });
    const batch = next(400);
    batch.placements.forEach((p, slot) => {
      // without augmentation, label at patch (py, px) is the source pixel index
      for (let k = 0; k < 36; k++) {
        const v = batch.labels[slot * 36 + k];
        if (v !== IGNORED) seen[p.sample][v] = 1;
      }
    });
    expect(seen.map((s) => s.every((v) => v === 1))).toEqual([true, true]);
  });

  it('patchSampler() places an image smaller than the patch inside it, padding with 0 and IGNORED', () => {
    const next = patchSampler([numbered(3, 2)], { patch: 5, seed: 3, augment: false });
    const batch = next(20);
    for (let slot = 0; slot < 20; slot++) {
      const labels = Array.from(batch.labels.subarray(slot * 25, slot * 25 + 25));
      expect(labels.filter((v) => v !== IGNORED).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
      const images = Array.from(batch.images.subarray(slot * 25, slot * 25 + 25));
      expect(images.filter((v, k) => labels[k] === IGNORED && v !== 0)).toEqual([]);
    }
  });

  it('patchSampler() augments by one of the 8 symmetries, the same for image and labels', () => {
    const sample = numbered(16, 16);
    // label = image value for every pixel: any transform applied to both keeps them equal
    const batch = patchSampler([sample], { patch: 4, seed: 5 })(200);
    expect(Array.from(batch.labels)).toEqual(Array.from(batch.images));
    // each patch is the un-augmented window at its placement under its symmetry
    const plain = (x: number, y: number) => Array.from({ length: 16 }, (_, k) => (y + Math.floor(k / 4)) * 16 + x + (k % 4));
    const symmetries = new Set<number>();
    batch.placements.forEach((p, slot) => {
      symmetries.add(p.symmetry);
      const window = plain(p.x, p.y);
      const want = Array.from({ length: 16 }, (_, k) => {
        let [a, b] = [Math.floor(k / 4), k % 4];
        if (p.symmetry & 2) a = 3 - a;
        if (p.symmetry & 1) b = 3 - b;
        if (p.symmetry & 4) [a, b] = [b, a];
        return window[a * 4 + b];
      });
      expect(Array.from(batch.labels.subarray(slot * 16, slot * 16 + 16))).toEqual(want);
    });
    expect(symmetries.size).toBe(8);
  });

  it('patchSampler() with augment: false returns the windows unchanged', () => {
    const batch = patchSampler([numbered(10, 10)], { patch: 3, seed: 2, augment: false })(30);
    expect(batch.placements.every((p) => p.symmetry === 0)).toBe(true);
    const p = batch.placements[0];
    expect(Array.from(batch.labels.subarray(0, 3))).toEqual([0, 1, 2].map((k) => p.y * 10 + p.x + k));
  });

  it('patchSampler() rejects bad options and mixed channels', () => {
    expect(() => patchSampler([], { patch: 4, seed: 1 })).toThrow(/^patchSampler: samples must not be empty/);
    expect(() => patchSampler([numbered(4, 4)], { patch: 0, seed: 1 })).toThrow(/^patchSampler: options\.patch must be a positive integer, got 0\./);
    const rgb = { ...numbered(2, 2, 'rgb'), channels: 3, image: new Float32Array(12) };
    expect(() => patchSampler([numbered(2, 2), rgb], { patch: 2, seed: 1 })).toThrow(/every sample must have 1 channels, got 3 in rgb/);
  });
});

describe('rescaling', () => {
  it('rescaleSample() halves both sides at scale 0.5, averaging 2×2 blocks and keeping the aspect', () => {
    const s = rescaleSample(numbered(6, 4), 0.5);
    expect([s.width, s.height]).toEqual([3, 2]);
    // block (0,0) holds 0, 1, 6, 7 → mean 3.5; block (2,1) holds 16, 17, 22, 23 → 19.5
    expect(s.image[0]).toBeCloseTo(3.5, 5);
    expect(s.image[5]).toBeCloseTo(19.5, 5);
    // nearest label under each target centre: centre (0.5·2, 0.5·2) = source (1, 1) → 7
    expect(s.labels[0]).toBe(7);
  });

  it('scaledSize() rounds each side and keeps at least one pixel', () => {
    expect(scaledSize(480, 360, 0.5)).toEqual({ width: 240, height: 180 });
    expect(scaledSize(3, 1, 0.1)).toEqual({ width: 1, height: 1 });
  });

  it('resampleMap() is the identity at equal size, and bilinear growth reproduces a linear ramp inside the clamped border', () => {
    const ramp = Float32Array.from({ length: 4 }, (_, i) => 10 * i); // values 0, 10, 20, 30 on a 4×1 row
    expect(Array.from(resampleMap(ramp, 4, 1, 1, 4, 1))).toEqual(Array.from(ramp));
    const grown = resampleMap(ramp, 4, 1, 1, 8, 1);
    // target centre t + 0.5 sits at source (t + 0.5)/2 − 0.5: t = 1 → 0.25 → 2.5, t = 6 → 2.75 → 27.5
    expect(grown[1]).toBeCloseTo(2.5, 5);
    expect(grown[6]).toBeCloseTo(27.5, 5);
    expect([grown[0], grown[7]]).toEqual([0, 30]);
  });

  it('resampleLabels() takes the label under each target centre', () => {
    expect(Array.from(resampleLabels(Int32Array.from([1, 2, 3, 4]), 2, 2, 4, 4))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});
