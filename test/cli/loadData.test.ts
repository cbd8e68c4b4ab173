/**
 * orchestrate/loadData.ts: a plan's data read through the Node environment, checked, split and
 * seen at the run's resolution (native, --scale, --size), with the originals kept for scoring;
 * plus the split and the synthetic set it builds on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/errors.js';
import { nodeEnv } from '../../src/cli/node/env.js';
import { COMPARE_FLAGS } from '../../src/cli/options/flags.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { comparePlan } from '../../src/cli/options/plan.js';
import { loadData } from '../../src/cli/orchestrate/loadData.js';
import { readAll } from '../../src/cli/pipeline/sampleStore.js';
import { splitTail } from '../../src/cli/pipeline/split.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import { dataFolder } from './dataFolder.js';
import { png, tempDir } from './imageFiles.js';

const env = nodeEnv({ out: { write: () => true }, err: { write: () => true } });
const { dir: root, remove } = tempDir();
afterAll(remove);

/** The data of `segloss compare <argv>` (depth 2: sizes and patches in multiples of 4). */
function load(...argv: string[]) {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, ['--depth', '2', ...argv]);
  return loadData(env, comparePlan(flags, given).data, 4);
}

const SIZES = { a: [13, 9], b: [11, 7], c: [10, 10], d: [9, 12] } as const;
/** Four gray images of odd, differing sizes; masks 0/255 with the top row foreground. */
const odd = dataFolder(
  join(root, 'odd'),
  Object.fromEntries(
    Object.entries(SIZES).map(([stem, [w, h]]) => [
      `${stem}.png`,
      [png(Uint8Array.from({ length: w * h }, (_, i) => i % 256), { width: w, height: h }), png(Uint8Array.from({ length: w * h }, (_, i) => (i < w ? 255 : 0)), { width: w, height: h })],
    ]),
  ),
);

describe('loadData() on a folder', () => {
  it('keeps native sizes, holds out the last file, and clamps the patch to the largest side (rounded up to 2^depth)', async () => {
    const d = await load('--data', odd, '--val-split', '0.25', '--patch', '64');
    expect(d.train.infos.map((s) => [s.name, s.width, s.height])).toEqual([['a', 13, 9], ['b', 11, 7], ['c', 10, 10]]);
    expect((await readAll(d.train)).map((s) => [s.name, s.width, s.height])).toEqual([['a', 13, 9], ['b', 11, 7], ['c', 10, 10]]);
    expect(d.val.infos.map((s) => s.name)).toEqual(['d']);
    expect(d.resolution).toEqual({ kind: 'native', scale: 1 });
    expect(d.patch).toBe(16); // min(64, ⌈13 / 4⌉·4)
    const held = await d.heldOut.get(0);
    expect(held.input).toBe(held.truth); // scale 1: the model sees the original
    // top rows: 13 + 11 + 10 + 9 = 43 foreground pixels of 117 + 77 + 100 + 108 = 402
    expect(d.maskValues).toBe('mask values: 0 (359 px, 89.3%), 255 (43 px, 10.7%)');
    expect(d.summary).toEqual({ data: odd, valSplit: 0.25, valFiles: ['d'] });
  });

  it('--scale 0.5 halves each side (rounded, aspect kept) for the model and keeps the originals for scoring', async () => {
    const d = await load('--data', odd, '--scale', '0.5');
    expect(d.trainInput.infos.map((s) => [s.width, s.height])).toEqual([[7, 5], [6, 4], [5, 5]]); // round(13/2) = 7, round(4.5) = 5 ...
    expect((await readAll(d.trainInput)).map((s) => [s.width, s.height])).toEqual([[7, 5], [6, 4], [5, 5]]); // the sizes the infos promise
    const held = await d.heldOut.get(0);
    expect([held.input.width, held.input.height]).toEqual([5, 6]);
    expect([held.truth.width, held.truth.height]).toEqual([9, 12]);
    expect(d.patch).toBe(8); // ⌈7 / 4⌉·4
  });

  it('--size 8 resizes every image to 8×8 and trains on whole images', async () => {
    const d = await load('--data', odd, '--size', '8');
    expect(new Set((await readAll(d.trainInput)).map((s) => `${s.width}×${s.height}`))).toEqual(new Set(['8×8']));
    expect([d.patch, d.resolution]).toEqual([8, { kind: 'size', size: 8 }]);
    expect((await d.heldOut.get(0)).truth.labels.length).toBe(9 * 12);
  });

  it('checks a --val folder with the training folder: classes are inferred over both', async () => {
    const mask = (values: number[]) => png(Uint8Array.from(values), { width: 2, height: 2 });
    const image = png(new Uint8Array(4), { width: 2, height: 2 });
    const train = dataFolder(join(root, 'mc-train'), { 'a.png': [image, mask([0, 1, 2, 1])] });
    const val = dataFolder(join(root, 'mc-val'), { 'b.png': [image, mask([0, 3, 0, 0])] });
    const d = await load('--data', train, '--val', val, '--mode', 'multiclass', '--losses', 'diceLoss');
    expect([d.train.classes, d.val.classes, d.label.classes]).toEqual([4, 4, 4]);
    expect(d.summary).toEqual({ data: train, val });
  });

  it('takes class names from a palette file and refuses --class-names of the wrong length', async () => {
    const colours = [[0, 0, 0], [200, 10, 10], [10, 200, 10]];
    const rgb = Uint8Array.from([0, 1, 2, 1].flatMap((k) => colours[k]));
    const dir = dataFolder(join(root, 'rgb'), {
      'a.png': [png(new Uint8Array(4), { width: 2, height: 2 }), png(rgb, { width: 2, height: 2, channels: 3 })],
      'b.png': [png(new Uint8Array(4), { width: 2, height: 2 }), png(rgb, { width: 2, height: 2, channels: 3 })],
    });
    const palette = join(root, 'palette.txt');
    writeFileSync(palette, 'void 0 0 0\nred 200 10 10\ngreen 10 200 10\n');
    const d = await load('--data', dir, '--mode', 'multiclass', '--losses', 'diceLoss', '--palette', palette);
    expect([d.classNames, d.label.classes]).toEqual([['void', 'red', 'green'], 3]);
    expect(Array.from((await d.train.get(0)).labels)).toEqual([0, 1, 2, 1]);
    await expect(load('--data', dir, '--mode', 'multiclass', '--losses', 'diceLoss', '--palette', palette, '--class-names', 'a,b')).rejects.toThrow(UsageError);
    await expect(load('--data', dir, '--mode', 'multiclass', '--losses', 'diceLoss', '--palette', palette, '--class-names', 'a,b')).rejects.toThrow(
      '--class-names must name the 3 classes, got 2 names (a, b).',
    );
  });
});

describe('loadData() on the synthetic set', () => {
  it('makes --synthetic-count images of --synthetic-size and splits off the last --val-split', async () => {
    const d = await load('--synthetic-count', '8', '--synthetic-size', '12', '--val-split', '0.25');
    expect([d.train.infos.length, d.val.infos.length]).toEqual([6, 2]);
    expect([d.trainInput.infos[0].width, d.trainInput.infos[0].height, d.patch]).toEqual([12, 12, 12]);
    expect(d.maskValues).toBeUndefined();
  });
});

describe('splitTail()', () => {
  it('holds out the last files in name order as one contiguous block', () => {
    const samples = syntheticDataset({ count: 10, size: 8, fgFraction: 0.1, seed: 1, classes: 2 });
    const [train, val] = splitTail({ samples, channels: 1, classes: 2 }, 0.2);
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
      for (const s of samples) for (const v of s.labels) fg += v;
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
    for (const s of samples) for (const v of s.labels) seen.add(v);
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });
});
