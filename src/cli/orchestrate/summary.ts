/**
 * A stand-in for the statistics engineer's `buildResults(records, …)` (issue #17): the report
 * data in the shape `report/` renders today, from compare's run records. Each loss gets the mean
 * of its runs' held-out scores and times, the first run's history, its runs and the per-image
 * scores averaged over the runs. No intervals, no verdict: `best` is the highest mean Dice.
 * Replace with `buildResults` when the statistics land.
 */
import type { ComparePlan } from '../options/plan.js';
import type { ImageScores, RunRecord } from '../pipeline/runRecord.js';
import type { Scores } from '../pipeline/types.js';
import type { LossResult, Results } from '../report/data.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Per-image scores averaged over runs (same images, same order in every run). */
function meanPerImage(runs: readonly RunRecord[]): ImageScores[] {
  return runs[0].perImage.map((first, i) => {
    const at = (k: keyof Omit<ImageScores, 'image'>) => mean(runs.map((r) => r.perImage[i][k] ?? NaN));
    const s: ImageScores = { image: first.image, dice: at('dice'), iou: at('iou'), precision: at('precision'), recall: at('recall') };
    if (first.hd95 !== undefined) s.hd95 = at('hd95');
    if (first.nsd !== undefined) s.nsd = at('nsd');
    return s;
  });
}

/** The runs of one loss, as `results.json` lists them. */
export type RunSummary = Scores & { seed: number; seconds: number; epochs: number };

export type SummaryLoss = LossResult & { runs: RunSummary[]; perImage: ImageScores[]; confusion?: number[][] };

/** Results plus what the stand-in adds: the run count and, after an interrupt, how many ran. */
export type Summary = Omit<Results, 'losses'> & {
  losses: SummaryLoss[];
  incomplete?: { runsDone: number; runsPlanned: number };
};

/** The losses' results from the records (in `--losses` order; losses without a finished run left out). */
export function summarizeRuns(plan: ComparePlan, records: readonly RunRecord[]): SummaryLoss[] {
  return plan.losses.flatMap(({ spec }, i) => {
    const runs = records.filter((r) => r.task.loss === i).sort((a, b) => a.task.repeat - b.task.repeat);
    if (runs.length === 0) return [];
    const score = (k: keyof Scores) => mean(runs.map((r) => r.scores[k]));
    const result: SummaryLoss = {
      loss: spec.name,
      label: spec.label,
      options: spec.options,
      dice: score('dice'),
      iou: score('iou'),
      precision: score('precision'),
      recall: score('recall'),
      seconds: mean(runs.map((r) => r.seconds)),
      history: runs[0].history,
      runs: runs.map((r) => ({ seed: r.task.seed, ...r.scores, seconds: r.seconds, epochs: r.history.length })),
      perImage: meanPerImage(runs),
    };
    if (runs[0].confusion) {
      result.confusion = runs[0].confusion.map((row, t) => row.map((_, p) => runs.reduce((n, r) => n + r.confusion![t][p], 0)));
    }
    return [result];
  });
}
