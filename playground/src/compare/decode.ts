/**
 * Browser file → {@link RawImage}, the edge that replaces the CLI's sharp reader
 * (src/cli/node/images.ts) in the page: PNGs are decoded by fast-png, exactly as stored (8- and
 * 16-bit samples kept, palette files keep their colours and per-pixel indices, 1/2/4-bit gray
 * keeps its values), so label values are never altered; JPEG and WebP images go through the
 * browser's own decoder (`createImageBitmap` drawn on an `OffscreenCanvas`: 8-bit RGBA, reduced
 * to gray when every pixel has R = G = B and alpha is opaque). Works in a page and in a worker.
 */
import { decode } from 'fast-png';
import { CliError } from '../../../src/cli/errors';
import { extensionOf } from '../../../src/cli/pipeline/pairing';
import { lowBitGrayImage, paletteImage } from '../../../src/cli/pipeline/pngSamples';
import { checkRawImage } from '../../../src/cli/pipeline/rawImage';
import type { RawImage } from '../../../src/cli/pipeline/types';

/** A PNG's samples as stored (see the module comment). */
export function decodePng(bytes: Uint8Array, name: string): RawImage {
  let png;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new CliError(`cannot read ${name} as a PNG: ${(error as Error).message}`);
  }
  const { width, height, depth } = png;
  if (png.palette) return paletteImage(png, name);
  const channels = png.channels as RawImage['channels'];
  if (depth < 8) return lowBitGrayImage(png, name);
  const data = depth === 16 ? (png.data as Uint16Array) : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
  return checkRawImage({ width, height, channels, bitDepth: depth as 8 | 16, data }, name);
}

/** RGBA pixels as gray when every pixel is opaque with R = G = B, else RGB (opaque) or RGBA. */
function fromRgba(rgba: Uint8ClampedArray, width: number, height: number): RawImage {
  const n = width * height;
  let gray = true;
  let opaque = true;
  for (let i = 0; i < n && (gray || opaque); i++) {
    const r = rgba[4 * i];
    if (rgba[4 * i + 1] !== r || rgba[4 * i + 2] !== r) gray = false;
    if (rgba[4 * i + 3] !== 255) opaque = false;
  }
  const channels = opaque ? (gray ? 1 : 3) : 4;
  if (channels === 4) return { width, height, channels, bitDepth: 8, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length) };
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[4 * i + c];
  return { width, height, channels, bitDepth: 8, data };
}

/** JPEG / WebP through the browser's decoder, without colour-space conversion or premultiplied alpha. */
async function decodeWithBrowser(file: Blob, name: string): Promise<RawImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new CliError(`cannot read ${name} as an image in this browser (PNG, JPEG or WebP): ${(error as Error).message}`);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return checkRawImage(fromRgba(context.getImageData(0, 0, width, height).data, width, height), name);
}

/**
 * Decodes one image file (`name` for messages). PNG: exact (fast-png); JPEG, WebP: the browser.
 * @throws CliError naming the file for TIFF (no browser decodes it: convert to PNG) or an unreadable file.
 */
export async function decodeFile(file: Blob, name: string): Promise<RawImage> {
  const ext = extensionOf(name);
  if (ext === '.tif' || ext === '.tiff') {
    throw new CliError(`${name} is a TIFF, which browsers cannot decode; convert it to PNG (16-bit PNG keeps 16-bit data) or use the segloss CLI.`);
  }
  if (ext === '.png') return decodePng(new Uint8Array(await file.arrayBuffer()), name);
  return decodeWithBrowser(file, name);
}
