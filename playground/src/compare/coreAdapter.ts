/**
 * The page's one door to the compare core: the same functions `segloss compare` runs, so the
 * browser adds no training, scoring, statistics or report code of its own (test/cli/layering.test.ts
 * allows only this file to reach those stages).
 * - {@link runOne}: one run (src/cli/orchestrate/runOne.ts), the worker's progress as its hooks.
 * - {@link planTasks}: every loss × `--repeats`, run k of every loss with seed `seed + k`.
 * - {@link buildReport}: results.json v2 (verdict with ties, intervals, per-class scores),
 *   results.csv, summary.csv and index.html, by src/cli/orchestrate/compareReport.ts.
 */
import type { Env } from '../../../src/cli/env';
import type { ComparePlan } from '../../../src/cli/options/plan';
import { compareReport } from '../../../src/cli/orchestrate/compareReport';
import type { LoadedData } from '../../../src/cli/orchestrate/loadData';
import { runOne as coreRunOne } from '../../../src/cli/orchestrate/runOne';
import type { RunRecord, RunTask } from '../../../src/cli/pipeline/runRecord';
import type { ProgressSink, Tf } from '../../../src/cli/pipeline/types';
import type { Results } from '../../../src/cli/report/data';

export { planTasks } from '../../../src/cli/orchestrate/runOne';
export { verdictSentence } from '../../../src/cli/report/text';

/** `results.json` as the page writes it: the CLI's, plus the browser's environment. */
export type BrowserResults = Results & { browser?: Record<string, unknown> };

/** One training run of `plan` on `data`, its progress to `progress`. */
export function runOne(tf: Tf, data: LoadedData, plan: ComparePlan, task: RunTask, progress: ProgressSink): Promise<RunRecord> {
  return coreRunOne(tf, data, plan, task, { progress });
}

/** Inputs of {@link buildReport}: the finished records and what the page knows about the run. */
export interface ReportInputs {
  tf: Tf;
  env: Env;
  data: LoadedData;
  plan: ComparePlan;
  records: readonly RunRecord[];
  /** The backend as recorded in the settings, e.g. `wasm (threaded SIMD, 2 threads)`. */
  backend: string;
  command: string;
  /** Extra top-level fields of results.json (the browser's environment). */
  extra: Record<string, unknown>;
}

/** The report files of the records (in task order) and the results they hold. */
export async function buildReport(inputs: ReportInputs): Promise<{ results: BrowserResults; files: Record<string, string | Uint8Array> }> {
  const { tf, env, data, plan, records, backend, command, extra } = inputs;
  const encoder = await env.images.pngEncoder();
  const { report, files } = await compareReport(env, plan, data, records, { command, backend, tf, encoder, extra });
  return { results: report, files };
}
