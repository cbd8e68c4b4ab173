/**
 * `segloss` on data folders the tests write themselves, end to end through the command line:
 * scores at native resolution on odd-sized images (recomputed here from the `--save-predictions`
 * files at mask size), the --scale and --size modes, every image format, pairing and label
 * option, and every data guard (each stops before training, writes nothing, names the file).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readImage } from '../../src/cli/node/images.js';
import { dataFolder } from './dataFolder.js';
import { png, put, tempDir, tiff16, viaSharp } from './imageFiles.js';
import { cli, tinyRun } from './runCli.js';

const { dir: root, remove } = tempDir('segloss-cli-data-');
afterAll(remove);
let n = 0;
const fresh = (name: string) => join(root, `${name}-${n++}`);

/** A w×h gray image: a bright rectangle (200) on a dark ground (40), and its mask (255 inside). */
function blob(w: number, h: number): [Uint8Array, Uint8Array] {
  const inside = (i: number) => i % w >= w / 3 && i % w < (2 * w) / 3 && Math.floor(i / w) >= h / 4;
  const image = Uint8Array.from({ length: w * h }, (_, i) => (inside(i) ? 200 : 40));
  const mask = Uint8Array.from({ length: w * h }, (_, i) => (inside(i) ? 255 : 0));
  return [png(image, { width: w, height: h }), png(mask, { width: w, height: h })];
}

const TRAIN_SIZES = [[23, 17], [19, 21], [25, 15], [17, 17], [21, 19], [15, 23]] as const;
const VAL_SIZES = [[27, 13], [13, 27]] as const;
const folderOf = (prefix: string, sizes: readonly (readonly [number, number])[]) =>
  dataFolder(fresh(prefix), Object.fromEntries(sizes.map(([w, h], i) => [`${prefix}${i}.png`, blob(w, h)])));
const train = folderOf('t', TRAIN_SIZES);
const val = folderOf('v', VAL_SIZES);

/** Dice of the saved 0/255 predictions against the 0/255 masks of `val`, counted here pixel by pixel. */
async function diceFromFiles(predictions: string): Promise<number> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [i, [w, h]] of VAL_SIZES.entries()) {
    const p = await readImage(join(predictions, `v${i}.png`));
    const m = await readImage(join(val, 'masks', `v${i}.png`));
    expect([p.width, p.height]).toEqual([w, h]); // at the mask's own size
    for (let k = 0; k < w * h; k++) {
      expect([0, 255]).toContain(p.data[k]);
      if (p.data[k] && m.data[k]) tp++;
      else if (p.data[k]) fp++;
      else if (m.data[k]) fn++;
    }
  }
  return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

describe('segloss compare at native resolution (odd, differing sizes)', () => {
  it.each([
    [[], 'native', 16],
    [['--scale', '0.5'], 'native × 0.5 (aspect kept)', 16],
    [['--size', '16'], 'resized to 16×16', 16],
  ])('%j: scores what the saved predictions (at mask size) score', async (flags, resolution, patch) => {
    const out = fresh('report');
    const extra = flags.length ? flags : ['--patch', '16'];
    const r = await cli('compare', '--data', train, '--val', val, '--losses', 'bceLoss', '--save-predictions', '--out', out, '--repeats', '1', ...extra, ...tinyRun());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    // areas 289 (17×17) to 399 (19×21 and 21×19)
    expect(results.settings).toMatchObject({ resolution, patch, imageSizes: '8 sizes, 17×17 … 21×19' });
    expect(readdirSync(join(out, 'predictions', 'bceLoss')).sort()).toEqual(['v0.png', 'v1.png']);
    expect(results.losses[0].dice).toBeCloseTo(await diceFromFiles(join(out, 'predictions', 'bceLoss')), 6);
  });
});

/** `compare` on `dir` with the tiny run; returns the result and whether the out folder exists. */
async function compareOn(dir: string, ...flags: string[]) {
  const out = fresh('out');
  const r = await cli('compare', '--data', dir, '--val-split', '0.5', '--out', out, '--repeats', '1', ...flags, ...tinyRun());
  return { ...r, wrote: existsSync(out), out };
}

/** A folder from `{ stem: [imageBytes, maskBytes, maskFile?] }`. */
const folder = (pairs: Parameters<typeof dataFolder>[1]) => dataFolder(fresh('d'), pairs);
const gray = (w: number, h: number, values: number[] | ((i: number) => number)) =>
  png(Uint8Array.from({ length: w * h }, (_, i) => (typeof values === 'function' ? values(i) : values[i])), { width: w, height: h });

describe('segloss compare reads every format and naming from the command line', () => {
  it('JPEG images with _mask PNG masks (--mask-suffix), and suggests the suffix when it is missing', async () => {
    const rgb = (w: number, h: number) => viaSharp(Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) % 256), w, h, 3, 'jpeg');
    const d = folder({ 'a.jpg': [await rgb(9, 7), gray(9, 7, (i) => (i % 2) * 255), 'a_mask.png'], 'b.jpg': [await rgb(7, 9), gray(7, 9, (i) => (i % 3 ? 0 : 255)), 'b_mask.png'] });
    const ok = await compareOn(d, '--mask-suffix', '_mask', '--losses', 'diceLoss');
    expect(ok.err).toBe('');
    expect(JSON.parse(readFileSync(join(ok.out, 'results.json'), 'utf8')).settings).toMatchObject({ channels: 3, imageSizes: '2 sizes, 9×7 … 7×9' });
    const missing = await compareOn(d, '--losses', 'diceLoss');
    expect([missing.code, missing.wrote]).toEqual([1, false]);
    expect(missing.err).toMatch(/^segloss compare: unpaired files [\s\S]*Did you mean --mask-suffix _mask\?/);
  });

  it('TIFF images with RGB colour masks read through --palette (class names from it), an unknown colour named', async () => {
    const colours = [[128, 128, 128], [128, 64, 128], [0, 0, 0]];
    const mask = (labels: number[]) => png(Uint8Array.from(labels.flatMap((k) => colours[k])), { width: 3, height: 2, channels: 3 });
    const tif = await viaSharp(Uint8Array.from({ length: 18 }, (_, i) => i * 9), 3, 2, 3, 'tiff');
    const d = folder({ 'a.tif': [tif, mask([0, 1, 2, 0, 1, 1]), 'a.png'], 'b.tiff': [tif, mask([1, 0, 0, 2, 0, 1]), 'b.png'] });
    const palette = put(join(d, 'class_dict.csv'), new TextEncoder().encode('name,r,g,b\nSky,128,128,128\nRoad,128,64,128\nVoid,0,0,0\n'));
    const ok = await compareOn(d, '--mode', 'multiclass', '--palette', palette, '--ignore-index', '2', '--losses', 'crossEntropyLoss');
    expect(ok.err).toBe('');
    expect(JSON.parse(readFileSync(join(ok.out, 'results.json'), 'utf8')).settings).toMatchObject({ classes: 3, classNames: ['Sky', 'Road', 'Void'], ignoreIndex: 2 });
    const unknown = await compareOn(d, '--mode', 'multiclass', '--palette', '128,128,128; 0,0,0', '--losses', 'crossEntropyLoss');
    expect([unknown.code, unknown.wrote]).toEqual([1, false]);
    expect(unknown.err).toMatch(/^segloss compare: .*masks\/a\.png has colour \(128, 64, 128\) at pixel \(1, 0\), which is not in the palette/);
  });

  it('WebP images with palette PNG masks read by index, and stops when the palettes disagree', async () => {
    const webp = await viaSharp(Uint8Array.from({ length: 16 }, (_, i) => i * 16), 4, 4, 1, 'webp');
    const indexed = (palette: number[][]) => png(Uint8Array.from({ length: 16 }, (_, i) => (i < 6 ? 1 : 0)), { width: 4, height: 4, palette });
    const same = folder({ 'a.webp': [webp, indexed([[0, 0, 0], [255, 0, 0]]), 'a.png'], 'b.webp': [webp, indexed([[0, 0, 0], [255, 0, 0]]), 'b.png'] });
    const ok = await compareOn(same, '--losses', 'diceLoss', '-q');
    expect(ok.err).toBe('');
    const swapped = folder({ 'a.webp': [webp, indexed([[0, 0, 0], [255, 0, 0]]), 'a.png'], 'b.webp': [webp, indexed([[255, 0, 0], [0, 0, 0]]), 'b.png'] });
    const bad = await compareOn(swapped, '--losses', 'diceLoss');
    expect([bad.code, bad.wrote]).toEqual([1, false]);
    expect(bad.err).toMatch(/^segloss compare: palette masks disagree: index 0 is \(0, 0, 0\) in .*a\.png but \(255, 0, 0\) in .*b\.png/);
  });

  it('16-bit images and 16-bit 0/1 masks: masks read as their values (summary line), 12-bit data warned about even when quiet', async () => {
    const sixteen = (w: number, h: number, f: (i: number) => number) => png(Uint16Array.from({ length: w * h }, (_, i) => f(i)), { width: w, height: h });
    const mask = sixteen(4, 4, (i) => (i < 4 ? 1 : 0));
    const d = folder({ 'a.png': [sixteen(4, 4, (i) => i * 200), mask], 'b.png': [sixteen(4, 4, (i) => 4095 - i * 100), mask] });
    const loud = await cli('compare', '--data', d, '--val-split', '0.5', '--out', fresh('out'), '--losses', 'diceLoss', '--repeats', '1', ...tinyRun().filter((a) => a !== '--quiet'));
    expect(loud.code).toBe(0);
    // 2 masks × 4 pixels of value 1, 2 × 12 of value 0, before any training line
    expect(loud.err).toMatch(/^segloss compare: mask values: 0 \(24 px, 75\.0%\), 1 \(8 px, 25\.0%\)\n/);
    expect(loud.err).toMatch(/segloss compare: warning: the 2 16-bit image\(s\) use values up to 4095 \(12 of 16 bits\)/);
    const quiet = await compareOn(d, '--losses', 'diceLoss');
    expect(quiet.err).toMatch(/^segloss compare: warning: the 2 16-bit image\(s\)[^\n]*\n$/);
    // a 16-bit TIFF image reads too
    const t = folder({
      'a.tif': [tiff16(Uint16Array.from({ length: 16 }, (_, i) => i * 4000), 4, 4), mask, 'a.png'],
      'b.tif': [tiff16(Uint16Array.from({ length: 16 }, (_, i) => 60000 - i * 4000), 4, 4), mask, 'b.png'],
    });
    expect((await compareOn(t, '--losses', 'diceLoss')).err).toBe('');
  });
});

describe('segloss compare stops on data that would give silent nonsense, before training, writing nothing', () => {
  const mask0255 = gray(3, 2, [0, 255, 0, 0, 255, 0]);
  const image = gray(3, 2, [1, 2, 3, 4, 5, 6]);
  it.each([
    ['--foreground 1 on 0/255 masks', { 'a.png': [image, mask0255], 'b.png': [image, mask0255] }, ['--foreground', '1'], /--foreground 1 matches no pixel: masks hold \{0, 255\}; did you mean --foreground 255\?/],
    ['a foreground matching every pixel', { 'a.png': [image, gray(3, 2, () => 255)], 'b.png': [image, gray(3, 2, () => 255)] }, [], /the default foreground \(1, 255 or 65535\) matches every pixel/],
    ['a multiclass value outside the classes', { 'a.png': [image, gray(3, 2, [0, 1, 3, 0, 1, 0])], 'b.png': [image, mask0255] }, ['--mode', 'multiclass', '--classes', '3', '--losses', 'diceLoss'], /masks hold \{0, 1, 3, 255\}, but 3 classes cover 0\.\.2, so \{3, 255\} lie outside/],
    ['images that disagree in channels', { 'a.png': [image, mask0255], 'b.png': [png(new Uint8Array(18), { width: 3, height: 2, channels: 3 }), mask0255] }, [], /images disagree in channels: 1 gray .* and 1 colour/],
    ['a JPEG mask', { 'a.png': [image, mask0255], 'b.png': [image, undefined] }, [], /masks\/b\.jpg is a JPEG; masks must be lossless/],
    ['a mask of another size', { 'a.png': [image, gray(2, 3, [0, 255, 0, 0, 255, 0])], 'b.png': [image, mask0255] }, [], /masks\/a\.png is 2×3 but its image .*images\/a\.png is 3×2; they must be the same size/],
  ] as const)('%s', async (_what, pairs, flags, message) => {
    const d = folder(pairs as Parameters<typeof dataFolder>[1]);
    if (_what === 'a JPEG mask') put(join(d, 'masks', 'b.jpg'), await viaSharp(new Uint8Array(6), 3, 2, 1, 'jpeg'));
    const r = await compareOn(d, ...flags);
    expect([r.code, r.wrote]).toEqual([1, false]);
    expect(r.err).toMatch(/^segloss compare: /);
    expect(r.err).toMatch(message);
  });
});

describe('segloss train and eval on odd sizes', () => {
  it('eval scores a saved model at the masks\' size with the model\'s resolution, and saves its predictions there', async () => {
    const model = fresh('model');
    const trained = await cli('train', '--data', train, '--val', val, '--loss', 'bceLoss', '--scale', '0.5', '--out', model, ...tinyRun());
    expect(trained.err).toBe('');
    const card = JSON.parse(readFileSync(join(model, 'segloss.json'), 'utf8'));
    expect([card.resolution, card.patch, card.maskSuffix]).toEqual([{ kind: 'native', scale: 0.5 }, 16, '']);
    const preds = fresh('preds');
    const evaluated = await cli('eval', '--model', model, '--data', val, '--backend', 'cpu', '--save-predictions', preds);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/^bceLoss on 2 images .*Dice \d\.\d{4}/);
    const dice = Number(/Dice (\d\.\d{4})/.exec(evaluated.out)![1]);
    expect(dice).toBeCloseTo(card.scores.dice, 4); // the same images, model and resolution as the last validation
    expect(dice).toBeCloseTo(await diceFromFiles(join(preds, 'predictions', 'bceLoss')), 4);
  });
});
