/**
 * Whole-image inference by sliding window, as nnU-Net and MONAI's `sliding_window_inference`
 * do: the model sees `window × window` tiles overlapping by `overlap`, the tiles' logits are
 * blended with a Gaussian importance map (centres count more than borders, which lack context),
 * and the blend is divided by the summed weights, so the weights at each pixel sum to one. Images
 * smaller than the window are zero-padded. Predictions are then resampled to the ground truth's
 * size, so every score is computed at the original mask resolution.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { resampleMap } from './resample.js';

/** The tfjs functions inference needs (injected: the pipeline imports no backend). */
export type InferTf = Pick<typeof tfc, 'tensor4d' | 'tidy'>;

/** The model: logits `[1, h, w, K]` for an image batch `[1, h, w, C]` (K = 1 binary, K classes multiclass). */
export type Predict = (input: tfc.Tensor4D) => tfc.Tensor;

/** Options of {@link slidingWindow}. */
export interface WindowOptions {
  /** Side of the square tiles fed to the model (the training patch size). */
  window: number;
  /** Fraction of a tile shared with its neighbour, in [0, 1). @defaultValue `0.5` */
  overlap?: number;
  /** `'gaussian'` (σ = window / 8, as nnU-Net) or `'uniform'` weights. @defaultValue `'gaussian'` */
  blend?: 'gaussian' | 'uniform';
  /** Tiles per call of the model. @defaultValue `8` */
  batch?: number;
}

/** An image: `height × width × channels` floats, interleaved. */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  image: Float32Array;
}

/** Tile starts along one side: evenly spread from 0 to `length − window`, at most `window·(1 − overlap)` apart. */
export function windowStarts(length: number, window: number, overlap: number): number[] {
  if (length <= window) return [0];
  const step = Math.max(1, Math.floor(window * (1 - overlap)));
  const n = Math.ceil((length - window) / step) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - window)) / (n - 1)));
}

/** The `window × window` importance map: a Gaussian of σ = window / 8 around the centre, or all ones. */
export function blendWeights(window: number, blend: 'gaussian' | 'uniform' = 'gaussian'): Float32Array {
  const out = new Float32Array(window * window).fill(1);
  if (blend === 'uniform') return out;
  const sigma = window / 8;
  const c = (window - 1) / 2;
  for (let y = 0; y < window; y++) {
    for (let x = 0; x < window; x++) out[y * window + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * sigma * sigma));
  }
  return out;
}

function checkOptions(options: WindowOptions): Required<WindowOptions> {
  const { window, overlap = 0.5, blend = 'gaussian', batch = 8 } = options;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`slidingWindow: options.batch must be a positive integer, got ${batch}.`);
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`slidingWindow: options.window must be a positive integer, got ${window}.`);
  if (!(overlap >= 0 && overlap < 1)) throw new RangeError(`slidingWindow: options.overlap must be in [0, 1), got ${overlap}.`);
  if (blend !== 'gaussian' && blend !== 'uniform') throw new RangeError(`slidingWindow: options.blend must be 'gaussian' or 'uniform', got '${blend}'.`);
  return { window, overlap, blend, batch };
}

/**
 * Logits for the whole image (`height × width × K`, interleaved) from tiles of `options.window`,
 * fed to the model `options.batch` tiles at a time, each batch in a `tf.tidy`, so no tensor
 * outlives the call.
 * @throws RangeError for bad options, or when the model's output is not `[n, window, window, K]`.
 */
export function slidingWindow(tf: InferTf, predict: Predict, input: FloatImage, options: WindowOptions): { logits: Float32Array; classes: number } {
  const { window, overlap, blend, batch } = checkOptions(options);
  const { width, height, channels: C, image } = input;
  const weights = blendWeights(window, blend);
  const corners = windowStarts(height, window, overlap).flatMap((y0) => windowStarts(width, window, overlap).map((x0) => [x0, y0] as const));
  let sum: Float32Array | undefined;
  let K = 0;
  const total = new Float32Array(width * height);
  const tileSize = window * window * C;
  for (let first = 0; first < corners.length; first += batch) {
    const group = corners.slice(first, first + batch);
    const tiles = new Float32Array(group.length * tileSize); // zero-padded beyond the image
    group.forEach(([x0, y0], t) => {
      for (let y = 0; y < Math.min(window, height - y0); y++) {
        const from = ((y0 + y) * width + x0) * C;
        tiles.set(image.subarray(from, from + Math.min(window, width - x0) * C), t * tileSize + y * window * C);
      }
    });
    const out = tf.tidy(() => {
      const logits = predict(tf.tensor4d(tiles, [group.length, window, window, C]));
      const [b, h, w, k] = logits.shape;
      if (logits.rank !== 4 || b !== group.length || h !== window || w !== window) {
        throw new RangeError(`slidingWindow: predict must return [${group.length}, ${window}, ${window}, K] logits, got [${logits.shape.join(', ')}].`);
      }
      K = k;
      return Float32Array.from(logits.dataSync()); // a copy: some backends reuse the buffer
    });
    sum ??= new Float32Array(width * height * K);
    group.forEach(([x0, y0], t) => {
      const base = t * window * window * K;
      for (let y = 0; y < Math.min(window, height - y0); y++) {
        for (let x = 0; x < Math.min(window, width - x0); x++) {
          const w = weights[y * window + x];
          const p = (y0 + y) * width + x0 + x;
          total[p] += w;
          for (let k = 0; k < K; k++) sum![p * K + k] += w * out[base + (y * window + x) * K + k];
        }
      }
    });
  }
  const logits = sum!;
  for (let p = 0; p < total.length; p++) for (let k = 0; k < K; k++) logits[p * K + k] /= total[p];
  return { logits, classes: K };
}

/** Labels from logits: K = 1 → 1 where the logit is > 0 (p > ½), else the arg-max class. */
export function labelsFromLogits(logits: Float32Array, classes: number): Int32Array {
  const n = logits.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (classes === 1) out[i] = logits[i] > 0 ? 1 : 0;
    else {
      let best = 0;
      for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
      out[i] = best;
    }
  }
  return out;
}

/**
 * Logits of a whole image at the ground truth's size `target` (`target.height × target.width × K`):
 * sliding-window logits on `input` (which may be a scaled copy of the image), resampled to
 * `target` (bilinear when growing, box-averaged when shrinking). {@link labelsFromLogits} turns
 * them into the label map.
 */
export function wholeImageLogits(
  tf: InferTf,
  predict: Predict,
  input: FloatImage,
  target: { width: number; height: number },
  options: WindowOptions,
): { logits: Float32Array; classes: number } {
  const { logits, classes } = slidingWindow(tf, predict, input, options);
  if (input.width === target.width && input.height === target.height) return { logits, classes }; // native scale 1: no copy
  return { logits: resampleMap(logits, input.width, input.height, classes, target.width, target.height), classes };
}
