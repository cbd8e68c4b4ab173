/**
 * `results.json` v2 from the statistics of a compare and its run records: the one function the
 * orchestrator calls after `compareStats`. Pure (types only from the pipeline).
 */
import type { RunRecord } from '../pipeline/runRecord.js';
import type { CompareStats } from '../pipeline/stats.js';
import type { EpochRecord, Scores } from '../pipeline/types.js';
import type { CompareSettings, LossResult, Results } from './data.js';

/** What the records do not hold: provenance, settings, each loss's options. */
export interface ResultsContext {
  command: string;
  createdAt: string;
  settings: CompareSettings;
  /** Each loss's options, by label. */
  options: Record<string, Record<string, unknown>>;
  /** Baselines computed elsewhere; the statistics' trivial baseline is added to them. @defaultValue `{}` */
  baselines?: Record<string, Scores>;
}

const HISTORY_KEYS = ['loss', 'valLoss', 'valDice', 'valIou', 'seconds'] as const;

/** Per-epoch means over runs (each epoch over the runs that reached it). */
export function meanHistory(histories: readonly EpochRecord[][]): EpochRecord[] {
  const epochs = Math.max(0, ...histories.map((h) => h.length));
  return Array.from({ length: epochs }, (_, e) => {
    const rows = histories.filter((h) => h.length > e).map((h) => h[e]);
    const out: EpochRecord = { epoch: rows[0].epoch, loss: 0, valLoss: 0, valDice: 0, valIou: 0, seconds: 0 };
    for (const k of HISTORY_KEYS) out[k] = rows.reduce((s, r) => s + r[k], 0) / rows.length;
    return out;
  });
}

/** Builds `results.json` v2 (docs/cli.md, "results.json v2"). */
export function buildResults(stats: CompareStats, records: readonly RunRecord[], context: ResultsContext): Results {
  const { verdict } = stats;
  const losses: LossResult[] = stats.losses.map((l) => {
    const own = records.filter((r) => r.label === l.label).sort((a, b) => a.task.repeat - b.task.repeat);
    const run = (repeat: number) => own.find((r) => r.task.repeat === repeat)!;
    return {
      loss: l.loss,
      label: l.label,
      options: context.options[l.label] ?? {},
      dice: l.dice,
      diceCI: l.diceCI,
      iou: l.iou,
      iouCI: l.iouCI,
      precision: l.precision,
      recall: l.recall,
      ...(l.hd95 !== undefined ? { hd95: l.hd95, hd95Infinite: l.hd95Infinite } : {}),
      ...(l.nsd !== undefined ? { nsd: l.nsd } : {}),
      difference: l.difference,
      differenceCI: l.differenceCI,
      tiedWithBest: verdict.tiedWithBest.includes(l.label),
      pBest: l.pBest,
      collapsed: l.collapsed,
      collapsedRuns: l.collapsedRuns,
      seconds: own.reduce((s, r) => s + r.seconds, 0),
      history: meanHistory(own.map((r) => r.history)),
      runs: l.runs.map((r) => ({ ...r, seconds: run(r.repeat).seconds, history: run(r.repeat).history })),
      perImage: l.perImage,
      ...(l.perClass ? { perClass: l.perClass } : {}),
      ...(l.confusion ? { confusion: l.confusion } : {}),
    };
  });
  return {
    schema: 2,
    tool: 'segloss compare',
    command: context.command,
    createdAt: context.createdAt,
    settings: context.settings,
    verdict: { ...verdict, tiedWithBest: [...verdict.tiedWithBest] },
    best: verdict.best,
    statistics: { aggregation: stats.aggregation, repeats: stats.repeats, images: stats.images, replicates: stats.replicates, seed: stats.seed },
    baselines: { ...(context.baselines ?? {}), ...(stats.baseline ? { [stats.baseline.name]: stats.baseline.scores } : {}) },
    losses,
  };
}
