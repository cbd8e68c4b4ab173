/** The hold-out split: a contiguous block of the last files in name order. */
import { CliError } from '../errors.js';
import type { Dataset } from './types.js';

/**
 * How many of `n` images train and how many are held out (the last `fraction`, at least one of each).
 * @throws CliError for fewer than 2 images.
 */
export function splitSizes(n: number, fraction: number): [train: number, val: number] {
  if (n < 2) throw new CliError(`need at least 2 image/mask pairs to hold some out for validation, got ${n}.`);
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  return [n - nVal, nVal];
}

/** Splits off the last `fraction` of the samples (in name order: a contiguous block) for validation. */
export function splitTail(data: Dataset, fraction: number): [Dataset, Dataset] {
  const [nTrain] = splitSizes(data.samples.length, fraction);
  return [
    { ...data, samples: data.samples.slice(0, nTrain) },
    { ...data, samples: data.samples.slice(nTrain) },
  ];
}
