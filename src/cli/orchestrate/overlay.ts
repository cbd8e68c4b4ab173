/** Held-out images and label maps as the report shows them: scaled down to fit a 256-pixel side. */
import { resampleLabels, resizeSample, scaledSize } from '../pipeline/resample.js';
import type { Sample } from '../pipeline/types.js';
import type { Overlay } from '../report/data.js';

/** The longest side of an image in the report. */
export const SHOWN_SIDE = 256;

function shownSize(s: { width: number; height: number }): { width: number; height: number } {
  return scaledSize(s.width, s.height, Math.min(1, SHOWN_SIDE / Math.max(s.width, s.height)));
}

/** A label map of `s` (its truth, or a prediction at its size) at the shown size. */
export function shownLabels(s: { width: number; height: number }, labels: Int32Array): Int32Array {
  const { width, height } = shownSize(s);
  return resampleLabels(labels, s.width, s.height, width, height);
}

/** The overlay of `s` without predictions (they are added per loss with {@link shownLabels}). */
export function overlayOf(s: Sample): Overlay {
  const { width, height } = shownSize(s);
  const shown = resizeSample(s, width, height);
  return { name: s.name, width, height, image: shown.image, truth: shown.labels, predictions: {} };
}
