/**
 * The resampling behind `segloss compare`'s intervals: a two-way ("pigeonhole") bootstrap of a
 * crossed design, where every run of every loss is scored on the same held-out images. Each
 * replicate draws R runs (by repeat index) and N images with replacement, independently; the
 * same draws serve every loss, so differences between losses are paired by run and by image.
 * Portable: no Node, no tfjs; seeded with the CLI's one PRNG ({@link rng}).
 *
 * Reference: Owen, A. B. (2007). The pigeonhole bootstrap. Annals of Applied Statistics 1(2),
 * 386–411 (resampling rows and columns of a crossed design independently; mildly conservative).
 * Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13 (percentile intervals).
 * Hesterberg, T. C. (2015). What teachers should know about the bootstrap. The American
 * Statistician 69(4), 371–386 (the expanded percentile interval of {@link expandedConfidence}).
 */
import { rng } from './rng.js';

/** Options of {@link drawResamples}. */
export interface ResampleOptions {
  /** Bootstrap replicates B. @defaultValue `4000` */
  replicates?: number;
  /** Seed of the draws (the results depend only on it and the records). @defaultValue `0` */
  seed?: number;
}

/** B replicates of multiplicities: how often each run and each image was drawn. */
export interface Resamples {
  replicates: number;
  runs: number;
  images: number;
  /** `replicates × runs`, row-major: the multiplicity of run r in replicate b. */
  runWeights: Uint32Array;
  /** `replicates × images`, row-major: the multiplicity of image i in replicate b. */
  imageWeights: Uint32Array;
  /** False when there is nothing to resample (one run and one image): intervals are undefined. */
  defined: boolean;
}

/** The default number of bootstrap replicates. */
export const REPLICATES = 4000;

/**
 * Draws `replicates` resamples of `runs` runs and `images` images (with replacement, each level
 * independently; one run is always drawn once). Deterministic for a seed.
 */
export function drawResamples(runs: number, images: number, options: ResampleOptions = {}): Resamples {
  const { replicates = REPLICATES, seed = 0 } = options;
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new RangeError(`drawResamples: replicates must be an integer >= 1, got ${replicates}.`);
  }
  for (const [name, n] of [['runs', runs], ['images', images]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`drawResamples: ${name} must be an integer >= 1, got ${n}.`);
  }
  const next = rng(seed);
  const runWeights = new Uint32Array(replicates * runs);
  const imageWeights = new Uint32Array(replicates * images);
  for (let b = 0; b < replicates; b++) {
    for (let k = 0; k < runs; k++) runWeights[b * runs + Math.floor(next() * runs)]++;
    for (let k = 0; k < images; k++) imageWeights[b * images + Math.floor(next() * images)]++;
  }
  return { replicates, runs, images, runWeights, imageWeights, defined: runs > 1 || images > 1 };
}

/** The `q`-quantile (0 ≤ q ≤ 1) of sorted values, interpolated linearly (type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The standard normal CDF Φ (Abramowitz & Stegun 7.1.26 for erf; absolute error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Φ⁻¹(p) for p in (0, 1), by bisection on {@link normalCdf}. */
function normalQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Student's t quantile t_{p, ν} from the normal one, by the Cornish–Fisher expansion
 * (Abramowitz & Stegun 26.7.5; within 1% of the exact value for ν ≥ 3 at p = 0.975, too low for ν = 1, 2).
 */
function tQuantile(p: number, nu: number): number {
  const z = normalQuantile(p);
  const z2 = z * z;
  return (
    z +
    (z * (z2 + 1)) / (4 * nu) +
    (z * (3 + z2 * (16 + 5 * z2))) / (96 * nu ** 2) +
    (z * (-15 + z2 * (17 + z2 * (19 + 3 * z2)))) / (384 * nu ** 3) +
    (z * (-945 + z2 * (-1920 + z2 * (1482 + z2 * (776 + 79 * z2))))) / (92160 * nu ** 4)
  );
}

/**
 * The level at which to take percentiles so that a bootstrap interval from `n` units keeps its
 * nominal `confidence` (Hesterberg's expanded percentile interval): the plain percentile interval
 * is too narrow for small n (about 80% coverage at n = 5 for a nominal 95%), because it uses
 * the plug-in variance and normal quantiles. The tail α'/2 = Φ(−√(n/(n−1))·t_{1−α/2, n−1}).
 * n ≤ 1 returns `confidence` unchanged.
 */
export function expandedConfidence(confidence: number, n: number): number {
  if (n <= 1) return confidence;
  const t = tQuantile(1 - (1 - confidence) / 2, n - 1);
  return 1 - 2 * normalCdf(-Math.sqrt(n / (n - 1)) * t);
}

/** A two-sided interval `[low, high]`, or null where it is undefined (nothing to resample). */
export type Interval = [number, number] | null;

/**
 * The percentile interval at `confidence` of bootstrap values (non-finite ones, from replicates
 * where the statistic is undefined, are left out); null when `defined` is false or no value is finite.
 */
export function percentileInterval(values: ArrayLike<number>, confidence: number, defined = true): Interval {
  if (!(confidence > 0 && confidence <= 1)) throw new RangeError(`percentileInterval: confidence must be in (0, 1], got ${confidence}.`);
  if (!defined) return null;
  const finite = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]).sort();
  if (finite.length === 0) return null;
  const a = (1 - confidence) / 2;
  return [quantile(finite, a), quantile(finite, 1 - a)];
}

/** True when an interval cannot exclude `value` (it contains it, or it is undefined). */
export function covers(interval: Interval, value = 0): boolean {
  return interval === null || (interval[0] <= value && value <= interval[1]);
}
