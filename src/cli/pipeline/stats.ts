/**
 * From finished runs to an answer: each loss's scores with 95% intervals, a paired comparison
 * of each loss with the best, the verdict, collapse flags, per-image and per-class tables.
 * Portable: no Node, no tfjs; deterministic for a seed. The method (docs/cli.md, "How sure is
 * the answer"):
 *
 * - **Aggregate**: a loss's Dice / IoU / precision / recall are computed from its pixel counts
 *   pooled over every held-out image of every run (`Dice = 2ΣTP / (2ΣTP + ΣFP + ΣFN)`; with one
 *   run, the dataset-level score the run reports). Multiclass: per class, then the mean over the
 *   classes present in the truth (mIoU is the headline). Records without counts fall back to the
 *   mean of the per-image scores.
 * - **Intervals**: expanded percentile intervals of the two-way bootstrap of `bootstrap.ts` (runs
 *   and images resampled independently, the statistic recomputed from the resampled counts),
 *   widened for the number of images n (of runs when there is one image).
 * - **Verdict**: the best loss has the highest headline score (Dice in binary mode, mIoU in
 *   multiclass); each other loss's difference to it is recomputed on the same replicates (paired
 *   by run and image), and it is tied with the best when that difference's interval contains 0.
 */
import { covers, drawResamples, expandedConfidence, percentileInterval, REPLICATES, type Interval, type Resamples } from './bootstrap.js';
import { collapseOf, headline, pooled, trivialBaseline } from './collapse.js';
import { countUnits, replicate, scoreUnits } from './replicates.js';
import type { ClassScores, ImageScores, RunRecord } from './runRecord.js';
import { classScores, classScoresOfCounts, scoresFromCounts, sumMatrices } from './score.js';
import type { Scores, TaskMode } from './types.js';
import { byLoss, meanBy, pairRuns, type LossRuns } from './statsInput.js';

/** Options of {@link compareStats}. */
export interface StatsOptions {
  mode: TaskMode;
  /** Class names for the per-class table. @defaultValue the indices */
  classNames?: readonly string[];
  /** Interval level. @defaultValue `0.95` */
  confidence?: number;
  /** Bootstrap replicates. @defaultValue `4000` */
  replicates?: number;
  /** Seed of the bootstrap draws. @defaultValue `0` */
  seed?: number;
}

/** One run's scores (pooled over its images) and collapse flag. */
export interface RunStats extends Scores {
  repeat: number;
  seed: number;
  collapsed: boolean;
  collapseReason?: string;
}

/** One held-out image's scores, mean over the loss's runs. */
export type ImageSummary = Omit<ImageScores, 'counts'>;

/** A loss's answer. */
export interface LossStats extends Scores {
  label: string;
  loss: string;
  diceCI: Interval;
  iouCI: Interval;
  /** Headline score minus the best loss's (0 for the best). */
  difference: number;
  /** Paired interval of `difference` (null for the best, or when undefined). */
  differenceCI: Interval;
  /** Share of bootstrap replicates in which this loss has the highest headline score. */
  pBest: number;
  collapsed: boolean;
  collapsedRuns: number;
  /** Mean of the finite per-image HD95 values (pixels) and the count of infinite ones, when runs report HD95. */
  hd95?: number;
  hd95Infinite?: number;
  nsd?: number;
  runs: RunStats[];
  perImage: ImageSummary[];
  /** Multiclass: per-class scores and the confusion matrix, pooled over runs and images. */
  perClass?: ClassScores[];
  confusion?: number[][];
}

/** Which loss is best and which cannot be told apart from it. */
export interface Verdict {
  best: string;
  tiedWithBest: string[];
  /** The method, in words. */
  method: string;
  /** The score compared: Dice (binary) or mIoU (multiclass, as `iou`). */
  metric: 'dice' | 'iou';
  confidence: number;
}

export interface CompareStats {
  /** How the aggregate is formed: `pooled counts`, or `mean of per-image scores` (records without counts). */
  aggregation: 'pooled counts' | 'mean of per-image scores';
  images: string[];
  repeats: number[];
  /** The bootstrap's replicates and seed. */
  replicates: number;
  seed: number;
  losses: LossStats[];
  verdict: Verdict;
  /** The trivial baseline's scores on the held-out images (pooled; absent without counts). */
  baseline?: { name: string; scores: Scores };
}

/** The verdict's method, in words. */
function methodText(metric: string, conf: number, R: number, N: number, draws: Resamples, seed: number, aggregation: string): string {
  const what = `${R} run${R === 1 ? '' : 's'} × ${N} held-out image${N === 1 ? '' : 's'}`;
  const level = `${Math.round(conf * 1000) / 10}%`;
  if (!draws.defined) return `one run and one image: nothing to resample, so no interval, and no loss can be separated from the best (${metric}, ${aggregation})`;
  return `paired two-way bootstrap over ${what} (${draws.replicates} replicates, seed ${seed}; ${metric} from ${aggregation}): a loss is tied with the best when the ${level} interval (expanded percentile, for ${N > 1 ? N : R} ${N > 1 ? 'images' : 'runs'}) of its ${metric} minus the best's contains 0`;
}

/** The flat per-image values of every run (counts, else scores), the trivial baseline's, and a sum over images. */
function unitsOf(losses: readonly LossRuns[], mode: TaskMode, pooledCounts: boolean) {
  const firstRun = losses.flatMap((l) => l.records).find((r): r is RunRecord => r !== undefined)!;
  const C = firstRun.perImage[0].counts?.tp.length ?? 0;
  const counts = countUnits(mode, C);
  const units = pooledCounts ? counts : scoreUnits;
  const flat = (images: ImageScores[]) => (pooledCounts ? counts.flat(images.map((s) => s.counts!)) : scoreUnits.flat(images));
  const baseline = pooledCounts ? trivialBaseline(firstRun.perImage.map((s) => s.counts!), mode) : undefined;
  const sumAll = (f: Float64Array) => {
    const out = new Float64Array(units.V);
    for (let i = 0; i < f.length; i++) out[i % units.V] += f[i];
    return out;
  };
  return {
    units,
    runs: losses.map((l) => l.records.map((r) => (r ? flat(r.perImage) : undefined))),
    baseline,
    baseFlat: baseline ? counts.flat(baseline.counts) : undefined,
    sumAll,
  };
}

/** The statistics of a compare's records (see the module comment). */
export function compareStats(records: readonly RunRecord[], options: StatsOptions): CompareStats {
  const { mode, classNames, confidence = 0.95, replicates = REPLICATES, seed = 0 } = options;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`compareStats: option 'confidence' must be a number in (0, 1), got ${confidence}.`);
  const { losses, images, repeats } = pairRuns(byLoss(records));
  const R = repeats.length;
  const N = images.length;
  const pooledCounts = records.every((r) => r.perImage.every((s) => s.counts));
  const aggregation = pooledCounts ? 'pooled counts' : 'mean of per-image scores';
  const key = headline(mode);
  const draws = drawResamples(R, N, { replicates, seed });
  const level = expandedConfidence(confidence, N > 1 ? N : R);
  const { units, runs, baseline, baseFlat, sumAll } = unitsOf(losses, mode, pooledCounts);
  const points = runs.map((lossRuns) => {
    const total = new Float64Array(units.V);
    for (const f of lossRuns) if (f) sumAll(f).forEach((v, k) => (total[k] += v));
    return units.finish(total);
  });
  const { losses: boot, runDiffs } = replicate({ V: units.V, runs, ...(baseFlat ? { baseline: baseFlat } : {}), finish: units.finish }, draws, key);
  const baseScore = baseFlat ? units.finish(sumAll(baseFlat))[key] : Number.NaN;
  const bestIndex = points.reduce((best, p, l) => (p[key] > points[best][key] || Number.isNaN(points[best][key]) ? l : best), 0);
  const wins = new Array<number>(losses.length).fill(0);
  for (let b = 0; b < draws.replicates; b++) {
    let top = -1;
    boot.forEach((v, l) => { if (Number.isFinite(v[key][b]) && (top < 0 || v[key][b] > boot[top][key][b])) top = l; });
    if (top >= 0) wins[top]++;
  }
  const result: LossStats[] = losses.map((l, li) => {
    const diff = boot[li][key].map((v, b) => v - boot[bestIndex][key][b]);
    const runStats = l.records.flatMap((rec, r) => {
      if (!rec) return [];
      const scores = units.finish(sumAll(runs[li][r]!));
      const total = pooledCounts ? pooled(rec.perImage.map((s) => s.counts!)) : undefined;
      const collapse = total && baseline ? collapseOf(total, mode, baseline, scores[key] - baseScore, runDiffs[li][r]!, N, confidence) : { collapsed: false };
      return [{ repeat: repeats[r], seed: rec.task.seed, ...scores, collapsed: collapse.collapsed, ...(collapse.reason ? { collapseReason: collapse.reason } : {}) }];
    });
    const collapsedRuns = runStats.filter((r) => r.collapsed).length;
    const present = l.records.filter((r): r is RunRecord => r !== undefined);
    const perClass = mode === 'multiclass' ? classTable(present, pooledCounts, classNames) : undefined;
    return {
      label: l.label,
      loss: l.loss,
      ...points[li],
      diceCI: percentileInterval(boot[li].dice, level, draws.defined),
      iouCI: percentileInterval(boot[li].iou, level, draws.defined),
      difference: points[li][key] - points[bestIndex][key],
      differenceCI: li === bestIndex ? null : percentileInterval(diff, level, draws.defined),
      pBest: wins[li] / draws.replicates,
      collapsed: collapsedRuns > runStats.length / 2,
      collapsedRuns,
      ...surface(present),
      runs: runStats,
      perImage: images.map((image, i) => meanBy(image, present.map((r) => r.perImage[i]))),
      ...(perClass ?? {}),
    };
  });
  const best = result[bestIndex].label;
  const tiedWithBest = result.filter((l, i) => i !== bestIndex && covers(l.differenceCI)).map((l) => l.label);
  return {
    aggregation,
    images,
    repeats,
    replicates,
    seed,
    losses: result,
    verdict: { best, tiedWithBest, method: methodText(key === 'dice' ? 'Dice' : 'mIoU', confidence, R, N, draws, seed, aggregation), metric: key, confidence },
    ...(baseline ? { baseline: { name: baseline.name, scores: scoresFromCounts(pooled(baseline.counts), mode) } } : {}),
  };
}

/** Per-class table and confusion pooled over the runs: from counts, else from the records' confusion matrices. */
function classTable(records: RunRecord[], pooledCounts: boolean, names?: readonly string[]): { perClass: ClassScores[]; confusion?: number[][] } | undefined {
  const confusion = records.every((r) => r.confusion) ? sumMatrices(records.map((r) => r.confusion!)) : undefined;
  if (confusion) return { perClass: classScores(confusion, names), confusion };
  if (!pooledCounts) return undefined;
  return { perClass: classScoresOfCounts(pooled(records.flatMap((r) => r.perImage.map((s) => s.counts!))), names) };
}

/** Mean finite HD95 (with the infinite count) and mean NSD over every run's images, when reported. */
function surface(records: RunRecord[]): { hd95?: number; hd95Infinite?: number; nsd?: number } {
  const all = records.flatMap((r) => r.perImage);
  const hd = all.map((s) => s.hd95).filter((v): v is number => v !== undefined);
  const nsd = all.map((s) => s.nsd).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const finite = hd.filter(Number.isFinite);
  return {
    ...(hd.length ? { hd95: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN, hd95Infinite: hd.length - finite.length } : {}),
    ...(nsd.length ? { nsd: nsd.reduce((a, b) => a + b, 0) / nsd.length } : {}),
  };
}
