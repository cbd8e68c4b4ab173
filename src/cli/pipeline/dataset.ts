/**
 * Image/mask pairs as training data (the square-resize path): mask values become labels
 * (class ids, binary 0/1, {@link IGNORED} where a pixel is ignored), images become floats in
 * [0, 1], and both are resized to `size`×`size`. Every check names the mask file. Pure: the
 * pairs come decoded (orchestrate/loadData.ts reads the folders through the environment).
 */
import { CliError } from '../errors.js';
import { IGNORED, type Dataset, type LabelOptions, type RawImage } from './types.js';

/** One decoded image and its mask values (one channel), named after the file stem. */
export interface RawPair {
  name: string;
  image: RawImage;
  mask: Uint8Array;
  width: number;
  height: number;
  /** The mask's path, for messages. */
  maskFile: string;
}

/**
 * The single channel of class indices of a decoded mask; a colour mask (channels that
 * differ) is refused, naming `maskFile`.
 */
export function maskValues(m: RawImage, maskFile: string): Uint8Array {
  const mask = new Uint8Array(m.width * m.height);
  const colour = m.channels >= 3;
  for (let i = 0; i < mask.length; i++) {
    const v = m.data[i * m.channels];
    if (colour && (m.data[i * m.channels + 1] !== v || m.data[i * m.channels + 2] !== v)) {
      throw new CliError(`${maskFile} is a colour mask; masks must hold class indices in one channel (gray or palette PNG).`);
    }
    mask[i] = v;
  }
  return mask;
}

/** Maps raw mask values to labels (0..K-1, IGNORED), checking every value against the classes. */
function toLabels(pair: RawPair, options: LabelOptions, classes: number): Int32Array {
  const { mode, foreground, ignoreIndex } = options;
  const out = new Int32Array(pair.mask.length);
  for (let i = 0; i < out.length; i++) {
    const v = pair.mask[i];
    if (v === ignoreIndex) out[i] = IGNORED;
    else if (mode === 'binary') {
      if (foreground !== undefined) out[i] = v === foreground ? 1 : 0;
      else if (v === 0) out[i] = 0;
      else if (v === 1 || v === 255) out[i] = 1;
      else {
        throw new CliError(
          `${pair.maskFile} holds mask value ${v} at pixel (${i % pair.width}, ${Math.floor(i / pair.width)}); binary masks must be 0/1 or 0/255 — use --foreground VALUE to pick the foreground value${ignoreIndex === undefined ? ' or --ignore-index' : ''}.`,
        );
      }
    } else {
      if (v >= classes) {
        throw new CliError(
          `${pair.maskFile} holds mask value ${v} at pixel (${i % pair.width}, ${Math.floor(i / pair.width)}), outside the ${classes} classes 0..${classes - 1}${ignoreIndex === undefined ? ' (set --ignore-index for a void label)' : ` and not the ignore index ${ignoreIndex}`}.`,
        );
      }
      out[i] = v;
    }
  }
  return out;
}

/** Box-filter resize of interleaved samples (area average when shrinking, nearest when growing). */
export function resizeImage(src: Float32Array, w: number, h: number, channels: number, size: number): Float32Array {
  const out = new Float32Array(size * size * channels);
  for (let ty = 0; ty < size; ty++) {
    const y0 = Math.floor((ty * h) / size);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * h) / size));
    for (let tx = 0; tx < size; tx++) {
      const x0 = Math.floor((tx * w) / size);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * w) / size));
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += src[(y * w + x) * channels + c];
        out[(ty * size + tx) * channels + c] = s / n;
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of a label map (sampled at each target pixel's centre). */
export function resizeLabels(src: Int32Array, w: number, h: number, size: number): Int32Array {
  const out = new Int32Array(size * size);
  for (let ty = 0; ty < size; ty++) {
    const sy = Math.min(h - 1, Math.floor(((ty + 0.5) * h) / size));
    for (let tx = 0; tx < size; tx++) {
      const sx = Math.min(w - 1, Math.floor(((tx + 0.5) * w) / size));
      out[ty * size + tx] = src[sy * w + sx];
    }
  }
  return out;
}

/** Image samples as floats in [0, 1] with `channels` (1: gray, 3: RGB) channels, alpha dropped. */
function toFloat(image: RawImage, channels: 1 | 3): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * channels);
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    if (channels === 1) out[i] = image.data[i * c] / 255;
    else if (c >= 3) for (let k = 0; k < 3; k++) out[i * 3 + k] = image.data[i * c + k] / 255;
    else for (let k = 0; k < 3; k++) out[i * 3 + k] = image.data[i * c] / 255;
  }
  return out;
}

/**
 * Datasets from the image/mask pairs of one or more folders, with the same label options and
 * channel count, resized to `size`×`size`. Multiclass without `classes` takes K = largest
 * label + 1 over all folders.
 */
export function toDatasets(raws: RawPair[][], size: number, options: LabelOptions): Dataset[] {
  const all = raws.flat();
  const channels: 1 | 3 = all.some((p) => p.image.channels >= 3) ? 3 : 1;
  let classes = 2;
  if (options.mode === 'multiclass') {
    if (options.classes !== undefined) classes = options.classes;
    else {
      let max = 0;
      for (const p of all) for (const v of p.mask) if (v !== options.ignoreIndex && v > max) max = v;
      classes = Math.max(2, max + 1);
    }
  }
  return raws.map((pairs) => ({
    size,
    channels,
    classes,
    samples: pairs.map((p) => ({
      name: p.name,
      image: resizeImage(toFloat(p.image, channels), p.width, p.height, channels, size),
      mask: resizeLabels(toLabels(p, options, classes), p.width, p.height, size),
    })),
  }));
}

