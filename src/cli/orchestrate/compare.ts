/**
 * `segloss compare` in pipeline order: check the output folder → load and split the data →
 * train one run per loss (same initial weights, same batches) → score and predict samples →
 * build the report data → render → write the folder atomically. Returns the report's path.
 */
import type { Env } from '../env.js';
import type { ComparePlan } from '../options/plan.js';
import { predictLabels, toTensors } from '../pipeline/evaluate.js';
import { allForeground } from '../pipeline/score.js';
import { trainRun } from '../pipeline/trainRun.js';
import { resultsCsv } from '../report/csv.js';
import type { LossResult, Overlay, Results } from '../report/data.js';
import { renderHtml } from '../report/html.js';
import { formatSeconds, scoreLine } from '../report/text.js';
import { loadData } from './loadData.js';
import { runSettings, shapeOf } from './runSettings.js';

/** Runs the comparison; `command` is recorded in the results. Returns the path of index.html. */
export async function compare(env: Env, plan: ComparePlan, command: string): Promise<string> {
  env.files.checkOutFolder(plan.out, 'results.json');
  const data = await loadData(env, plan.data);
  const progress = env.progress(plan.quiet);
  const { tf, backend } = await env.loadTf(plan.backend);
  const n = plan.losses.length;
  progress.log(
    `segloss compare: ${n} losses, ${data.train.samples.length} training / ${data.val.samples.length} held-out images ${data.size}×${data.size}, ${plan.training.epochs} epochs, backend ${backend}`,
  );
  const train = toTensors(tf, data.train);
  const val = toTensors(tf, data.val);
  const results: LossResult[] = [];
  const overlays: Overlay[] = data.val.samples.slice(0, plan.samples).map((s) => ({ name: s.name, image: s.image, truth: s.mask, predictions: {} }));
  try {
    plan.losses.forEach(({ spec, loss }, i) => {
      const r = trainRun(tf, { label: `[${i + 1}/${n}] ${spec.label}`, loss, train, val, settings: plan.training, shape: shapeOf(data), progress });
      predictLabels(tf, r.model, val.x, data.label.mode, plan.samples).forEach((p, k) => (overlays[k].predictions[spec.label] = p));
      r.model.dispose();
      results.push({ loss: spec.name, label: spec.label, options: spec.options, ...r.scores, seconds: r.seconds, history: r.history });
      progress.log(`${spec.label.padEnd(28)} ${scoreLine(r.scores, 3)}  (${formatSeconds(r.seconds)})`);
    });
  } finally {
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
  const best = results.reduce((a, b) => (b.dice > a.dice ? b : a)).label;
  const report: Results = {
    tool: 'segloss compare',
    command,
    createdAt: env.now().toISOString(),
    settings: { ...runSettings(data, plan.training, backend, tf), losses: plan.losses.map((l) => l.spec.label) },
    best,
    baselines: data.label.mode === 'binary' ? { 'all foreground': allForeground(data.val) } : {},
    losses: results,
  };
  const view = { size: data.size, channels: data.train.channels, mode: data.label.mode, pngDataUri: env.images.pngDataUri };
  const files = { 'index.html': renderHtml(report, overlays, view), 'results.json': `${JSON.stringify(report, null, 2)}\n`, 'results.csv': resultsCsv(report) };
  const path = env.files.writeFolder(plan.out, files, 'results.json');
  progress.log(`best held-out Dice: ${best}`);
  return env.files.join(path, 'index.html');
}
