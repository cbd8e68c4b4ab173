/**
 * What the data stages need to know about a decoded image ({@link RawImage}, defined in
 * types.ts): its bit depth's range, its colour channels, a description and pixel positions for
 * messages, a consistency check, and its samples as floats. Nothing here reads files.
 */
import type { Colour, RawImage } from './types.js';

/** An image and the file it came from (for messages). */
export interface NamedImage {
  name: string;
  image: RawImage;
}

/** The largest sample value of the image's bit depth, 2^bitDepth − 1: 255 for 8-bit, 65535 for 16-bit. */
export function maxSample(image: Pick<RawImage, 'bitDepth'>): number {
  return 2 ** image.bitDepth - 1;
}

/** Colour channels without alpha: 1 for gray (± alpha), 3 for RGB (± alpha). */
export function colourChannels(image: Pick<RawImage, 'channels'>): 1 | 3 {
  return image.channels <= 2 ? 1 : 3;
}

const KIND = { 1: 'gray', 2: 'gray+alpha', 3: 'RGB', 4: 'RGBA' } as const;

/** A short description for messages, e.g. `512×512 gray 16-bit` or `480×360 palette (12 colours)`. */
export function describeImage(image: RawImage): string {
  const size = `${image.width}×${image.height}`;
  if (image.palette) return `${size} palette (${image.palette.colours.length} colours)`;
  return `${size} ${KIND[image.channels]} ${image.bitDepth}-bit`;
}

/** `(x, y)` of the pixel at row-major index `i` in an image `width` wide, for messages. */
export function pixelAt(i: number, width: number): string {
  return `(${i % width}, ${Math.floor(i / width)})`;
}

/** Formats a colour as `(r, g, b)`. */
export function formatColour(colour: Colour): string {
  return `(${colour[0]}, ${colour[1]}, ${colour[2]})`;
}

/**
 * Checks that `image` is internally consistent (sizes, channel count, array type for the bit
 * depth, palette indices within the table) and returns it; the readers call it on what they make.
 * @throws Error naming `name` when the image is malformed.
 */
export function checkRawImage(image: RawImage, name: string): RawImage {
  const { width, height, channels, bitDepth, data, palette } = image;
  const fail = (what: string): never => {
    throw new Error(`checkRawImage: ${name} ${what}.`);
  };
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    fail(`must have a positive integer width and height, got ${width}×${height}`);
  }
  if (![1, 2, 3, 4].includes(channels)) fail(`must have 1 to 4 channels, got ${channels}`);
  const arrayOk = bitDepth === 16 ? data instanceof Uint16Array : [1, 2, 4, 8].includes(bitDepth) && data instanceof Uint8Array;
  if (!arrayOk) fail(`must hold a Uint8Array (1- to 8-bit) or Uint16Array (16-bit), got ${bitDepth}-bit ${data.constructor.name}`);
  if (data.length !== width * height * channels) {
    fail(`must hold width·height·channels = ${width * height * channels} samples, got ${data.length}`);
  }
  if (palette) {
    if (palette.indices.length !== width * height) fail(`palette indices must number ${width * height}, got ${palette.indices.length}`);
    const n = palette.colours.length;
    for (let i = 0; i < palette.indices.length; i++) {
      if (palette.indices[i] >= n) fail(`pixel ${pixelAt(i, width)} has palette index ${palette.indices[i]}, outside its ${n} colours`);
    }
  }
  return image;
}

/**
 * An image's colour channels as floats in [0, 1], alpha dropped: each sample divided by the
 * bit depth's largest value (65535 for 16-bit, 255 for 8-bit, 15 for 4-bit ...), so 16-bit data
 * keep their full precision.
 */
export function toFloatImage(image: RawImage): Float32Array {
  const { channels, data } = image;
  const C = colourChannels(image);
  const n = image.width * image.height;
  const scale = 1 / maxSample(image);
  const out = new Float32Array(n * C);
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) out[i * C + c] = data[i * channels + c] * scale;
  return out;
}
