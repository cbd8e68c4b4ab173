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
import { addCounts, emptyCounts, scoresFromCounts } from './score.js';
import type { Scores, TaskMode } from './types.js';

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
  /** E.g. `99.6% of pixels predicted 0` or `Dice within noise of all foreground`. */
  reason?: string;
}

/**
 * Rules (a) and (b) for one run's per-image counts; `draws` resample the images (its run level
 * is not used), `baseline` is {@link trivialBaseline} of the same images.
 */
export function runCollapse(images: readonly LabelCounts[], mode: TaskMode, baseline: Baseline, draws: Resamples, confidence: number): Collapse {
  const total = pooled(images);
  const C = total.tp.length;
  let valid = 0;
  for (let c = 0; c < C; c++) valid += total.tp[c] + total.fn[c];
  if (valid > 0) {
    for (let c = 0; c < C; c++) {
      const predicted = (total.tp[c] + total.fp[c]) / valid;
      const truth = (total.tp[c] + total.fn[c]) / valid;
      if (predicted >= COLLAPSE_SHARE && truth < COLLAPSE_SHARE) {
        return { collapsed: true, reason: `${(100 * predicted).toFixed(1)}% of pixels predicted ${c}` };
      }
    }
  }
  const key = headline(mode);
  const score = (s: Scores) => s[key];
  const point = score(scoresFromCounts(total, mode)) - score(scoresFromCounts(pooled(baseline.counts), mode));
  const N = images.length;
  const diffs = new Float64Array(draws.replicates);
  for (let b = 0; b < draws.replicates; b++) {
    const run = scoresFromCounts(pooled(images, draws.imageWeights, b * N), mode);
    const base = scoresFromCounts(pooled(baseline.counts, draws.imageWeights, b * N), mode);
    diffs[b] = score(run) - score(base);
  }
  const interval = percentileInterval(diffs, expandedConfidence(confidence, N), N > 1);
  const noise = interval === null ? !(point > 0) : covers(interval) || interval[1] < 0;
  return noise ? { collapsed: true, reason: `${key === 'dice' ? 'Dice' : 'mIoU'} within noise of ${baseline.name}` } : { collapsed: false };
}
