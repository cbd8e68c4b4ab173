/**
 * `segloss compare` in pipeline order: check the output folder → read and check the data (the
 * mask-value summary and any warning printed before training; a failed check writes nothing) →
 * train one run per loss on the same patches from the same initial weights → score each at the
 * masks' size (whole-image sliding-window inference) → build the report data → render → write
 * the folder atomically (with the predictions when asked). Returns the report's path.
 */
import type { Env } from '../env.js';
import type { ComparePlan } from '../options/plan.js';
import { evaluate } from '../pipeline/evaluate.js';
import type { RunRecord } from '../pipeline/runRecord.js';
import { scoreImage, sumMatrices } from '../pipeline/score.js';
import { compareStats } from '../pipeline/stats.js';
import { trainRun } from '../pipeline/trainRun.js';
import { buildResults } from '../report/buildResults.js';
import { resultsCsv, summaryCsv } from '../report/csv.js';
import type { Overlay } from '../report/data.js';
import { renderHtml } from '../report/html.js';
import { predictionFiles } from '../report/predictions.js';
import { formatSeconds, lossLine, scoreLine, verdictSentence } from '../report/text.js';
import { announce, dataLine } from './announce.js';
import { loadData } from './loadData.js';
import { overlayOf, shownLabels } from './overlay.js';
import { OVERLAP, runSettings, shapeOf } from './runSettings.js';

/** Runs the comparison; `command` is recorded in the results. Returns the path of index.html. */
export async function compare(env: Env, plan: ComparePlan, command: string): Promise<string> {
  env.files.checkOutFolder(plan.out, 'results.json');
  const progress = env.progress(plan.quiet);
  const data = await loadData(env, plan.data, 2 ** plan.training.depth);
  announce(progress, 'segloss compare', data);
  const encoder = await env.images.pngEncoder();
  const { tf, backend } = await env.loadTf(plan.backend);
  const n = plan.losses.length;
  progress.log(`segloss compare: ${n} losses, ${dataLine(data)}, ${plan.training.epochs} epochs, backend ${backend}`);
  const { mode } = data.label;
  const window = data.patch;
  const records: RunRecord[] = [];
  const overlays: Overlay[] = data.val.samples.slice(0, plan.samples).map((s) => overlayOf(s));
  const files: Record<string, string | Uint8Array> = {};
  let steps = 0;
  plan.losses.forEach(({ spec, loss }, i) => {
    let predictions: Int32Array[] = []; // the last validation's
    const r = trainRun(tf, {
      label: `[${i + 1}/${n}] ${spec.label}`,
      loss,
      train: data.trainInput,
      patches: { patch: data.patch, augment: data.augment },
      validate(model, l) {
        const ev = evaluate(tf, model, data.heldOut, { mode, window, overlap: OVERLAP, loss: l, keep: data.heldOut.length });
        predictions = ev.predictions;
        return ev;
      },
      settings: plan.training,
      shape: shapeOf(data),
      progress,
    });
    steps = r.steps;
    r.model.dispose();
    predictions.slice(0, plan.samples).forEach((p, k) => (overlays[k].predictions[spec.label] = shownLabels(data.val.samples[k], p)));
    if (plan.savePredictions) Object.assign(files, predictionFiles(spec.label, data.val.samples, predictions, mode, encoder.png));
    // one run per loss (repeat 0) until the runs engineer's --repeats: per-image scores from the kept label maps
    const scored = data.heldOut.map(({ truth }, k) => scoreImage(truth.name, truth.labels, predictions[k], mode, data.train.classes));
    const task = { loss: i, repeat: 0, seed: plan.training.seed };
    const perImage = scored.map((s) => s.scores);
    const confusion = mode === 'multiclass' ? sumMatrices(scored.map((s) => s.confusion)) : undefined;
    records.push({ task, label: spec.label, loss: spec.name, scores: r.scores, perImage, ...(confusion ? { confusion } : {}), history: r.history, seconds: r.seconds, steps: r.steps, predictions: predictions.slice(0, plan.samples) });
    progress.log(`${spec.label.padEnd(28)} ${scoreLine(r.scores, 3)}  (${formatSeconds(r.seconds)})`);
  });
  const stats = compareStats(records, { mode, classNames: data.classNames });
  const report = buildResults(stats, records, {
    command,
    createdAt: env.now().toISOString(),
    settings: { ...runSettings(data, plan.training, steps, backend, tf), losses: plan.losses.map((l) => l.spec.label) },
    options: Object.fromEntries(plan.losses.map((l) => [l.spec.label, l.spec.options])),
  });
  const view = { channels: data.train.channels, mode, pngDataUri: encoder.dataUri };
  files['index.html'] = renderHtml(report, overlays, view);
  files['results.json'] = `${JSON.stringify(report, null, 2)}\n`;
  files['results.csv'] = resultsCsv(report);
  files['summary.csv'] = summaryCsv(report);
  const path = env.files.writeFolder(plan.out, files, 'results.json');
  for (const l of report.losses) progress.log(lossLine(l, report.verdict.best));
  progress.log(verdictSentence(report));
  return env.files.join(path, 'index.html');
}
