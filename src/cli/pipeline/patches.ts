/**
 * Training patches at native resolution (or at a chosen `scale`, aspect kept), as nnU-Net and
 * MONAI train: each patch is a `patch × patch` window of a randomly chosen image at a random
 * position, flipped and rotated by a random one of the square's 8 symmetries (`augment`), with
 * images of any and differing sizes. An image smaller than the patch is placed at a random offset
 * inside it, the rest padded (image 0, label {@link IGNORED}, so padding takes no part in the loss).
 * Everything depends only on the seed.
 */
import { rng } from './rng.js';
import { IGNORED, type Sample } from './types.js';

/** Where a patch comes from: sample, top-left corner (negative when the image is smaller) and symmetry. */
export interface Placement {
  sample: number;
  x: number;
  y: number;
  /** 0..7, bits: 1 flip left-right, 2 flip top-bottom, 4 transpose; 0 = as is. */
  symmetry: number;
}

/** Options of {@link placementSampler} and {@link patchSampler}. */
export interface PatchOptions {
  /** Side of the square patches, in pixels (after scaling). */
  patch: number;
  /** Seed of the placements: the same seed gives the same patches. */
  seed: number;
  /** Random flips and 90° rotations. @defaultValue `true` */
  augment?: boolean;
}

/** `count` patches: images `[count, patch, patch, channels]` and labels `[count, patch, patch]`, flat. */
export interface PatchBatch {
  count: number;
  patch: number;
  channels: number;
  images: Float32Array;
  labels: Int32Array;
}

/**
 * The window (row, column) read by patch pixel (py, px) under `symmetry`, as affine maps
 * row = r0 + rY·py + rX·px, column = c0 + cY·py + cX·px: flips reverse an axis (p − 1 − i),
 * the transpose swaps the two.
 */
function symmetryMap(symmetry: number, patch: number): { r0: number; rY: number; rX: number; c0: number; cY: number; cX: number } {
  const flipY = (symmetry & 2) !== 0;
  const flipX = (symmetry & 1) !== 0;
  const rows = { o: flipY ? patch - 1 : 0, y: flipY ? -1 : 1, x: 0 };
  const cols = { o: flipX ? patch - 1 : 0, y: 0, x: flipX ? -1 : 1 };
  const [r, c] = symmetry & 4 ? [cols, rows] : [rows, cols];
  return { r0: r.o, rY: r.y, rX: r.x, c0: c.o, cY: c.y, cX: c.x };
}

/** Copies the patch at `placement` into `batch` at patch slot `slot`. */
export function cutPatch(samples: readonly Sample[], placement: Placement, patch: number, batch: PatchBatch, slot: number): void {
  const s = samples[placement.sample];
  const C = s.channels;
  const { r0, rY, rX, c0, cY, cX } = symmetryMap(placement.symmetry, patch);
  const { width: W, height: H, image, labels } = s;
  const { images: outImages, labels: outLabels } = batch;
  const imageBase = slot * patch * patch * C;
  const labelBase = slot * patch * patch;
  for (let py = 0; py < patch; py++) {
    for (let px = 0; px < patch; px++) {
      const y = placement.y + r0 + rY * py + rX * px;
      const x = placement.x + c0 + cY * py + cX * px;
      const o = py * patch + px;
      if (y < 0 || x < 0 || y >= H || x >= W) {
        outLabels[labelBase + o] = IGNORED;
        for (let c = 0; c < C; c++) outImages[imageBase + o * C + c] = 0;
      } else {
        const from = y * W + x;
        outLabels[labelBase + o] = labels[from];
        for (let c = 0; c < C; c++) outImages[imageBase + o * C + c] = image[from * C + c];
      }
    }
  }
}

/** A uniform integer in [lo, hi]. */
function between(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo + 1));
}

/**
 * Seeded patch placements over images known by their size only (a store's `infos`): each call
 * returns `count` new placements; the sequence depends only on `options.seed`. The patches are
 * then cut by {@link cutBatch} from the images the placements name, so only those need be decoded.
 * @throws RangeError for an empty image list or a patch size below 1.
 */
export function placementSampler(images: readonly { width: number; height: number }[], options: PatchOptions): (count: number) => Placement[] {
  const { patch, seed, augment = true } = options;
  if (images.length === 0) throw new RangeError('patchSampler: samples must not be empty, got 0 samples.');
  if (!Number.isInteger(patch) || patch < 1) throw new RangeError(`patchSampler: options.patch must be a positive integer, got ${patch}.`);
  const next = rng(seed);
  return (count) => {
    const placements: Placement[] = [];
    for (let slot = 0; slot < count; slot++) {
      const i = Math.floor(next() * images.length);
      const { width, height } = images[i];
      placements.push({
        sample: i,
        x: between(next, Math.min(0, width - patch), Math.max(0, width - patch)),
        y: between(next, Math.min(0, height - patch), Math.max(0, height - patch)),
        symmetry: augment ? Math.floor(next() * 8) : 0,
      });
    }
    return placements;
  };
}

/**
 * The batch of `placements`, cut from `samples` (indexed by `placement.sample`; only the samples
 * named need be present), each with `channels` channels.
 */
export function cutBatch(samples: readonly Sample[], placements: readonly Placement[], patch: number, channels: number): PatchBatch {
  const count = placements.length;
  const batch: PatchBatch = {
    count,
    patch,
    channels,
    images: new Float32Array(count * patch * patch * channels),
    labels: new Int32Array(count * patch * patch),
  };
  placements.forEach((placement, slot) => cutPatch(samples, placement, patch, batch, slot));
  return batch;
}

/**
 * A seeded patch source over `samples` (all with the same channels) in memory: each call returns
 * `count` new patches; the sequence of batches depends only on `options.seed`, and is the one
 * {@link placementSampler} and {@link cutBatch} give over the same sizes.
 * @throws RangeError for an empty sample list, a patch size below 1, or samples that differ in channels.
 */
export function patchSampler(samples: readonly Sample[], options: PatchOptions): (count: number) => PatchBatch & { placements: Placement[] } {
  const place = placementSampler(samples, options);
  const channels = samples[0].channels;
  const odd = samples.find((s) => s.channels !== channels);
  if (odd) throw new RangeError(`patchSampler: every sample must have ${channels} channels, got ${odd.channels} in ${odd.name}.`);
  return (count) => {
    const placements = place(count);
    return { ...cutBatch(samples, placements, options.patch, channels), placements };
  };
}
