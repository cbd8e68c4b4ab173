/**
 * The resolution the model works at, chosen once per run: `native` (the files' own pixels, or a
 * `scale` of them with the aspect kept; training on random patches) or `size` (the old quick-look
 * mode: every image resized to N×N and trained on whole). Whatever the choice, predictions are
 * brought back to each mask's own size before scoring (see evaluate.ts).
 */
import { rescaleSample } from './patches.js';
import { resampleLabels, resampleMap } from './resample.js';
import type { Resolution, Sample } from './types.js';

/** The sample as the model sees it at `resolution` (the sample itself at native scale 1). */
export function atResolution(sample: Sample, resolution: Resolution): Sample {
  if (resolution.kind === 'native') return rescaleSample(sample, resolution.scale);
  const { size } = resolution;
  if (sample.width === size && sample.height === size) return sample;
  return {
    ...sample,
    width: size,
    height: size,
    image: resampleMap(sample.image, sample.width, sample.height, sample.channels, size, size),
    labels: resampleLabels(sample.labels, sample.width, sample.height, size, size),
  };
}

/** For the report and results: `native`, `native × 0.5 (aspect kept)` or `resized to 64×64`. */
export function describeResolution(resolution: Resolution): string {
  if (resolution.kind === 'size') return `resized to ${resolution.size}×${resolution.size}`;
  return resolution.scale === 1 ? 'native' : `native × ${resolution.scale} (aspect kept)`;
}
