/**
 * node/images.ts reads every format the CLI accepts into RawImages at the file's own bit depth
 * (PNG 1–16-bit gray/RGB/alpha/palette/interlaced, JPEG, TIFF 8 and 16-bit, WebP), keeps palette
 * indices, and encodes 8-bit PNGs. The files are written by the tests (imageFiles.ts).
 */
import { describe, expect, it } from 'vitest';
import { decodeImage, isPalettePng, loadPngEncoder, readImage } from '../../src/cli/node/images.js';
import { toFloatImage } from '../../src/cli/pipeline/rawImage.js';
import { put, png, tempDir, tiff16, viaSharp } from './imageFiles.js';

const W = 5;
const H = 3;
/** 8-bit ramp: sample i = 17·i mod 256 (distinct, so any reordering shows). */
const ramp8 = (n: number) => Uint8Array.from({ length: n }, (_, i) => (17 * i) % 256);
/** 16-bit ramp whose values need all 16 bits and whose low bytes differ (scaling to 8 bits would show). */
const ramp16 = (n: number) => Uint16Array.from({ length: n }, (_, i) => (4099 * i + 1) % 65536);

describe('decodeImage() on PNG', () => {
  it.each([
    [1, 'gray'],
    [2, 'gray+alpha'],
    [3, 'RGB'],
    [4, 'RGBA'],
  ] as const)('decodeImage() returns the exact samples of an 8-bit %i-channel (%s) PNG', async (channels, _kind) => {
    const data = ramp8(W * H * channels);
    const image = await decodeImage(png(data, { width: W, height: H, channels }), 'a.png');
    expect(image).toMatchObject({ width: W, height: H, channels, bitDepth: 8 });
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('decodeImage() keeps 16-bit gray PNG values as integers (0/1 masks stay 0/1)', async () => {
    const data = ramp16(W * H);
    const image = await decodeImage(png(data, { width: W, height: H }), 'a.png');
    expect(image).toMatchObject({ channels: 1, bitDepth: 16 });
    expect(image.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(image.data)).toEqual(Array.from(data));
    const binary = Uint16Array.from({ length: W * H }, (_, i) => i % 2);
    expect(Array.from((await decodeImage(png(binary, { width: W, height: H }), 'm.png')).data)).toEqual(Array.from(binary));
  });

  it('decodeImage() keeps 16-bit RGB and RGBA PNG samples', async () => {
    for (const channels of [3, 4] as const) {
      const data = ramp16(W * H * channels);
      const image = await decodeImage(png(data, { width: W, height: H, channels }), 'a.png');
      expect(image).toMatchObject({ channels, bitDepth: 16 });
      expect(Array.from(image.data)).toEqual(Array.from(data));
    }
  });

  it('decodeImage() reads interlaced (Adam7) PNGs like plain ones', async () => {
    const data = ramp8(7 * 6 * 3);
    const plain = await decodeImage(png(data, { width: 7, height: 6, channels: 3 }), 'a.png');
    const interlaced = await decodeImage(png(data, { width: 7, height: 6, channels: 3, interlace: true }), 'b.png');
    expect(Array.from(interlaced.data)).toEqual(Array.from(plain.data));
    expect(Array.from(plain.data)).toEqual(Array.from(data));
  });

  it('decodeImage() reads a palette PNG by index, with its colours, and expands the colours as RGB data', async () => {
    const palette = [
      [10, 20, 30],
      [200, 0, 0],
      [0, 0, 255],
    ];
    const indices = Uint8Array.from([0, 1, 2, 1, 0, 2]);
    const bytes = png(indices, { width: 3, height: 2, palette });
    expect(isPalettePng(bytes)).toBe(true);
    const image = await decodeImage(bytes, 'p.png');
    expect(Array.from(image.palette!.indices)).toEqual(Array.from(indices));
    expect(image.palette!.colours).toEqual(palette);
    expect(image).toMatchObject({ channels: 3, bitDepth: 8 });
    expect(Array.from(image.data.subarray(3, 6))).toEqual(palette[1]);
  });

  it('decodeImage() unpacks 4-bit and 1-bit palette indices (rows padded to whole bytes)', async () => {
    const palette = [
      [0, 0, 0],
      [255, 255, 255],
      [9, 9, 9],
    ];
    // 3 px wide at 4 bits: row bytes [i0 i1][i2 pad] → rows (1, 0, 2) and (2, 1, 0)
    const four = await decodeImage(png(Uint8Array.from([0x10, 0x20, 0x21, 0x00]), { width: 3, height: 2, depth: 4, palette }), 'p4.png');
    expect(Array.from(four.palette!.indices)).toEqual([1, 0, 2, 2, 1, 0]);
    // 10 px wide at 1 bit: bytes 0b10110000 0b01000000 → 1,0,1,1,0,0,0,0,0,1
    const one = await decodeImage(png(Uint8Array.from([0b10110000, 0b01000000]), { width: 10, height: 1, depth: 1, palette: palette.slice(0, 2) }), 'p1.png');
    expect(Array.from(one.palette!.indices)).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('decodeImage() keeps 1-bit and 4-bit gray PNG values as stored (a 0/1 mask stays 0/1), scaled only by toFloatImage', async () => {
    // 10 px at 1 bit: 0b10110000 0b01000000 → 1,0,1,1,0,0,0,0,0,1
    const one = await decodeImage(png(Uint8Array.from([0b10110000, 0b01000000]), { width: 10, height: 1, depth: 1 }), 'm1.png');
    expect(one).toMatchObject({ channels: 1, bitDepth: 1 });
    expect(Array.from(one.data)).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
    // 3 px at 4 bits: 0x1f 0x20 → 1, 15, 2
    const four = await decodeImage(png(Uint8Array.from([0x1f, 0x20]), { width: 3, height: 1, depth: 4 }), 'm4.png');
    expect([four.bitDepth, ...four.data]).toEqual([4, 1, 15, 2]);
    // as an image, 4-bit samples are divided by 2^4 − 1 = 15
    expect(Array.from(toFloatImage(four))).toEqual([1 / 15, 1, 2 / 15].map(Math.fround));
  });

  it('isPalettePng() is false for gray and RGB PNGs and for other formats', async () => {
    expect(isPalettePng(png(ramp8(W * H), { width: W, height: H }))).toBe(false);
    expect(isPalettePng(png(ramp8(W * H * 3), { width: W, height: H, channels: 3 }))).toBe(false);
    expect(isPalettePng(await viaSharp(ramp8(W * H), W, H, 1, 'jpeg'))).toBe(false);
  });
});

describe('decodeImage() on JPEG, TIFF and WebP', () => {
  it('decodeImage() reads RGB and gray JPEGs close to their source (lossy)', async () => {
    // a smooth gradient survives quality-95 JPEG within a few levels
    const rgb = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => 40 + Math.floor(i / 3 / 16) * 8);
    const image = await decodeImage(await viaSharp(rgb, 16, 16, 3, 'jpeg'), 'a.jpg');
    expect(image).toMatchObject({ width: 16, height: 16, channels: 3, bitDepth: 8 });
    const worst = Math.max(...Array.from(image.data, (v, i) => Math.abs(v - rgb[i])));
    expect(worst).toBeLessThanOrEqual(4);
    const gray = await decodeImage(await viaSharp(rgb.filter((_, i) => i % 3 === 0), 16, 16, 1, 'jpeg'), 'g.jpg');
    expect(gray.channels).toBe(1);
  });

  it('decodeImage() reads 8-bit gray and RGB TIFFs exactly', async () => {
    for (const channels of [1, 3] as const) {
      const data = ramp8(W * H * channels);
      const image = await decodeImage(await viaSharp(data, W, H, channels, 'tiff'), 'a.tif');
      expect(image).toMatchObject({ channels, bitDepth: 8 });
      expect(Array.from(image.data)).toEqual(Array.from(data));
    }
  });

  it('decodeImage() keeps a 16-bit gray TIFF (microscopy) at 16 bits', async () => {
    const data = ramp16(W * H);
    const image = await decodeImage(tiff16(data, W, H), 'cells.tif');
    expect(image).toMatchObject({ width: W, height: H, channels: 1, bitDepth: 16 });
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('decodeImage() reads lossless WebP exactly', async () => {
    const data = ramp8(W * H * 3);
    const image = await decodeImage(await viaSharp(data, W, H, 3, 'webp'), 'a.webp');
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('decodeImage() names the file when the bytes are not an image', async () => {
    await expect(decodeImage(new TextEncoder().encode('not an image at all'), 'notes/a.png')).rejects.toThrow(/^cannot read notes\/a\.png as an image/);
  });

  it('readImage() names a file that does not exist', async () => {
    await expect(readImage('/nonexistent/x.png')).rejects.toThrow(/^cannot read \/nonexistent\/x\.png: /);
  });
});

describe('loadPngEncoder()', () => {
  it.each([1, 3, 4] as const)('its encoder writes an 8-bit %i-channel PNG that reads back exactly', async (channels) => {
    const data = ramp8(W * H * channels);
    const encodePng = await loadPngEncoder();
    const back = await decodeImage(encodePng({ width: W, height: H, channels, bitDepth: 8, data }), 'out.png');
    expect(back).toMatchObject({ width: W, height: H, channels, bitDepth: 8 });
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('its encoder rejects a sample count that does not match the size, and other bit depths', async () => {
    const encodePng = await loadPngEncoder();
    expect(() => encodePng({ width: 2, height: 2, channels: 1, bitDepth: 8, data: new Uint8Array(3) })).toThrow(/^encodePng: .*got 8-bit, 1 channels and 3 samples for 2×2/);
    expect(() => encodePng({ width: 1, height: 1, channels: 1, bitDepth: 16, data: new Uint16Array(1) })).toThrow(/^encodePng: image must be 8-bit/);
  });
});

describe('readImage()', () => {
  it('readImage() reads a file from disk', async () => {
    const { dir, remove } = tempDir();
    try {
      const data = ramp16(W * H);
      const file = put(`${dir}/x.png`, png(data, { width: W, height: H }));
      expect(Array.from((await readImage(file)).data)).toEqual(Array.from(data));
    } finally {
      remove();
    }
  });
});

describe('optional image packages', () => {
  it('importOptional() names the npm install command of a missing package', async () => {
    const { importOptional } = await import('../../src/cli/node/optionalImport.js');
    await expect(importOptional('segloss-no-such-package', 'reading images')).rejects.toThrow(
      "reading images needs the optional package 'segloss-no-such-package'; install it with `npm install segloss-no-such-package`.",
    );
  });
});
