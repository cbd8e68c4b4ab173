/// <reference types="node" />
/**
 * Image files ⇄ `RawImage`s for the CLI. Decoding is done by sharp (libvips: PNG of every bit
 * depth and colour type, interlaced or not, JPEG, TIFF, WebP); palette PNGs and 1/2/4-bit gray
 * PNGs are read by fast-png, which keeps each pixel's palette index and low-bit values (sharp
 * expands palettes to RGB and scales low bit depths to 8 bits). 16-bit files stay 16-bit.
 * fast-png also encodes the 8-bit gray, RGB and RGBA PNGs of predictions and overlays. Both
 * packages are optional peer dependencies, loaded on first use. See docs/data.md for why these two.
 */
import { readFile } from 'node:fs/promises';
import { CliError } from '../errors.js';
import { checkRawImage } from '../pipeline/rawImage.js';
import { lowBitGrayImage, paletteImage } from '../pipeline/pngSamples.js';
import type { RawImage } from '../pipeline/types.js';
import { importOptional } from './optionalImport.js';

/** The part of sharp's API used here (declared locally so the library's types need no sharp). */
interface SharpImage {
  metadata(): Promise<{ format?: string; channels?: number; depth?: string; space?: string; pages?: number }>;
  toColourspace(space: string): SharpImage;
  raw(options?: { depth?: string }): SharpImage;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Uint8Array; info: { width: number; height: number; channels: number } }>;
}
type Sharp = (input: Uint8Array, options?: { limitInputPixels?: false }) => SharpImage;

/** The part of fast-png's API used here. */
interface FastPng {
  encode(image: { width: number; height: number; channels: number; depth: number; data: Uint8Array | Uint16Array }): Uint8Array;
  decode(data: Uint8Array): { width: number; height: number; depth: number; channels: number; data: Uint8Array | Uint16Array; palette?: number[][] };
}

let sharpModule: Promise<Sharp> | undefined;
let fastPngModule: Promise<FastPng> | undefined;

/** sharp, imported once; a CliError naming `npm install sharp` when it is missing. */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= importOptional<{ default: Sharp }>('sharp', 'reading images').then((m) => m.default);
  return sharpModule;
}

function loadFastPng(): Promise<FastPng> {
  fastPngModule ??= importOptional<FastPng>('fast-png', 'reading palette and 1/2/4-bit PNGs and writing PNGs');
  return fastPngModule;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** PNG colour types 0 (gray) and 3 (indexed colour). */
const GRAY_COLOUR_TYPE = 0;
const PALETTE_COLOUR_TYPE = 3;

/** The IHDR chunk's bit depth and colour type of PNG bytes (bytes 24 and 25 of the file), or undefined. */
function pngHeader(bytes: Uint8Array): { depth: number; colourType: number } | undefined {
  if (bytes.length <= 25 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  return { depth: bytes[24], colourType: bytes[25] };
}

/** True for PNG bytes whose IHDR says indexed colour (palette). */
export function isPalettePng(bytes: Uint8Array): boolean {
  return pngHeader(bytes)?.colourType === PALETTE_COLOUR_TYPE;
}

async function decodePalettePng(bytes: Uint8Array, name: string): Promise<RawImage> {
  return paletteImage((await loadFastPng()).decode(bytes), name);
}

/** A 1/2/4-bit gray PNG with its values as stored (0..2^depth − 1), not scaled to 8 bits. */
async function decodeLowBitGrayPng(bytes: Uint8Array, name: string): Promise<RawImage> {
  return lowBitGrayImage((await loadFastPng()).decode(bytes), name);
}

const SIXTEEN_BIT = new Set(['ushort', 'short']);

async function decodeWithSharp(bytes: Uint8Array, name: string): Promise<RawImage> {
  const sharp = await loadSharp();
  const image = sharp(bytes, { limitInputPixels: false });
  let meta;
  try {
    meta = await image.metadata();
  } catch (error) {
    throw new CliError(`cannot read ${name} as an image (PNG, JPEG, TIFF or WebP): ${(error as Error).message}`);
  }
  if ((meta.pages ?? 1) > 1) {
    throw new CliError(`${name} holds ${meta.pages} pages (frames); save each as its own image file.`);
  }
  const depth = meta.depth ?? 'uchar';
  if (depth !== 'uchar' && depth !== 'char' && !SIXTEEN_BIT.has(depth)) {
    throw new CliError(`${name} has ${depth} samples; convert it to 8- or 16-bit integers.`);
  }
  const sixteen = SIXTEEN_BIT.has(depth);
  const gray = (meta.channels ?? 3) <= 2 && meta.space !== 'cmyk';
  // libvips works in sRGB unless told otherwise: keep gray gray and 16-bit 16-bit. Its 8-bit
  // gray space ('b-w') drops alpha, so 8-bit gray + alpha goes through sRGB (R = G = B) and back.
  const grayAlpha8 = gray && meta.channels === 2 && !sixteen;
  const space = gray && !grayAlpha8 ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
  const { data, info } = await image
    .toColourspace(space)
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  let samples: Uint8Array | Uint16Array = sixteen
    ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
    : new Uint8Array(data);
  let channels = info.channels as RawImage['channels'];
  if (grayAlpha8 && channels === 4) {
    samples = samples.filter((_, i) => i % 4 === 0 || i % 4 === 3);
    channels = 2;
  }
  return checkRawImage({ width: info.width, height: info.height, channels, bitDepth: sixteen ? 16 : 8, data: samples }, name);
}

/**
 * Decodes image bytes (PNG, JPEG, TIFF, WebP); `name` (a file name) is used in messages.
 * Palette PNGs keep their palette and indices (`RawImage.palette`); other files keep their bit
 * depth (1, 2, 4 or 8 for gray PNGs, else 8 or 16) and channels (gray, gray+alpha, RGB, RGBA;
 * CMYK becomes RGB).
 * @throws CliError naming the file when it is not a readable image, or the package to install.
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<RawImage> {
  const png = pngHeader(bytes);
  if (png?.colourType === PALETTE_COLOUR_TYPE) return decodePalettePng(bytes, name);
  if (png?.colourType === GRAY_COLOUR_TYPE && png.depth < 8) return decodeLowBitGrayPng(bytes, name);
  return decodeWithSharp(bytes, name);
}

/** Reads and decodes an image file. @throws CliError naming the file. */
export async function readImage(file: string): Promise<RawImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return decodeImage(bytes, file);
}

/**
 * Encodes an 8-bit gray, RGB or RGBA `RawImage` as PNG bytes (fast-png, synchronous once loaded),
 * for predictions and the report's overlays.
 * @throws Error for another bit depth or channel count, or data of the wrong length.
 */
export async function loadPngEncoder(): Promise<(image: RawImage) => Uint8Array> {
  const fastPng = await loadFastPng();
  return (image) => {
    const { width, height, channels, bitDepth, data } = image;
    if (bitDepth !== 8 || ![1, 3, 4].includes(channels) || data.length !== width * height * channels) {
      throw new Error(
        `encodePng: image must be 8-bit with 1, 3 or 4 channels and width·height·channels samples, got ${bitDepth}-bit, ${channels} channels and ${data.length} samples for ${width}×${height}.`,
      );
    }
    return fastPng.encode({ width, height, channels, depth: 8, data });
  };
}
