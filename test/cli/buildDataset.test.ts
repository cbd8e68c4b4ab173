/**
 * Data folders written by the tests, read as the CLI reads them (node/readPairs.ts →
 * pipeline/buildDataset.ts): JPEG images with suffixed masks, TIFF images with RGB colour masks and a
 * palette file, palette PNGs in differing orders, 16-bit images and masks, odd and differing sizes;
 * and the image checks (channels, 12-bit data in 16-bit files).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readPairs, readPalette } from '../../src/cli/node/readPairs.js';
import { buildDataset } from '../../src/cli/pipeline/buildDataset.js';
import { checkImages } from '../../src/cli/pipeline/imageChecks.js';
import { IGNORED } from '../../src/cli/pipeline/types.js';
import type { RawImage } from '../../src/cli/pipeline/types.js';
import { png, put, tempDir, tiff16, viaSharp } from './imageFiles.js';

const { dir: root, remove } = tempDir();
afterAll(remove);

let folders = 0;
/** A new data folder under the temporary root. */
const folder = () => `${root}/d${folders++}`;

/** A w×h binary mask, foreground (255) in the left column. */
const leftColumn = (w: number, h: number) => Uint8Array.from({ length: w * h }, (_, i) => (i % w === 0 ? 255 : 0));

describe('readPairs() + buildDataset() on files', () => {
  it('reads JPEG images with _mask PNG masks of odd, differing sizes at their native size', async () => {
    const d = folder();
    for (const [stem, w, h] of [['a', 7, 5], ['b', 9, 4]] as const) {
      put(`${d}/images/${stem}.jpg`, await viaSharp(new Uint8Array(w * h * 3).fill(200), w, h, 3, 'jpeg'));
      put(`${d}/masks/${stem}_mask.png`, png(leftColumn(w, h), { width: w, height: h }));
    }
    const data = buildDataset(await readPairs(d, { maskSuffix: '_mask' }), { mode: 'binary' });
    expect(data.samples.map((s) => [s.name, s.width, s.height, s.channels])).toEqual([
      ['a', 7, 5, 3],
      ['b', 9, 4, 3],
    ]);
    // a flat 200/255 survives JPEG within a level or two
    expect(Math.abs(data.samples[0].image[0] - 200 / 255)).toBeLessThan(3 / 255);
    expect(Array.from(data.samples[1].labels.subarray(0, 9))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // a: 5 of 35 pixels foreground, b: 4 of 36 → 9 of 71 (12.7%), 62 background (87.3%)
    expect(data.summary).toBe('mask values: 0 (62 px, 87.3%), 255 (9 px, 12.7%)');
  });

  it('reads TIFF images with RGB colour masks through a palette file, void colour ignored', async () => {
    const d = folder();
    const paletteText = 'name,r,g,b\nSky,128,128,128\nRoad,128,64,128\nVoid,0,0,0\n';
    put(`${d}/class_dict.csv`, new TextEncoder().encode(paletteText));
    put(`${d}/images/f1.tif`, await viaSharp(new Uint8Array(4 * 2 * 3).fill(90), 4, 2, 3, 'tiff'));
    const mask = [128, 128, 128, 128, 64, 128, 0, 0, 0, 128, 64, 128, 128, 128, 128, 128, 128, 128, 0, 0, 0, 128, 64, 128];
    put(`${d}/masks/f1.png`, png(Uint8Array.from(mask), { width: 4, height: 2, channels: 3 }));
    const palette = readPalette(`${d}/class_dict.csv`);
    const data = buildDataset(await readPairs(d), { mode: 'multiclass', classes: 2, ignoreIndex: 2, palette: palette.colours });
    expect(Array.from(data.samples[0].labels)).toEqual([0, 1, IGNORED, 1, 0, 0, IGNORED, 1]);
    expect(palette.names).toEqual(['Sky', 'Road', 'Void']);
    expect(data.samples[0].image[0]).toBeCloseTo(90 / 255, 6);
  });

  it('readPalette() reads a --palette value as a list when it names no file, and names the file in errors', () => {
    expect(readPalette('1,2,3; #0a0b0c').colours).toEqual([
      [1, 2, 3],
      [10, 11, 12],
    ]);
    const file = put(`${folder()}/bad.txt`, new TextEncoder().encode('1,2\n'));
    expect(() => readPalette(file)).toThrow(`palette ${file}, entry 1 ('1,2') must be`);
  });

  it('stops on an RGB colour mask whose colour is not in the palette, naming file, pixel and colour', async () => {
    const d = folder();
    put(`${d}/images/x.png`, png(new Uint8Array(2), { width: 2, height: 1 }));
    put(`${d}/masks/x.png`, png(Uint8Array.from([0, 0, 0, 250, 0, 0]), { width: 2, height: 1, channels: 3 }));
    await expect(readPairs(d).then((p) => buildDataset(p, { mode: 'multiclass', palette: [[0, 0, 0]] }))).rejects.toThrow(
      /masks\/x\.png has colour \(250, 0, 0\) at pixel \(1, 0\), which is not in the palette/,
    );
  });

  it('stops when palette PNG masks order their palettes differently', async () => {
    const d = folder();
    for (const [stem, palette] of [['a', [[0, 0, 0], [255, 0, 0]]], ['b', [[255, 0, 0], [0, 0, 0]]]] as const) {
      put(`${d}/images/${stem}.png`, png(new Uint8Array(4), { width: 2, height: 2 }));
      put(`${d}/masks/${stem}.png`, png(Uint8Array.from([0, 1, 1, 0]), { width: 2, height: 2, palette: palette.map((c) => [...c]) }));
    }
    await expect(readPairs(d).then((p) => buildDataset(p, { mode: 'multiclass' }))).rejects.toThrow(
      /palette masks disagree: index 0 is \(0, 0, 0\) in .*masks\/a\.png but \(255, 0, 0\) in .*masks\/b\.png/,
    );
  });

  it('reads 16-bit images scaled by 65535 and 16-bit 0/1 masks as labels, warning about 12-bit data', async () => {
    const d = folder();
    put(`${d}/images/s.tif`, tiff16(Uint16Array.from([0, 4095, 2048, 100]), 2, 2));
    put(`${d}/masks/s.png`, png(Uint16Array.from([0, 1, 1, 0]), { width: 2, height: 2 }));
    const data = buildDataset(await readPairs(d), { mode: 'binary' });
    expect(data.samples[0].image[1]).toBeCloseTo(4095 / 65535, 6);
    expect(Array.from(data.samples[0].labels)).toEqual([0, 1, 1, 0]);
    expect(data.warnings).toHaveLength(1);
    expect(data.warnings[0]).toMatch(/use values up to 4095 \(12 of 16 bits\); scaled by 65535 they span only 0\.\.0\.062/);
  });

  it('stops when a mask and its image differ in size', async () => {
    const d = folder();
    put(`${d}/images/a.png`, png(new Uint8Array(6), { width: 3, height: 2 }));
    put(`${d}/masks/a.png`, png(Uint8Array.from([0, 255, 0, 255]), { width: 2, height: 2 }));
    await expect(readPairs(d).then((p) => buildDataset(p, { mode: 'binary' }))).rejects.toThrow(/masks\/a\.png is 2×2 but its image .*images\/a\.png is 3×2/);
  });

  it('names the folder a data folder lacks', async () => {
    const d = folder();
    put(`${d}/images/a.png`, png(new Uint8Array(1), { width: 1, height: 1 }));
    await expect(readPairs(d)).rejects.toThrow(/^folder .*masks is missing/);
    await expect(readPairs(`${root}/nowhere`)).rejects.toThrow(/^data folder .*nowhere does not exist/);
  });
});

describe('checkImages()', () => {
  const image = (channels: 1 | 3, bitDepth: 8 | 16, values: number[]): RawImage => ({
    width: values.length / channels,
    height: 1,
    channels,
    bitDepth,
    data: bitDepth === 16 ? Uint16Array.from(values) : Uint8Array.from(values),
  });

  it('checkImages() stops when gray and colour images are mixed, naming one of each', () => {
    const images = [
      { name: 'g.png', image: image(1, 8, [1, 2]) },
      { name: 'c.png', image: image(3, 8, [1, 2, 3]) },
    ];
    expect(() => checkImages(images)).toThrow(/^images disagree in channels: 1 gray \(e\.g\. g\.png, 2×1 gray 8-bit\) and 1 colour \(e\.g\. c\.png, 1×1 RGB 8-bit\)/);
  });

  it('checkImages() warns only when 16-bit data stay below 2^12', () => {
    expect(checkImages([{ name: 'a', image: image(1, 16, [0, 4096]) }]).warnings).toEqual([]);
    expect(checkImages([{ name: 'a', image: image(1, 16, [0, 4095]) }]).warnings).toHaveLength(1);
    expect(checkImages([{ name: 'a', image: image(1, 8, [0, 3]) }])).toEqual({ channels: 1, warnings: [] });
  });
});
