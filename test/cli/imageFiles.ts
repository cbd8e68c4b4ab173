/**
 * Small image files written by the tests themselves, in every format the CLI reads: PNGs of any
 * bit depth, colour type, palette and interlacing (fast-png), JPEG, 8-bit TIFF and WebP (sharp),
 * and a 16-bit gray TIFF written byte by byte (sharp writes TIFFs at 8 bits).
 */
import { encode, type IndexedColors } from 'fast-png';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'segloss-data-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `bytes` to `file`, making its folder. */
export function put(file: string, bytes: Uint8Array): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}

export interface PngSpec {
  width: number;
  height: number;
  channels?: 1 | 2 | 3 | 4;
  depth?: 1 | 2 | 4 | 8 | 16;
  palette?: IndexedColors;
  interlace?: boolean;
}

/** PNG bytes of `data` (samples, or packed palette indices for depths below 8). */
export function png(data: Uint8Array | Uint16Array, spec: PngSpec): Uint8Array {
  const { width, height, channels = 1, depth = data instanceof Uint16Array ? 16 : 8, palette, interlace = false } = spec;
  return encode({ width, height, data, channels, depth, palette }, { interlace: interlace ? 'Adam7' : 'null' });
}

/** JPEG, 8-bit TIFF or lossless WebP bytes of 8-bit samples, written by sharp. */
export async function viaSharp(data: Uint8Array, width: number, height: number, channels: 1 | 3, format: 'jpeg' | 'tiff' | 'webp'): Promise<Uint8Array> {
  let s = sharp(data, { raw: { width, height, channels } });
  if (channels === 1) s = s.toColourspace('b-w');
  const out = format === 'jpeg' ? s.jpeg({ quality: 95 }) : format === 'tiff' ? s.tiff({ compression: 'lzw' }) : s.webp({ lossless: true });
  return new Uint8Array(await out.toBuffer());
}

/**
 * An uncompressed little-endian baseline TIFF, 16-bit gray (BlackIsZero), one strip: the header
 * `II*\0` + offset 8, one IFD of 9 entries (12 bytes each: tag, type, count, value), then the samples.
 */
export function tiff16(data: Uint16Array, width: number, height: number): Uint8Array {
  const SHORT = 3;
  const LONG = 4;
  const entries: [number, number, number][] = [
    [256, LONG, width], // ImageWidth
    [257, LONG, height], // ImageLength
    [258, SHORT, 16], // BitsPerSample
    [259, SHORT, 1], // Compression: none
    [262, SHORT, 1], // PhotometricInterpretation: BlackIsZero
    [273, LONG, 0], // StripOffsets (filled below)
    [277, SHORT, 1], // SamplesPerPixel
    [278, LONG, height], // RowsPerStrip
    [279, LONG, data.length * 2], // StripByteCounts
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  entries[5][2] = dataOffset;
  const bytes = new Uint8Array(dataOffset + data.length * 2);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === SHORT) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  data.forEach((v, i) => view.setUint16(dataOffset + i * 2, v, true));
  return bytes;
}
