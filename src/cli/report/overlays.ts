/**
 * Overlays of label maps on images for the report, as 8-bit RGB pixels; the PNG encoding comes
 * from the environment (the report never encodes files itself).
 */
import { IGNORED, type RawImage, type TaskMode } from '../pipeline/types.js';

/**
 * What an overlay shows: nothing (the image alone), a label map (`labels`, e.g. the ground
 * truth in yellow), or a prediction compared with the truth (`labels` and `truth`).
 */
export interface OverlayLabels {
  labels?: Int32Array;
  truth?: Int32Array;
  mode: TaskMode;
}

/**
 * The colour of class `c` in multiclass overlays and their legend: hues spaced by the golden
 * ratio, so neighbouring indices differ. Every class has one, class 0 included (it is not
 * assumed to be background).
 */
export function classColor(c: number): [number, number, number] {
  const h = (c * 0.618033988749895) % 1;
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * An RGB overlay (8-bit, `width`×`height`, 3 channels) of `image` with a label map. Binary with truth: true positives green, false positives
 * red, false negatives blue; without truth (the ground-truth panel) the mask is yellow.
 * Multiclass: each class in its {@link classColor}. Ignored pixels (label -1) are shown dimmed.
 */
export function overlayRgb(image: Float32Array, width: number, height: number, channels: number, labels: OverlayLabels): RawImage {
  const { labels: shown, truth, mode } = labels;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    let rgb: number[] = channels === 1 ? [image[i], image[i], image[i]] : [image[3 * i], image[3 * i + 1], image[3 * i + 2]];
    rgb = rgb.map((v) => v * 255);
    let tint: number[] | undefined;
    const t = truth?.[i];
    const p = shown?.[i];
    if (t === IGNORED || (shown && !truth && p === IGNORED)) rgb = rgb.map((v) => v * 0.35);
    else if (mode === 'binary') {
      if (shown && truth) {
        if (p === 1 && t === 1) tint = [0, 200, 0];
        else if (p === 1) tint = [255, 30, 30];
        else if (t === 1) tint = [40, 90, 255];
      } else if (shown && p === 1) tint = [255, 220, 0];
    } else if (shown && p !== undefined && p >= 0) tint = classColor(p);
    if (tint) rgb = rgb.map((v, k) => 0.4 * v + 0.6 * tint![k]);
    for (let k = 0; k < 3; k++) data[3 * i + k] = Math.max(0, Math.min(255, Math.round(rgb[k])));
  }
  return { width, height, channels: 3, bitDepth: 8, data };
}


/** `#rrggbb` of {@link classColor} (for the legend). */
export function classColorHex(c: number): string {
  return `#${classColor(c).map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
