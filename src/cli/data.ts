/// <reference types="node" />
/**
 * Data for the CLI: image/mask pairs from a folder (`images/` + `masks/`, PNG, paired by file
 * name) or the built-in synthetic set, resized to `size`×`size`. Labels are int32 per pixel:
 * class ids (binary: 0/1), and -1 where a pixel is ignored.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, type RawImage } from './png.js';
import { CliError } from './errors.js';

/** One image (`size²·channels` floats in [0, 1]) and its label map (`size²` int32, -1 = ignored). */
export interface Sample {
  name: string;
  image: Float32Array;
  mask: Int32Array;
}

/** How mask values become labels. */
export interface LabelOptions {
  mode: 'binary' | 'multiclass';
  /** Multiclass: the number of classes K (labels 0..K-1); undefined = infer from the masks. */
  classes?: number;
  /** Binary: the mask value that is foreground; undefined = 0 is background, 1 or 255 foreground. */
  foreground?: number;
  /** Mask value that is ignored (label -1). */
  ignoreIndex?: number;
}

export interface Dataset {
  samples: Sample[];
  size: number;
  channels: 1 | 3;
  /** Number of label classes: 2 in binary mode (background, foreground), K in multiclass mode. */
  classes: number;
}

interface RawPair {
  name: string;
  image: RawImage;
  mask: Uint8Array;
  width: number;
  height: number;
  maskFile: string;
}

function listPngs(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && f.toLowerCase().endsWith('.png') && statSync(join(dir, f)).isFile())
    .sort();
}

function readPng(file: string, paletteIndices = false): RawImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CliError(`segloss: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return decodePng(bytes, file, paletteIndices);
  } catch (error) {
    throw new CliError(`segloss: ${(error as Error).message}`);
  }
}

/** Reads and pairs every `images/X.png` with `masks/X.png` under `dir`; all checks name the file. */
function readPairs(dir: string): RawPair[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`segloss: data folder ${dir} does not exist (expected ${join(dir, 'images')} and ${join(dir, 'masks')}).`);
  }
  const imageDir = join(dir, 'images');
  const maskDir = join(dir, 'masks');
  for (const d of [imageDir, maskDir]) {
    if (!existsSync(d) || !statSync(d).isDirectory()) {
      throw new CliError(`segloss: folder ${d} is missing; --data needs images/ and masks/ holding PNGs paired by file name.`);
    }
  }
  const images = listPngs(imageDir);
  const masks = new Set(listPngs(maskDir));
  for (const f of images) {
    if (!masks.has(f)) throw new CliError(`segloss: ${join(imageDir, f)} has no mask (expected ${join(maskDir, f)}).`);
  }
  const imageSet = new Set(images);
  for (const f of masks) {
    if (!imageSet.has(f)) throw new CliError(`segloss: ${join(maskDir, f)} has no image (expected ${join(imageDir, f)}).`);
  }
  if (images.length === 0) throw new CliError(`segloss: ${imageDir} holds no .png files.`);
  return images.map((f) => {
    const image = readPng(join(imageDir, f));
    const maskFile = join(maskDir, f);
    const m = readPng(maskFile, true);
    if (m.width !== image.width || m.height !== image.height) {
      throw new CliError(
        `segloss: ${maskFile} is ${m.width}×${m.height} but its image ${join(imageDir, f)} is ${image.width}×${image.height}; they must be the same size.`,
      );
    }
    const mask = new Uint8Array(m.width * m.height);
    const colour = m.channels >= 3;
    for (let i = 0; i < mask.length; i++) {
      const v = m.data[i * m.channels];
      if (colour && (m.data[i * m.channels + 1] !== v || m.data[i * m.channels + 2] !== v)) {
        throw new CliError(
          `segloss: ${maskFile} is a colour mask; masks must hold class indices in one channel (gray or palette PNG).`,
        );
      }
      mask[i] = v;
    }
    return { name: f.replace(/\.png$/i, ''), image, mask, width: image.width, height: image.height, maskFile };
  });
}

/** Maps raw mask values to labels (0..K-1, -1 ignored), checking every value against the classes. */
function toLabels(pair: RawPair, options: LabelOptions, classes: number): Int32Array {
  const { mode, foreground, ignoreIndex } = options;
  const out = new Int32Array(pair.mask.length);
  for (let i = 0; i < out.length; i++) {
    const v = pair.mask[i];
    if (v === ignoreIndex) out[i] = -1;
    else if (mode === 'binary') {
      if (foreground !== undefined) out[i] = v === foreground ? 1 : 0;
      else if (v === 0) out[i] = 0;
      else if (v === 1 || v === 255) out[i] = 1;
      else {
        throw new CliError(
          `segloss: ${pair.maskFile} holds mask value ${v} at pixel (${i % pair.width}, ${Math.floor(i / pair.width)}); binary masks must be 0/1 or 0/255 — use --foreground VALUE to pick the foreground value${ignoreIndex === undefined ? ' or --ignore-index' : ''}.`,
        );
      }
    } else {
      if (v >= classes) {
        throw new CliError(
          `segloss: ${pair.maskFile} holds mask value ${v} at pixel (${i % pair.width}, ${Math.floor(i / pair.width)}), outside the ${classes} classes 0..${classes - 1}${ignoreIndex === undefined ? ' (set --ignore-index for a void label)' : ` and not the ignore index ${ignoreIndex}`}.`,
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
 * Loads one or more folders with the same label options and channel count. Multiclass without
 * `classes` takes K = largest label + 1 over all folders.
 */
export function loadFolders(dirs: string[], size: number, options: LabelOptions): Dataset[] {
  const raws = dirs.map(readPairs);
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

/** Splits off the last `fraction` of the samples (in name order: a contiguous block) for validation. */
export function splitTail(data: Dataset, fraction: number): [Dataset, Dataset] {
  const n = data.samples.length;
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  if (n < 2) throw new CliError(`segloss: need at least 2 image/mask pairs to hold some out for validation, got ${n}.`);
  return [
    { ...data, samples: data.samples.slice(0, n - nVal) },
    { ...data, samples: data.samples.slice(n - nVal) },
  ];
}
