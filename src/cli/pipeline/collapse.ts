/**
 * Collapse detection for `segloss compare`: a run that learnt a trivial answer. A run is
 * **collapsed** when
 *
 * - (a) its prediction is (nearly) constant: at least {@link COLLAPSE_SHARE} (99%) of the valid
 *   held-out pixels get one label, while the truth gives that label to fewer than 99% of them
 *   (so a good model of a 99.5%-background set is not flagged by this rule); or
 * - (b) its headline score (binary Dice, multiclass mIoU) is within noise of the trivial
 *   baseline's on the same images: predicting foreground everywhere (binary), or the truth's
 *   most frequent class everywhere (multiclass). "Within noise": the bootstrap interval over
 *   images of (run − baseline) reaches 0 or below; with one image, the run is not above it.
 *
 * A loss is collapsed when most of its runs (more than half) are; the count is kept too.
 * Portable: no Node, no tfjs.
 */
import { covers, expandedConfidence, percentileInterval, type Resamples } from './bootstrap.js';
import type { LabelCounts } from './runRecord.js';
import { countUnits, replicate } from './replicates.js';
import { addCounts, emptyCounts, scoresFromCounts } from './score.js';
import type { TaskMode } from './types.js';

/** Share of valid pixels one predicted label must reach for rule (a). */
export const COLLAPSE_SHARE = 0.99;

/** The score the verdict and rule (b) use: Dice in binary mode, mIoU in multiclass mode. */
export const headline = (mode: TaskMode): 'dice' | 'iou' => (mode === 'binary' ? 'dice' : 'iou');

/** A trivial prediction's name and its counts on each image. */
export interface Baseline {
  name: string;
  counts: LabelCounts[];
}

/** Counts pooled over images with weights (a bootstrap replicate's multiplicities; all 1 by default). */
export function pooled(images: readonly LabelCounts[], weights?: ArrayLike<number>, offset = 0): LabelCounts {
  const sum = emptyCounts(images[0].tp.length);
  images.forEach((c, i) => {
    const w = weights ? weights[offset + i] : 1;
    if (w) addCounts(sum, c, w);
  });
  return sum;
}

/**
 * The trivial baseline on images with these counts (only their truth is used): all foreground
 * (binary), else the most frequent class in the pooled truth (multiclass; lowest index on a tie).
 */
export function trivialBaseline(images: readonly LabelCounts[], mode: TaskMode): Baseline {
  const truthOf = (c: LabelCounts, k: number) => c.tp[k] + c.fn[k];
  const total = pooled(images);
  const C = total.tp.length;
  const k = mode === 'binary' ? 1 : total.tp.reduce((best, _, c) => (truthOf(total, c) > truthOf(total, best) ? c : best), 0);
  const counts = images.map((img) => {
    const out = emptyCounts(C);
    let valid = 0;
    for (let c = 0; c < C; c++) valid += truthOf(img, c);
    for (let c = 0; c < C; c++) out.fn[c] = c === k ? 0 : truthOf(img, c);
    out.tp[k] = truthOf(img, k);
    out.fp[k] = valid - truthOf(img, k);
    return out;
  });
  return { name: mode === 'binary' ? 'all foreground' : `all class ${k}`, counts };
}

/** Whether a run collapsed, and why (in words, for the report). */
export interface Collapse {
  collapsed: boolean;
  /** E.g. `99.98% of pixels predicted 0` or `Dice within noise of all foreground`. */
  reason?: string;
}

/** Rule (a): the label taking ≥ 99% of the valid pixels where the truth gives it < 99%, in words; else undefined. */
export function constantPrediction(total: LabelCounts): string | undefined {
  const C = total.tp.length;
  let valid = 0;
  for (let c = 0; c < C; c++) valid += total.tp[c] + total.fn[c];
  if (valid === 0) return undefined;
  for (let c = 0; c < C; c++) {
    const predicted = (total.tp[c] + total.fp[c]) / valid;
    const truth = (total.tp[c] + total.fn[c]) / valid;
    if (predicted >= COLLAPSE_SHARE && truth < COLLAPSE_SHARE) return `${(100 * predicted).toFixed(2)}% of pixels predicted ${c}`;
  }
  return undefined;
}

/**
 * Rule (b) from the run's score minus the baseline's (`point`) and its bootstrap replicates over
 * `images` images: within noise when the interval reaches 0 or below (one image: `point` ≤ 0).
 */
export function withinNoise(point: number, diffs: Float64Array, images: number, confidence: number): boolean {
  const interval = percentileInterval(diffs, expandedConfidence(confidence, images), images > 1);
  return interval === null ? !(point > 0) : covers(interval) || interval[1] < 0;
}

/** The collapse verdict of one run from rules (a) and (b). */
export function collapseOf(total: LabelCounts, mode: TaskMode, baseline: Baseline, point: number, diffs: Float64Array, images: number, confidence: number): Collapse {
  const constant = constantPrediction(total);
  if (constant) return { collapsed: true, reason: constant };
  if (withinNoise(point, diffs, images, confidence)) return { collapsed: true, reason: `${headline(mode) === 'dice' ? 'Dice' : 'mIoU'} within noise of ${baseline.name}` };
  return { collapsed: false };
}

/**
 * Rules (a) and (b) for one run's per-image counts; `draws` resample the images (its run level
 * is not used), `baseline` is {@link trivialBaseline} of the same images.
 */
export function runCollapse(images: readonly LabelCounts[], mode: TaskMode, baseline: Baseline, draws: Resamples, confidence: number): Collapse {
  const key = headline(mode);
  const units = countUnits(mode, images[0].tp.length);
  const flat = units.flat(images);
  const { runDiffs } = replicate({ V: units.V, runs: [[flat]], baseline: units.flat(baseline.counts), finish: units.finish }, draws, key);
  const point = scoresFromCounts(pooled(images), mode)[key] - scoresFromCounts(pooled(baseline.counts), mode)[key];
  return collapseOf(pooled(images), mode, baseline, point, runDiffs[0][0]!, images.length, confidence);
}
