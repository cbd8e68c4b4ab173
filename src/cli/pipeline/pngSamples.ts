/**
 * Decoded PNG samples → {@link RawImage}, exactly as stored: palette files keep their colours and
 * per-pixel indices, 1/2/4-bit gray keeps its values (0..2^depth − 1, not scaled to 8 bits).
 * Shared by the Node reader (node/images.ts) and the browser page (playground/src/compare/decode.ts),
 * which both decode with fast-png; portable (no Node, no decoder of its own).
 */
import { CliError } from '../errors.js';
import { checkRawImage } from './rawImage.js';
import type { Colour, RawImage } from './types.js';

/** The fields of a decoded PNG (as fast-png's `decode` returns it) read here. */
export interface DecodedPng {
  width: number;
  height: number;
  depth: number;
  data: ArrayLike<number> & ArrayBufferView;
  palette?: ArrayLike<number>[];
}

/** Unpacks 1/2/4-bit samples (rows padded to whole bytes, most significant bits first) to one byte each. */
export function unpackSamples(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  if (depth === 8) return packed;
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** An indexed-colour PNG as RGB with its palette (colours and per-pixel indices). */
export function paletteImage(png: DecodedPng, name: string): RawImage {
  const { width, height, depth } = png;
  const colours: Colour[] = (png.palette ?? []).map((c) => [c[0], c[1], c[2]] as const);
  const indices = unpackSamples(png.data as Uint8Array, width, height, depth);
  const data = new Uint8Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const colour = colours[indices[i]];
    if (!colour) throw new CliError(`${name} has palette index ${indices[i]} but only ${colours.length} palette colours.`);
    data.set(colour, i * 3);
  }
  return checkRawImage({ width, height, channels: 3, bitDepth: 8, data, palette: { colours, indices } }, name);
}

/** A 1/2/4-bit gray PNG with its values as stored. */
export function lowBitGrayImage(png: DecodedPng, name: string): RawImage {
  const data = unpackSamples(png.data as Uint8Array, png.width, png.height, png.depth);
  return checkRawImage({ width: png.width, height: png.height, channels: 1, bitDepth: png.depth as 1 | 2 | 4, data }, name);
}
