/**
 * The report of a compare from its run records, as files: `results.json` (schema v2, the
 * statistics' verdict and intervals), `results.csv` (per image), `summary.csv` (per loss),
 * `index.html` and, with `--save-predictions`, every run's predicted masks. Portable: the CLI
 * writes the files into `--out`, the browser page offers them for download.
 */
import type { Env } from '../env.js';
import type { ComparePlan } from '../options/plan.js';
import type { RunRecord } from '../pipeline/runRecord.js';
import { compareStats } from '../pipeline/stats.js';
import type { Tf } from '../pipeline/types.js';
import { buildResults } from '../report/buildResults.js';
import { resultsCsv, summaryCsv } from '../report/csv.js';
import type { Overlay, Results } from '../report/data.js';
import { renderHtml } from '../report/html.js';
import { predictionFiles } from '../report/predictions.js';
import type { LoadedData } from './loadData.js';
import { overlayOf, shownLabels } from './overlay.js';
import { runSettings } from './runSettings.js';

/** What the records do not say: provenance and where the runs ran. */
export interface ReportContext {
  command: string;
  /** The backend as recorded in the settings. */
  backend: string;
  tf: Tf;
  encoder: Awaited<ReturnType<Env['images']['pngEncoder']>>;
  /** The number of runs planned, when the compare was interrupted. */
  incomplete?: number;
  /** Extra top-level fields of results.json (the browser page records its environment). */
  extra?: Record<string, unknown>;
}

/** The report files of `records` (in task order), and the results they hold. */
export async function compareReport(env: Env, plan: ComparePlan, data: LoadedData, records: readonly RunRecord[], c: ReportContext): Promise<{ report: Results; files: Record<string, string | Uint8Array> }> {
  const { mode } = data.label;
  const steps = records[0].steps;
  // Under --budget the epochs differ by run: the first run's count here, each run's in its `runs` entry.
  const training = plan.training.budget !== undefined ? { ...plan.training, epochs: records[0].history.length } : plan.training;
  const settings = {
    ...runSettings(data, training, steps, c.backend, c.tf),
    losses: plan.losses.map((l) => l.spec.label),
    repeats: plan.repeats,
    ...(plan.training.budget !== undefined ? { budgetMinutes: plan.training.budget } : {}),
  };
  const stats = compareStats(records, { mode, classNames: data.classNames });
  const report: Results = {
    ...buildResults(stats, records, {
      command: c.command,
      createdAt: env.now().toISOString(),
      settings,
      options: Object.fromEntries(plan.losses.map((l) => [l.spec.label, l.spec.options])),
    }),
    ...(c.incomplete !== undefined ? { incomplete: { runsDone: records.length, runsPlanned: c.incomplete } } : {}),
    ...(c.extra ?? {}),
  };
  const files: Record<string, string | Uint8Array> = {};
  const shown = data.val.infos.slice(0, plan.samples);
  const overlays: Overlay[] = [];
  for (let k = 0; k < shown.length; k++) overlays.push(overlayOf(await data.val.get(k))); // one image decoded at a time
  for (const r of records) {
    const first = records.find((o) => o.task.loss === r.task.loss) === r; // the lowest repeat of its loss
    if (first) r.predictions.slice(0, plan.samples).forEach((p, k) => (overlays[k].predictions[r.label] = shownLabels(shown[k], p)));
    if (plan.savePredictions) {
      const folder = r.task.repeat === 0 ? r.label : `${r.label}--r${r.task.repeat}`;
      Object.assign(files, predictionFiles(folder, data.val.infos, r.predictions, mode, c.encoder.png));
    }
  }
  const view = { channels: data.train.channels, mode, pngDataUri: c.encoder.dataUri };
  files['index.html'] = renderHtml(report, overlays, view);
  files['results.json'] = `${JSON.stringify(report, null, 2)}\n`;
  files['results.csv'] = resultsCsv(report);
  files['summary.csv'] = summaryCsv(report);
  return { report, files };
}
