import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataFolder } from './dataFolder.js';
import { nodeEnv } from '../../src/cli/node/env.js';
import { encodePalettePng, encodePng, writePng } from '../../src/cli/node/png.js';
import { loadFolders as loadWith } from '../../src/cli/orchestrate/loadData.js';
import { resizeImage, resizeLabels } from '../../src/cli/pipeline/dataset.js';
import { splitTail } from '../../src/cli/pipeline/split.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import { IGNORED, type LabelOptions } from '../../src/cli/pipeline/types.js';

const env = nodeEnv({ out: { write: () => true }, err: { write: () => true } });
const loadFolders = (dirs: string[], size: number, label: LabelOptions) => loadWith(env, dirs, size, label);

const root = mkdtempSync(join(tmpdir(), 'segloss-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const gray = (w: number, h: number, fill: (i: number) => number) =>
  encodePng({ width: w, height: h, channels: 1, data: Uint8Array.from({ length: w * h }, (_, i) => fill(i)) });

/** A dataset folder `name` under the test's root from {file: [imagePng, maskPng]}. */
const folder = (name: string, pairs: Parameters<typeof dataFolder>[1]) => dataFolder(join(root, name), pairs);

describe('loadFolders()', () => {
  it('pairs images and masks by name and maps 0/255 masks to 0/1 labels', async () => {
    const dir = folder('ok', {
      'a.png': [gray(4, 4, (i) => i * 16), gray(4, 4, (i) => (i < 8 ? 0 : 255))],
      'b.png': [gray(4, 4, () => 255), gray(4, 4, () => 0)],
    });
    const [d] = await loadFolders([dir], 4, { mode: 'binary' });
    expect(d.samples.map((s) => s.name)).toEqual(['a', 'b']);
    expect(Array.from(d.samples[0].mask)).toEqual(Array.from({ length: 16 }, (_, i) => (i < 8 ? 0 : 1)));
    expect(d.samples[0].image[5]).toBeCloseTo((5 * 16) / 255, 6);
    expect(d.channels).toBe(1);
  });

  it('uses --foreground to choose the foreground value and --ignore-index for IGNORED labels', async () => {
    const dir = folder('fg', { 'a.png': [gray(2, 2, () => 9), gray(2, 2, (i) => [0, 255, 7, 0][i])] });
    const [d] = await loadFolders([dir], 2, { mode: 'binary', foreground: 0, ignoreIndex: 7 });
    expect(Array.from(d.samples[0].mask)).toEqual([1, 0, IGNORED, 1]);
  });

  it('reads multiclass palette masks as indices and infers K from the largest label', async () => {
    const palette = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const dir = folder('mc', { 'a.png': [gray(2, 2, () => 1), encodePalettePng(2, 2, Uint8Array.from([0, 1, 3, 2]), palette)] });
    const [d] = await loadFolders([dir], 2, { mode: 'multiclass' });
    expect(d.classes).toBe(4);
    expect(Array.from(d.samples[0].mask)).toEqual([0, 1, 3, 2]);
  });

  it('reports a missing folder by name', async () => {
    await expect(loadFolders([join(root, 'nope')], 4, { mode: 'binary' })).rejects.toThrow(/nope does not exist/);
    const dir = join(root, 'nomasks');
    mkdirSync(join(dir, 'images'), { recursive: true });
    await expect(loadFolders([dir], 4, { mode: 'binary' })).rejects.toThrow(/nomasks\/masks is missing/);
  });

  it('reports an image without a mask and a mask without an image, naming the file', async () => {
    const a = folder('unpaired1', { 'a.png': [gray(2, 2, () => 0), undefined] });
    await expect(loadFolders([a], 2, { mode: 'binary' })).rejects.toThrow(/unpaired1\/images\/a\.png has no mask/);
    const b = folder('unpaired2', { 'b.png': [undefined, gray(2, 2, () => 0)] });
    await expect(loadFolders([b], 2, { mode: 'binary' })).rejects.toThrow(/unpaired2\/masks\/b\.png has no image/);
  });

  it('reports an image and mask of different sizes, naming the mask', async () => {
    const dir = folder('sizes', { 'a.png': [gray(4, 4, () => 0), gray(4, 3, () => 0)] });
    await expect(loadFolders([dir], 4, { mode: 'binary' })).rejects.toThrow(/sizes\/masks\/a\.png is 4×3 but its image .*a\.png is 4×4/);
  });

  it('reports mask values outside the classes, naming the file, value and pixel', async () => {
    const dir = folder('values', { 'a.png': [gray(3, 1, () => 0), gray(3, 1, (i) => [0, 1, 5][i])] });
    await expect(loadFolders([dir], 4, { mode: 'multiclass', classes: 3 })).rejects.toThrow(
      /values\/masks\/a\.png holds mask value 5 at pixel \(2, 0\), outside the 3 classes 0\.\.2/,
    );
    await expect(loadFolders([dir], 4, { mode: 'binary' })).rejects.toThrow(/values\/masks\/a\.png holds mask value 5 .*--foreground/);
  });

  it('reports an unreadable or interlaced PNG, naming the file', async () => {
    const dir = folder('broken', { 'a.png': [Uint8Array.from([1, 2, 3, 4]), gray(2, 2, () => 0)] });
    await expect(loadFolders([dir], 2, { mode: 'binary' })).rejects.toThrow(/broken\/images\/a\.png: cannot read PNG: not a PNG/);
    const interlaced = writePng(2, 2, 8, 0, new Uint8Array(6), { interlace: true });
    const dir2 = folder('interlaced', { 'a.png': [gray(2, 2, () => 0), interlaced] });
    await expect(loadFolders([dir2], 2, { mode: 'binary' })).rejects.toThrow(/interlaced\/masks\/a\.png: cannot read PNG: interlaced/);
  });

  it('rejects a colour mask whose channels differ', async () => {
    const rgb = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) });
    const dir = folder('colour', { 'a.png': [gray(1, 1, () => 0), rgb] });
    await expect(loadFolders([dir], 2, { mode: 'multiclass' })).rejects.toThrow(/colour\/masks\/a\.png is a colour mask/);
  });

  it('makes every image RGB when any image is RGB', async () => {
    const rgb = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.from([255, 0, 51]) });
    const dir = folder('mixed', { 'a.png': [rgb, gray(1, 1, () => 0)], 'b.png': [gray(1, 1, () => 102), gray(1, 1, () => 0)] });
    const [d] = await loadFolders([dir], 1, { mode: 'binary' });
    expect(d.channels).toBe(3);
    expect(Array.from(d.samples[0].image)).toEqual([1, 0, 0.2].map((v) => Math.fround(v)));
    expect(Array.from(d.samples[1].image)).toEqual([0.4, 0.4, 0.4].map((v) => Math.fround(v)));
  });
});

describe('resizing and splitting', () => {
  it('averages 2×2 blocks when halving an image and samples labels at block centres', () => {
    const src = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    // Block means of the 4×4 ramp: (0+1+4+5)/4 = 2.5, 4.5, 10.5, 12.5.
    expect(Array.from(resizeImage(src, 4, 4, 1, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
    // Centre of target pixel (0,0) is source (1,1) -> label 5; (1,1) -> source (3,3) -> 15.
    expect(Array.from(resizeLabels(Int32Array.from(src), 4, 4, 2))).toEqual([5, 7, 13, 15]);
  });

  it('holds out the last files in name order as one contiguous block', () => {
    const samples = syntheticDataset({ count: 10, size: 8, fgFraction: 0.1, seed: 1, classes: 2 });
    const [train, val] = splitTail({ samples, size: 8, channels: 1, classes: 2 }, 0.2);
    expect(train.samples.map((s) => s.name)).toEqual(samples.slice(0, 8).map((s) => s.name));
    expect(val.samples.map((s) => s.name)).toEqual(['synthetic_008', 'synthetic_009']);
  });
});

describe('syntheticDataset()', () => {
  it('is deterministic by seed', () => {
    const a = syntheticDataset({ count: 3, size: 32, fgFraction: 0.05, seed: 7, classes: 2 });
    const b = syntheticDataset({ count: 3, size: 32, fgFraction: 0.05, seed: 7, classes: 2 });
    const c = syntheticDataset({ count: 3, size: 32, fgFraction: 0.05, seed: 8, classes: 2 });
    expect(a).toEqual(b);
    expect(Array.from(a[0].image)).not.toEqual(Array.from(c[0].image));
  });

  for (const fgFraction of [0.03, 0.1]) {
    it(`has a mean foreground fraction near the requested ${fgFraction}`, () => {
      const samples = syntheticDataset({ count: 40, size: 64, fgFraction, seed: 3, classes: 2 });
      let fg = 0;
      for (const s of samples) for (const v of s.mask) fg += v;
      const mean = fg / (40 * 64 * 64);
      // Per image the target is drawn in [0.6, 1.4]·f and filled to within one object of it.
      expect(mean).toBeGreaterThan(0.8 * fgFraction);
      expect(mean).toBeLessThan(1.25 * fgFraction);
      let lo = Infinity;
      let hi = -Infinity;
      for (const s of samples) for (const v of s.image) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    });
  }

  it('labels objects 1..K-1 by shape in multiclass mode', () => {
    const samples = syntheticDataset({ count: 20, size: 32, fgFraction: 0.1, seed: 2, classes: 3 });
    const seen = new Set<number>();
    for (const s of samples) for (const v of s.mask) seen.add(v);
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });
});
