/** The hold-out split: a contiguous block of the last files in name order. */
import { CliError } from '../errors.js';
import type { Dataset } from './types.js';

/** Splits off the last `fraction` of the samples (in name order: a contiguous block) for validation. */
export function splitTail(data: Dataset, fraction: number): [Dataset, Dataset] {
  const n = data.samples.length;
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  if (n < 2) throw new CliError(`need at least 2 image/mask pairs to hold some out for validation, got ${n}.`);
  return [
    { ...data, samples: data.samples.slice(0, n - nVal) },
    { ...data, samples: data.samples.slice(n - nVal) },
  ];
}
