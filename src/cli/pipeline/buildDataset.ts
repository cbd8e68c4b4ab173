/**
 * Decoded image/mask pairs → training samples, with every data check run first: masks the same
 * size as their images, images agreeing in channels (and the 16-bit range warning), palettes,
 * mask values against the label options. Returns the one-line summary of the mask values for
 * the user. Pure: the files are read by `node/readPairs.ts`.
 */
import { CliError } from '../errors.js';
import { checkImages } from './imageChecks.js';
import { labelMaps } from './labels.js';
import { toFloatImage, type NamedImage } from './rawImage.js';
import type { Dataset, LabelOptions } from './types.js';

/** A decoded image and its decoded mask. */
export interface ImagePair {
  /** The image's file stem: the sample's name. */
  stem: string;
  image: NamedImage;
  mask: NamedImage;
}

/** Samples at native resolution and what the checks found. */
export interface CheckedDataset extends Dataset {
  /** The mask values found and their pixel counts, one line. */
  summary: string;
  /** Warnings to show (the 16-bit range one). */
  warnings: string[];
}

/**
 * Checks `pairs` together and turns them into samples (image floats in [0, 1] scaled by the bit
 * depth; label maps with `IGNORED` for the ignore index).
 * @throws CliError naming the file and what is wrong with it.
 */
export function buildDataset(pairs: readonly ImagePair[], options: LabelOptions): CheckedDataset {
  if (pairs.length === 0) throw new CliError('no image/mask pairs to read.');
  for (const { image, mask } of pairs) {
    if (image.image.width !== mask.image.width || image.image.height !== mask.image.height) {
      throw new CliError(
        `${mask.name} is ${mask.image.width}×${mask.image.height} but its image ${image.name} is ${image.image.width}×${image.image.height}; they must be the same size.`,
      );
    }
  }
  const { channels, warnings } = checkImages(pairs.map((p) => p.image));
  const { labels, classes, summary } = labelMaps(
    pairs.map((p) => p.mask),
    options,
  );
  const samples = pairs.map((p, i) => ({
    name: p.stem,
    width: p.image.image.width,
    height: p.image.image.height,
    channels,
    image: toFloatImage(p.image.image),
    labels: labels[i],
  }));
  return { samples, channels, classes, summary, warnings };
}
