/**
 * The resolution the model works at, chosen once per run: `native` (the files' own pixels, or a
 * `scale` of them with the aspect kept; training on random patches) or `size` (the old quick-look
 * mode: every image resized to N×N and trained on whole). Whatever the choice, predictions are
 * brought back to each mask's own size before scoring (see evaluate.ts).
 */
import { resizeSample, scaledSize } from './resample.js';
import type { Resolution, Sample } from './types.js';

/** The sample at `scale` (1 = native; 0.5 halves both sides, aspect kept): image box-averaged, labels nearest. */
export function rescaleSample(sample: Sample, scale: number): Sample {
  if (!(scale > 0)) throw new RangeError(`rescaleSample: scale must be a positive number, got ${scale}.`);
  const { width, height } = scaledSize(sample.width, sample.height, scale);
  return resizeSample(sample, width, height);
}

/** The sample as the model sees it at `resolution` (the sample itself at native scale 1). */
export function atResolution(sample: Sample, resolution: Resolution): Sample {
  if (resolution.kind === 'native') return rescaleSample(sample, resolution.scale);
  return resizeSample(sample, resolution.size, resolution.size);
}

/** For the report and results: `native`, `native × 0.5 (aspect kept)` or `resized to 64×64`. */
export function describeResolution(resolution: Resolution): string {
  if (resolution.kind === 'size') return `resized to ${resolution.size}×${resolution.size}`;
  return resolution.scale === 1 ? 'native' : `native × ${resolution.scale} (aspect kept)`;
}

/** The size of a `width × height` image at `resolution`: what {@link atResolution} makes of it. */
export function resolutionSize(size: { width: number; height: number }, resolution: Resolution): { width: number; height: number } {
  return resolution.kind === 'native' ? scaledSize(size.width, size.height, resolution.scale) : { width: resolution.size, height: resolution.size };
}
