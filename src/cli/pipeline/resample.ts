/**
 * Resampling of interleaved float maps (images, logits) and of label maps, with pixel centres
 * aligned (pixel t of the target covers source [t·f, (t+1)·f), f = source / target size).
 * Shrinking averages the covered source pixels (an exact box filter, so nothing aliases);
 * growing interpolates linearly between the two nearest pixel centres (bilinear, edges clamped).
 * Both are separable, and both are the identity at equal sizes.
 */
import type { Sample } from './types.js';

/** One output sample of a 1-D resampling: the source indices it reads and their weights (summing to 1). */
interface Taps {
  index: Int32Array;
  weight: Float32Array;
  /** Output t reads taps start[t]..start[t+1]−1. */
  start: Int32Array;
}

function taps(from: number, to: number): Taps {
  const f = from / to;
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(to + 1);
  for (let t = 0; t < to; t++) {
    start[t] = index.length;
    if (f > 1) {
      // box: source pixel s covers [s, s+1); weight = its overlap with [t·f, (t+1)·f), over f
      const a = t * f;
      const b = (t + 1) * f;
      for (let s = Math.floor(a); s < Math.min(from, Math.ceil(b)); s++) {
        const w = Math.min(b, s + 1) - Math.max(a, s);
        if (w > 0) index.push(s), weight.push(w / f);
      }
    } else {
      // bilinear: the output centre t + 0.5 sits at source coordinate (t + 0.5)·f − 0.5
      const x = Math.min(from - 1, Math.max(0, (t + 0.5) * f - 0.5));
      const i0 = Math.floor(x);
      const frac = x - i0;
      index.push(i0), weight.push(1 - frac);
      if (frac > 0) index.push(i0 + 1), weight.push(frac);
    }
  }
  start[to] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), start };
}

/**
 * Resamples a `height × width × channels` interleaved map to `toHeight × toWidth` (see the module
 * comment): images when scaling them, logits when bringing predictions back to a mask's size.
 */
export function resampleMap(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  toWidth: number,
  toHeight: number,
): Float32Array {
  if (width === toWidth && height === toHeight) return data.slice();
  const C = channels;
  const tx = taps(width, toWidth);
  const ty = taps(height, toHeight);
  const rows = new Float32Array(height * toWidth * C); // resample along x first
  for (let y = 0; y < height; y++) {
    for (let t = 0; t < toWidth; t++) {
      for (let k = tx.start[t]; k < tx.start[t + 1]; k++) {
        const src = (y * width + tx.index[k]) * C;
        const dst = (y * toWidth + t) * C;
        for (let c = 0; c < C; c++) rows[dst + c] += tx.weight[k] * data[src + c];
      }
    }
  }
  const out = new Float32Array(toHeight * toWidth * C);
  for (let t = 0; t < toHeight; t++) {
    for (let k = ty.start[t]; k < ty.start[t + 1]; k++) {
      const w = ty.weight[k];
      const src = ty.index[k] * toWidth * C;
      const dst = t * toWidth * C;
      for (let i = 0; i < toWidth * C; i++) out[dst + i] += w * rows[src + i];
    }
  }
  return out;
}

/** Nearest-neighbour resampling of a label map, each target pixel taking the label under its centre. */
export function resampleLabels(labels: Int32Array, width: number, height: number, toWidth: number, toHeight: number): Int32Array {
  if (width === toWidth && height === toHeight) return labels.slice();
  const out = new Int32Array(toWidth * toHeight);
  for (let ty = 0; ty < toHeight; ty++) {
    const sy = Math.min(height - 1, Math.floor(((ty + 0.5) * height) / toHeight));
    for (let tx = 0; tx < toWidth; tx++) {
      const sx = Math.min(width - 1, Math.floor(((tx + 0.5) * width) / toWidth));
      out[ty * toWidth + tx] = labels[sy * width + sx];
    }
  }
  return out;
}

/** The size of a `width × height` image at `scale`, aspect kept (each side rounded, at least 1). */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The sample at `width × height`: image resampled as {@link resampleMap}, labels nearest; itself when the size matches. */
export function resizeSample(sample: Sample, width: number, height: number): Sample {
  if (width === sample.width && height === sample.height) return sample;
  return {
    ...sample,
    width,
    height,
    image: resampleMap(sample.image, sample.width, sample.height, sample.channels, width, height),
    labels: resampleLabels(sample.labels, sample.width, sample.height, width, height),
  };
}
