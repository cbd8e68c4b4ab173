/// <reference types="node" />
/**
 * A small PNG decoder and encoder on `node:zlib`, so the CLI needs no image package.
 * Decodes non-interlaced PNGs of bit depth 1–16 in gray, gray+alpha, RGB, RGBA and palette
 * colour types (16-bit samples are scaled to 8 bits); encodes 8-bit gray, RGB and RGBA.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { RawImage } from '../pipeline/types.js';

export type { RawImage };

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Error thrown for a file that is not a PNG this decoder reads; `name` is in the message. */
function bad(name: string, why: string): never {
  throw new Error(`${name}: cannot read PNG: ${why}.`);
}

const CHANNELS_OF_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes PNG bytes; `name` (a file name) is used in error messages. With `paletteIndices`, a
 * palette image returns its indices as one gray channel (label PNGs often store class ids so).
 */
export function decodePng(bytes: Uint8Array, name = 'image', paletteIndices = false): RawImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) bad(name, 'not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let palette: Uint8Array | undefined;
  let paletteAlpha: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const start = pos + 8;
    const end = start + length;
    if (end + 4 > bytes.length) bad(name, `chunk ${type} is truncated`);
    if (crc32(bytes, pos + 4, end) !== view.getUint32(end)) bad(name, `chunk ${type} has a bad CRC`);
    const body = bytes.subarray(start, end);
    if (type === 'IHDR') {
      width = view.getUint32(start);
      height = view.getUint32(start + 4);
      depth = body[8];
      colorType = body[9];
      if (body[12] !== 0) bad(name, 'interlaced (Adam7) PNGs are not supported; re-save it without interlacing');
      if (!(colorType in CHANNELS_OF_TYPE)) bad(name, `unknown colour type ${colorType}`);
      if (![1, 2, 4, 8, 16].includes(depth)) bad(name, `unsupported bit depth ${depth}`);
    } else if (type === 'PLTE') palette = body.slice();
    else if (type === 'tRNS') paletteAlpha = body.slice();
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = end + 4;
  }
  if (colorType < 0) bad(name, 'no IHDR chunk');
  if (!ended) bad(name, 'file is truncated (no IEND chunk)');
  if (width === 0 || height === 0) bad(name, 'zero width or height');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    bad(name, 'image data is corrupt');
  }
  const samples = CHANNELS_OF_TYPE[colorType];
  const bitsPerPixel = samples * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < height * (stride + 1)) bad(name, 'image data is shorter than its size says');
  const unfiltered = unfilter(raw, height, stride, bpp, name);
  // Unpack samples to 8 bits.
  const count = width * height * samples;
  const out = new Uint8Array(count);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let i = 0; i < width * samples; i++) {
      let v: number;
      if (depth === 8) v = unfiltered[row + i];
      else if (depth === 16) v = unfiltered[row + 2 * i]; // high byte = value / 257 rounded down
      else {
        const bit = i * depth;
        v = (unfiltered[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        if (colorType !== 3) v = Math.round((v * 255) / ((1 << depth) - 1)); // scale gray to 0..255
      }
      out[y * width * samples + i] = v;
    }
  }
  if (colorType !== 3 || paletteIndices) {
    return { width, height, channels: samples as RawImage['channels'], data: out };
  }
  if (!palette) bad(name, 'palette image without a PLTE chunk');
  const hasAlpha = paletteAlpha !== undefined;
  const channels = hasAlpha ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const index = out[i];
    if (3 * index + 2 >= palette.length) bad(name, `palette index ${index} is outside the palette`);
    for (let k = 0; k < 3; k++) data[i * channels + k] = palette[3 * index + k];
    if (hasAlpha) data[i * 4 + 3] = index < paletteAlpha!.length ? paletteAlpha![index] : 255;
  }
  return { width, height, channels, data };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, name: string): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const prev = dst - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[dst + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      const v = raw[src + x];
      let r: number;
      switch (filter) {
        case 0: r = v; break;
        case 1: r = v + a; break;
        case 2: r = v + b; break;
        case 3: r = v + ((a + b) >> 1); break;
        case 4: r = v + paeth(a, b, c); break;
        default: bad(name, `unknown row filter ${filter}`);
      }
      out[dst + x] = r & 0xff;
    }
  }
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out, 4, 8 + body.length));
  return out;
}

/**
 * Writes a PNG from already-filtered scanlines (each row: a filter byte, then the row's bytes).
 * Low level: the encoders below and the tests build on it.
 */
export function writePng(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  filtered: Uint8Array,
  extra: { palette?: Uint8Array; transparency?: Uint8Array; interlace?: boolean } = {},
): Uint8Array {
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = depth;
  header[9] = colorType;
  header[12] = extra.interlace ? 1 : 0;
  // A plain Uint8Array (not a Buffer, whose slice() is a view).
  return new Uint8Array(Buffer.concat([
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    ...(extra.palette ? [chunk('PLTE', extra.palette)] : []),
    ...(extra.transparency ? [chunk('tRNS', extra.transparency)] : []),
    chunk('IDAT', deflateSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ]));
}

/** Rows prefixed with filter byte 0 (None). */
function unfiltered(data: Uint8Array, height: number, stride: number): Uint8Array {
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return raw;
}

/** Encodes 8-bit gray (1), gray+alpha (2), RGB (3) or RGBA (4) samples as a PNG. */
export function encodePng(image: RawImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(`encodePng: data must hold width·height·channels = ${width * height * channels} bytes, got ${data.length}.`);
  }
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  return writePng(width, height, 8, colorType, unfiltered(data, height, width * channels));
}

/** Encodes an 8-bit palette PNG (`palette`: RGB triples; optional per-entry alpha). */
export function encodePalettePng(width: number, height: number, indices: Uint8Array, palette: Uint8Array, transparency?: Uint8Array): Uint8Array {
  return writePng(width, height, 8, 3, unfiltered(indices, height, width), { palette, transparency });
}
