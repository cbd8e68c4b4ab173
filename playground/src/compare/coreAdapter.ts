/**
 * ⚠ TEMPORARY ADAPTER — the one file the lead replaces when the `runs` and `stats` branches merge.
 *
 * The browser compare is written against the core's contract (src/cli/pipeline/runRecord.ts):
 * `runOne(tf, data, plan, task) → RunRecord` for one training run (runs branch) and the results /
 * report built from the records (stats branch: `buildResults(records, ...)`, src/cli/report/*).
 * Until those exist, this file wraps today's core with no maths of its own:
 * - {@link runOne}: `trainRun` + `evaluate` (as orchestrate/compare.ts uses them), the task's seed
 *   as the run's seed; per-image scores by the core's scorer (`createScorer`) on each held-out
 *   image's predicted labels. No per-class scores or confusion matrix yet.
 * - {@link compareTasks}: every loss × `repeats`, seed = plan seed + repeat (runs' `--repeats`).
 * - {@link buildReport}: today's `Results` / `renderHtml` / `resultsCsv`, each loss's scores the
 *   mean over its repeats, plus a `verdict` that only names the highest mean Dice: no intervals
 *   and no ties until the stats branch (its `method` says so).
 */
import type { Env } from '../../../src/cli/env';
import type { ComparePlan } from '../../../src/cli/options/plan';
import type { LoadedData } from '../../../src/cli/orchestrate/loadData';
import { overlayOf, shownLabels } from '../../../src/cli/orchestrate/overlay';
import { OVERLAP, runSettings, shapeOf } from '../../../src/cli/orchestrate/runSettings';
import { evaluate } from '../../../src/cli/pipeline/evaluate';
import type { ImageScores, RunRecord, RunTask } from '../../../src/cli/pipeline/runRecord';
import { allForeground, createScorer } from '../../../src/cli/pipeline/score';
import { trainRun } from '../../../src/cli/pipeline/trainRun';
import type { ProgressSink, Sample, Scores, TaskMode, Tf } from '../../../src/cli/pipeline/types';
import { resultsCsv } from '../../../src/cli/report/csv';
import type { LossResult, Results } from '../../../src/cli/report/data';
import { renderHtml } from '../../../src/cli/report/html';

/** What `results.json` holds on top of today's `Results` (schema v2's `verdict`, each loss's runs). */
export interface BrowserResults extends Results {
  verdict: { best: string; tiedWithBest: string[]; method: string };
  losses: (LossResult & { runs: { seed: number; dice: number; iou: number; precision: number; recall: number; seconds: number }[]; perImage: ImageScores[] })[];
}

/** The runs of a compare: every loss × `repeats`, run k of every loss with seed `seed + k` (a paired design). */
export function compareTasks(plan: ComparePlan, repeats: number): RunTask[] {
  const tasks: RunTask[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    plan.losses.forEach((_, loss) => tasks.push({ loss, repeat, seed: plan.training.seed + repeat }));
  }
  return tasks;
}

/** The scores of one predicted label map against its truth, by the core's scorer (labels as ±10 logits / one-hot). */
function imageScores(tf: Tf, truth: Sample, labels: Int32Array, mode: TaskMode, classes: number): ImageScores {
  const scorer = createScorer(mode);
  tf.tidy(() => {
    const yTrue = tf.tensor4d(Float32Array.from(truth.labels), [1, truth.height, truth.width, 1]);
    const logits =
      mode === 'binary'
        ? tf.tensor4d(Float32Array.from(labels, (l) => (l === 1 ? 10 : -10)), [1, truth.height, truth.width, 1])
        : tf.oneHot(tf.tensor1d(labels, 'int32'), classes).reshape([1, truth.height, truth.width, classes]).mul(10);
    scorer.update(yTrue, logits);
  });
  return { image: truth.name, ...scorer.result() };
}

/**
 * One training run of `plan` on `data` (the contract's `runOne`), its progress to `progress`.
 * Scores the last epoch; keeps the predictions of the first `plan.samples` held-out images (all
 * of them with `savePredictions`).
 */
export function runOne(tf: Tf, data: LoadedData, plan: ComparePlan, task: RunTask, progress: ProgressSink): RunRecord {
  const { spec, loss } = plan.losses[task.loss];
  const settings = { ...plan.training, seed: task.seed };
  const { mode } = data.label;
  const keep = plan.savePredictions ? data.heldOut.length : plan.samples;
  let epoch = 0;
  let perImage: ImageScores[] = [];
  let predictions: Int32Array[] = [];
  const r = trainRun(tf, {
    label: spec.label,
    loss,
    train: data.trainInput,
    patches: { patch: data.patch, augment: data.augment },
    validate(model, l) {
      const last = ++epoch === settings.epochs;
      const ev = evaluate(tf, model, data.heldOut, { mode, window: data.patch, overlap: OVERLAP, loss: l, keep: last ? data.heldOut.length : 0 });
      if (last) {
        perImage = ev.predictions.map((p, i) => imageScores(tf, data.heldOut[i].truth, p, mode, data.train.classes));
        predictions = ev.predictions.slice(0, keep);
      }
      return ev;
    },
    settings,
    shape: shapeOf(data),
    progress,
  });
  r.model.dispose();
  return { task, label: spec.label, loss: spec.name, scores: r.scores, perImage, history: r.history, seconds: r.seconds, steps: r.steps, predictions };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The mean of each score over `scores` (one per run). */
function meanScores(scores: readonly Scores[]): Scores {
  return { dice: mean(scores.map((s) => s.dice)), iou: mean(scores.map((s) => s.iou)), precision: mean(scores.map((s) => s.precision)), recall: mean(scores.map((s) => s.recall)) };
}

/** Per image: the mean over the runs of each score. */
function meanPerImage(records: readonly RunRecord[]): ImageScores[] {
  return records[0].perImage.map((first, i) => ({ image: first.image, ...meanScores(records.map((r) => r.perImage[i])) }));
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

/** `results.json`, `results.csv` and `index.html` of the records (see the module comment). */
export async function buildReport(inputs: ReportInputs): Promise<{ results: BrowserResults; files: Record<string, string> }> {
  const { tf, env, data, plan, records, backend, command, extra } = inputs;
  const { mode } = data.label;
  const encoder = await env.images.pngEncoder();
  const overlays = data.val.samples.slice(0, plan.samples).map((s) => overlayOf(s));
  const losses: BrowserResults['losses'] = plan.losses.map(({ spec }, i) => {
    const runs = records.filter((r) => r.task.loss === i).sort((a, b) => a.task.repeat - b.task.repeat);
    runs[0].predictions.slice(0, plan.samples).forEach((p, k) => (overlays[k].predictions[spec.label] = shownLabels(data.val.samples[k], p)));
    return {
      loss: spec.name,
      label: spec.label,
      options: spec.options,
      ...meanScores(runs.map((r) => r.scores)),
      seconds: runs.reduce((s, r) => s + r.seconds, 0),
      history: runs[0].history,
      runs: runs.map((r) => ({ seed: r.task.seed, ...r.scores, seconds: r.seconds })),
      perImage: meanPerImage(runs),
    };
  });
  const best = losses.reduce((a, b) => (b.dice > a.dice ? b : a)).label;
  const results: BrowserResults = {
    tool: 'segloss compare (browser)',
    command,
    createdAt: env.now().toISOString(),
    settings: { ...runSettings(data, plan.training, records[0].steps, backend, tf), losses: plan.losses.map((l) => l.spec.label) },
    best,
    verdict: { best, tiedWithBest: [], method: 'highest mean held-out Dice over the repeats (no intervals or ties yet: temporary adapter until the statistics land)' },
    baselines: mode === 'binary' ? { 'all foreground': allForeground(data.val) } : {},
    losses,
    ...extra,
  };
  const html = renderHtml(results, overlays, { channels: data.train.channels, mode, pngDataUri: encoder.dataUri });
  return { results, files: { 'index.html': html, 'results.json': `${JSON.stringify(results, null, 2)}\n`, 'results.csv': resultsCsv(results) } };
}
