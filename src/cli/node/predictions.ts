/// <reference types="node" />
/**
 * Writes held-out predictions as PNGs at the original mask size, so users (and outside tools)
 * can inspect and re-score them: `<folder>/<loss label>/<image stem>.png`, 8-bit gray, holding
 * 0/255 in binary mode (as most binary masks) and the class index in multiclass mode.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng, type PngInput } from './images.js';

/** A predicted label map (no ignored pixels) and how to store it. */
export interface Prediction {
  width: number;
  height: number;
  /** `width·height` labels: 0/1 in binary mode, class indices in multiclass mode. */
  labels: Int32Array;
  mode: 'binary' | 'multiclass';
}

/** The 8-bit gray image of a prediction: binary 0/1 → 0/255, multiclass labels as they are. */
export function predictionImage(prediction: Prediction): PngInput {
  const { width, height, labels, mode } = prediction;
  if (labels.length !== width * height) {
    throw new RangeError(`predictionImage: labels must number width·height = ${width * height}, got ${labels.length}.`);
  }
  const data = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    const ok = mode === 'binary' ? v === 0 || v === 1 : v >= 0 && v <= 255;
    if (!ok) {
      throw new RangeError(`predictionImage: ${mode} labels must be ${mode === 'binary' ? '0 or 1' : 'in 0..255 (8-bit PNG)'}, got ${v} at pixel ${i}.`);
    }
    data[i] = mode === 'binary' ? v * 255 : v;
  }
  return { width, height, channels: 1, data };
}

/** A file name part made safe: path separators and other odd characters become `_`. */
function safe(part: string): string {
  return part.replace(/[^\w.+=-]+/g, '_').replace(/^\.+/, '_');
}

/**
 * Writes `prediction` to `<folder>/<lossLabel>/<stem>.png` (folders made as needed) and returns
 * the file's path.
 */
export async function writePrediction(folder: string, lossLabel: string, stem: string, prediction: Prediction): Promise<string> {
  const dir = join(folder, safe(lossLabel));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${safe(stem)}.png`);
  await writeFile(file, await encodePng(predictionImage(prediction)));
  return file;
}
