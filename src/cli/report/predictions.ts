/**
 * Held-out predictions as files users (and outside tools) can inspect and re-score:
 * `predictions/<loss label>/<image stem>.png`, 8-bit gray at the original mask size, holding 0/255
 * in binary mode (as most binary masks) and the class index in multiclass mode. Pure: the PNG
 * encoding and the writing are the environment's.
 */
import type { RawImage, Sample, TaskMode } from '../pipeline/types.js';

/** A predicted label map (no ignored pixels) and how to store it. */
export interface Prediction {
  width: number;
  height: number;
  /** `width·height` labels: 0/1 in binary mode, class indices in multiclass mode. */
  labels: Int32Array;
  mode: TaskMode;
}

/** The 8-bit gray image of a prediction: binary 0/1 → 0/255, multiclass labels as they are. */
export function predictionImage(prediction: Prediction): RawImage {
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
  return { width, height, channels: 1, bitDepth: 8, data };
}

/** A file name part made safe: path separators and other odd characters become `_`. */
function safe(part: string): string {
  return part.replace(/[^\w.+=-]+/g, '_').replace(/^\.+/, '_');
}

/** `predictions/<loss label>/<stem>.png`, each part made safe for a file name. */
export function predictionPath(lossLabel: string, stem: string): string {
  return `predictions/${safe(lossLabel)}/${safe(stem)}.png`;
}

/**
 * The prediction files of one loss: `predictionPath(lossLabel, stem)` → encoded PNG, one per
 * prediction of `samples` (same order, each at its sample's size).
 */
export function predictionFiles(
  lossLabel: string,
  samples: readonly Pick<Sample, 'name' | 'width' | 'height'>[],
  predictions: readonly Int32Array[],
  mode: TaskMode,
  png: (image: RawImage) => Uint8Array,
): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  predictions.forEach((labels, k) => {
    const { name, width, height } = samples[k];
    files[predictionPath(lossLabel, name)] = png(predictionImage({ width, height, labels, mode }));
  });
  return files;
}
