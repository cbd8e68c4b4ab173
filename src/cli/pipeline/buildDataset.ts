/**
 * Image/mask pairs → training samples, with every data check: masks the same size as their
 * images, images agreeing in channels (and the 16-bit range warning), palettes, mask values
 * against the label options. Returns the one-line summary of the mask values for the user. The
 * checks run as a streaming pass ({@link dataChecker}): {@link scanPairs} decodes one pair at a
 * time, checks and counts it and drops its pixels, so a folder of any size is checked in full
 * before training with one image in memory; the samples are then decoded again on demand
 * ({@link sampleOf}, see sampleStore.ts). {@link buildDataset} is the same checks over pairs
 * already decoded. Pure: the files are read by the environment (`node/readPairs.ts`, the page's
 * `browserEnv.ts`).
 */
import { CliError } from '../errors.js';
import { imageChecker } from './imageChecks.js';
import { foregroundCount, labelChecker, toLabels, type ForegroundCount } from './labels.js';
import { maskValues } from './maskValues.js';
import { toFloatImage, type NamedImage } from './rawImage.js';
import type { SampleInfo } from './sampleStore.js';
import type { Dataset, LabelOptions, Sample } from './types.js';

/** A decoded image and its decoded mask. */
export interface ImagePair {
  /** The image's file stem: the sample's name. */
  stem: string;
  image: NamedImage;
  mask: NamedImage;
}

/** An image/mask pair not yet decoded: its stem, the two files' names (for messages) and a reader. */
export interface LazyPair {
  stem: string;
  image: string;
  mask: string;
  /** Reads and decodes both files. @throws CliError naming the file. */
  read(): Promise<ImagePair>;
}

/** What the checks found in all the pairs together. */
export interface DataCheck {
  /** Colour channels of every image: 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Number of label classes: 2 in binary mode, K in multiclass mode. */
  classes: number;
  /** The mask values found and their pixel counts, one line. */
  summary: string;
  /** Warnings to show (the 16-bit range one). */
  warnings: string[];
}

/** Samples at native resolution and what the checks found. */
export interface CheckedDataset extends Dataset, DataCheck {}

/** An image's name and size, and the label counts of its mask. */
export type PairInfo = SampleInfo & ForegroundCount;

/** Every pair's name, size and label counts, and what the checks found. */
export interface CheckedPairs extends DataCheck {
  infos: PairInfo[];
}

/** The checks, one pair at a time: {@link DataChecker.add} each (its label map is returned), then {@link DataChecker.finish}. */
export interface DataChecker {
  /** @throws CliError when the mask's size is not the image's, or for a mask value or colour no label can take. */
  add(pair: ImagePair): Int32Array;
  /** @throws CliError for the checks that need every pair (channels, mask values against the options). */
  finish(): DataCheck;
}

/** The data checks as a streaming pass (see the module comment). */
export function dataChecker(options: LabelOptions): DataChecker {
  const images = imageChecker();
  const labels = labelChecker(options);
  let pairs = 0;
  return {
    add({ image, mask }) {
      if (image.image.width !== mask.image.width || image.image.height !== mask.image.height) {
        throw new CliError(
          `${mask.name} is ${mask.image.width}×${mask.image.height} but its image ${image.name} is ${image.image.width}×${image.image.height}; they must be the same size.`,
        );
      }
      pairs++;
      images.add(image);
      return labels.add(mask);
    },
    finish() {
      if (pairs === 0) throw new CliError('no image/mask pairs to read.');
      const { channels, warnings } = images.finish();
      const { classes, summary } = labels.finish();
      return { channels, classes, summary, warnings };
    },
  };
}

/**
 * Reads, checks and counts `pairs` one at a time (see the module comment); keeps only each
 * pair's name, size and label counts.
 * @throws CliError naming the file and what is wrong with it.
 */
export async function scanPairs(pairs: readonly LazyPair[], options: LabelOptions): Promise<CheckedPairs> {
  if (pairs.length === 0) throw new CliError('no image/mask pairs to read.');
  const checker = dataChecker(options);
  const infos: PairInfo[] = [];
  for (const lazy of pairs) {
    const pair = await lazy.read();
    const labels = checker.add(pair);
    infos.push({ name: pair.stem, width: pair.image.image.width, height: pair.image.image.height, ...foregroundCount(labels) });
  }
  return { infos, ...checker.finish() };
}

/** The sample of a checked pair: image floats in [0, 1] scaled by the bit depth; label map with `IGNORED` for the ignore index. */
export function sampleOf(pair: ImagePair, channels: 1 | 3, options: LabelOptions): Sample {
  const { width, height } = pair.image.image;
  return { name: pair.stem, width, height, channels, image: toFloatImage(pair.image.image), labels: toLabels(maskValues(pair.mask, options.palette), options) };
}

/**
 * Checks `pairs` together and turns them into samples (image floats in [0, 1] scaled by the bit
 * depth; label maps with `IGNORED` for the ignore index).
 * @throws CliError naming the file and what is wrong with it.
 */
export function buildDataset(pairs: readonly ImagePair[], options: LabelOptions): CheckedDataset {
  if (pairs.length === 0) throw new CliError('no image/mask pairs to read.');
  const checker = dataChecker(options);
  const labels = pairs.map((p) => checker.add(p));
  const check = checker.finish();
  const samples = pairs.map((p, i) => ({
    name: p.stem,
    width: p.image.image.width,
    height: p.image.image.height,
    channels: check.channels,
    image: toFloatImage(p.image.image),
    labels: labels[i],
  }));
  return { samples, ...check };
}
