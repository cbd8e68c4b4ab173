import { describe, expect, it } from 'vitest';
import { decodePng, encodePalettePng, encodePng, writePng, type RawImage } from '../../src/cli/node/png.js';

/** Deterministic bytes 0..255 for image contents. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('PNG codec', () => {
  for (const channels of [1, 2, 3, 4] as const) {
    it(`round-trips ${channels}-channel 8-bit images exactly`, () => {
      const image: RawImage = { width: 7, height: 5, channels, data: bytes(7 * 5 * channels, channels) };
      const back = decodePng(encodePng(image), 'x.png');
      expect(back).toEqual({ width: 7, height: 5, channels, data: image.data });
    });
  }

  it('decodes a palette image to RGB, or to its indices when asked', () => {
    const palette = Uint8Array.from([10, 20, 30, 200, 100, 0, 0, 0, 255]);
    const indices = Uint8Array.from([0, 1, 2, 2, 1, 0]);
    const png = encodePalettePng(3, 2, indices, palette);
    const rgb = decodePng(png, 'p.png');
    expect(rgb.channels).toBe(3);
    // Pixel k is palette entry indices[k].
    expect(Array.from(rgb.data)).toEqual(Array.from(indices).flatMap((i) => Array.from(palette.subarray(3 * i, 3 * i + 3))));
    expect(Array.from(decodePng(png, 'p.png', true).data)).toEqual(Array.from(indices));
  });

  it('gives a palette image with tRNS an alpha channel', () => {
    const png = encodePalettePng(2, 1, Uint8Array.from([0, 1]), Uint8Array.from([1, 2, 3, 4, 5, 6]), Uint8Array.from([7]));
    // Entry 0 has alpha 7; entry 1 is past the tRNS table, so opaque (255).
    expect(Array.from(decodePng(png).data)).toEqual([1, 2, 3, 7, 4, 5, 6, 255]);
  });

  it('undoes every row filter (None, Sub, Up, Average, Paeth)', () => {
    const w = 4;
    const rows = [bytes(w * 3, 5), bytes(w * 3, 6), bytes(w * 3, 7), bytes(w * 3, 8), bytes(w * 3, 9)];
    const bpp = 3;
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    // Filter row y with filter y, as an encoder would (PNG spec, section 9).
    const filtered: number[] = [];
    rows.forEach((row, y) => {
      filtered.push(y);
      for (let x = 0; x < row.length; x++) {
        const a = x >= bpp ? row[x - bpp] : 0;
        const b = y > 0 ? rows[y - 1][x] : 0;
        const c = x >= bpp && y > 0 ? rows[y - 1][x - bpp] : 0;
        const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][y];
        filtered.push((row[x] - pred) & 0xff);
      }
    });
    const png = writePng(w, rows.length, 8, 2, Uint8Array.from(filtered));
    const expected = new Uint8Array(rows.length * w * 3);
    rows.forEach((r, y) => expected.set(r, y * w * 3));
    expect(decodePng(png).data).toEqual(expected);
  });

  it('scales 16-bit gray to 8 bits (high byte) and 1-bit gray to 0/255', () => {
    // Two 16-bit pixels 0x1234 and 0xff00 -> 0x12 and 0xff.
    const png16 = writePng(2, 1, 16, 0, Uint8Array.from([0, 0x12, 0x34, 0xff, 0x00]));
    expect(Array.from(decodePng(png16).data)).toEqual([0x12, 0xff]);
    // Eight 1-bit pixels 10110000 -> 255,0,255,255,0,0,0,0.
    const png1 = writePng(8, 1, 1, 0, Uint8Array.from([0, 0b10110000]));
    expect(Array.from(decodePng(png1).data)).toEqual([255, 0, 255, 255, 0, 0, 0, 0]);
  });

  it('rejects an interlaced PNG with a message naming the file', () => {
    const png = writePng(1, 1, 8, 0, Uint8Array.from([0, 9]), { interlace: true });
    expect(() => decodePng(png, 'masks/a.png')).toThrow(/^masks\/a\.png: cannot read PNG: interlaced/);
  });

  it('rejects a file that is not a PNG, or is corrupt, naming the file', () => {
    expect(() => decodePng(Uint8Array.from([1, 2, 3]), 'images/b.png')).toThrow(/^images\/b\.png: .*not a PNG/);
    const png = encodePng({ width: 2, height: 2, channels: 1, data: bytes(4) });
    const broken = png.slice();
    broken[20] ^= 0xff; // inside IHDR: the chunk's CRC no longer matches
    expect(() => decodePng(broken, 'c.png')).toThrow(/^c\.png: .*bad CRC/);
    expect(() => decodePng(png.slice(0, png.length - 12), 'd.png')).toThrow(/^d\.png: .*truncated/);
  });
});
