/**
 * The self-contained `index.html` of `segloss compare`: the verdict in one sentence, the
 * metrics table with intervals (and error bars beside it), the per-image scatter of the top two,
 * per-class tables and confusion matrices (multiclass), training curves, sample overlays and
 * settings; inline SVG and PNG data URIs, no scripts, opens offline. Pure: the PNG encoding is
 * passed in.
 */
import type { RawImage, TaskMode } from '../pipeline/types.js';
import { esc, intervalChart, lineChart, scatterChart } from './charts.js';
import type { LossResult, Overlay, Results } from './data.js';
import { classDetails, classIouTable, classLegend, f3 } from './htmlClasses.js';
import { overlayRgb, type OverlayLabels } from './overlays.js';
import { verdictSentence, withInterval } from './text.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** How the sample images are shown: their channels, the task, and a PNG encoder. */
export interface ReportView {
  channels: number;
  mode: TaskMode;
  /** An 8-bit image as a `data:image/png;base64,...` URI (from the environment). */
  pngDataUri(image: RawImage): string;
}

const color = (i: number) => COLORS[i % COLORS.length];

const CSS = `body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1480px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.best{font-weight:700;background:#e8f5e9}
tr.winner td:first-child{font-weight:700}tr.baseline td{color:#777}
.chart{max-width:100%;height:auto;background:#fff}.chart .title{font-weight:600;font-size:14px}.chart .tick,.chart .legend{font-size:11px;fill:#444}
.chart .label{font-size:12px;fill:#333}.chart .grid{stroke:#eee}.chart .axis{stroke:#888}
.charts{display:flex;flex-wrap:wrap;gap:12px}.overlays img{image-rendering:pixelated;display:block}.overlays td{padding:3px}
.note{color:#555;font-size:.9rem}code{font-size:.92em}
.verdict{font-size:1.1rem;padding:.6rem .9rem;background:#f4f8fb;border-left:4px solid #1f77b4}
.side{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}.ci{color:#666;font-size:.8em;white-space:nowrap}
table.metrics{font-size:.92rem}table.metrics td,table.metrics th{padding:.3rem .45rem}
.collapsed{color:#b00;font-weight:600}.tied{color:#555}tr.collapsed-row td{background:#fff4f4}
table.confusion td{min-width:2.6rem;text-align:center}table.confusion td.diag{outline:1px solid #1f77b4}
.swatch{white-space:nowrap;margin-right:.6rem}.swatch i{display:inline-block;width:.9em;height:.9em;margin-right:.25em;vertical-align:-.1em;border:1px solid #888}
details{margin:.4rem 0}summary{cursor:pointer}`;

type Key = 'dice' | 'iou' | 'precision' | 'recall';

/** The losses by the verdict's score, best first. */
function ranked(results: Results): LossResult[] {
  const key = results.verdict.metric;
  const v = (l: LossResult) => (Number.isFinite(l[key]) ? l[key] : -Infinity);
  return [...results.losses].sort((a, b) => v(b) - v(a));
}

/** True when the best loss is separated from every other (the only case that earns a star). */
const separable = (results: Results) => results.losses.length > 1 && results.verdict.tiedWithBest.length === 0;

/** A loss's standing in words: best (★ when separable), tied with best, or behind; collapse marked. */
function standing(l: LossResult, results: Results): string {
  const best = l.label === results.verdict.best;
  const words = best ? (separable(results) ? '★ best' : 'best') : l.tiedWithBest ? '<span class="tied">tied with best</span>' : 'behind';
  const runs = l.runs.length;
  const collapse = l.collapsed
    ? ` <span class="collapsed" title="${esc(l.runs.map((r) => r.collapseReason).filter(Boolean).join('; '))}">⚠ collapsed${runs > 1 ? ` (${l.collapsedRuns}/${runs} runs)` : ''}</span>`
    : l.collapsedRuns > 0
      ? ` <span class="collapsed">${l.collapsedRuns}/${runs} runs collapsed</span>`
      : '';
  return `${words}${collapse}`;
}

/** The metrics table's rows: losses by the verdict's score (each column's best bold), then the baselines. */
function metricRows(results: Results, surface: { hd: boolean; nsd: boolean }): string {
  const losses = results.losses;
  // a collapsed loss's precision can be 1 (the few pixels it predicts are right): it is not bolded
  const bestOf = (key: Key) => Math.max(...losses.filter((l) => !l.collapsed).map((l) => l[key]).filter(Number.isFinite));
  const cell = (l: LossResult, key: Key, ci?: [number, number] | null) => {
    const best = !l.collapsed && l[key] === bestOf(key);
    const text = ci === undefined ? f3(l[key]) : `${f3(l[key])} <span class="ci">${withInterval(l[key], ci, 3).replace(/^\S+ /, '')}</span>`;
    return `<td class="num${best ? ' best' : ''}">${text}</td>`;
  };
  const extra = (l: LossResult) =>
    `${surface.hd ? `<td class="num">${l.hd95 === undefined ? '' : f3(l.hd95)}</td>` : ''}${surface.nsd ? `<td class="num">${l.nsd === undefined ? '' : f3(l.nsd)}</td>` : ''}`;
  const diff = (l: LossResult) => (l.label === results.verdict.best ? '<td class="num">—</td>' : `<td class="num">${f3(l.difference)} <span class="ci">${withInterval(l.difference, l.differenceCI, 3).replace(/^\S+ /, '')}</span></td>`);
  const tableRows = ranked(results)
    .map((l) => {
      const cls = [l.label === results.verdict.best ? 'winner' : '', l.collapsed ? 'collapsed-row' : ''].filter(Boolean).join(' ');
      return `<tr${cls ? ` class="${cls}"` : ''}><td><code>${esc(l.label)}</code></td><td>${standing(l, results)}</td>${cell(l, 'dice', l.diceCI)}${cell(l, 'iou', l.iouCI)}${cell(l, 'precision')}${cell(l, 'recall')}${extra(l)}${diff(l)}<td class="num">${(100 * l.pBest).toFixed(0)}%</td><td class="num">${l.runs.length}</td><td class="num">${l.history.length}</td><td class="num">${l.seconds.toFixed(1)}</td></tr>`;
    })
    .join('');
  const blanks = 1 + (surface.hd ? 1 : 0) + (surface.nsd ? 1 : 0) + 4;
  const baselineRows = Object.entries(results.baselines)
    .map(([name, s]) => `<tr class="baseline"><td><em>${esc(name)}</em></td><td>trivial baseline</td><td class="num">${f3(s.dice)}</td><td class="num">${f3(s.iou)}</td><td class="num">${f3(s.precision)}</td><td class="num">${f3(s.recall)}</td>${'<td></td>'.repeat(blanks)}</tr>`)
    .join('');
  return `${tableRows}${baselineRows}`;
}

/** The metrics table with its error-bar chart beside it. */
function metricsSection(results: Results): string {
  const key = results.verdict.metric;
  const score = key === 'dice' ? 'Dice' : 'mIoU';
  const surface = { hd: results.losses.some((l) => l.hd95 !== undefined), nsd: results.losses.some((l) => l.nsd !== undefined) };
  const level = `${Math.round(results.verdict.confidence * 100)}%`;
  const head = `<tr><th>loss</th><th>verdict</th><th>Dice [${level}]</th><th>${key === 'iou' ? 'mIoU' : 'IoU'} [${level}]</th><th>precision</th><th>recall</th>${surface.hd ? '<th>HD95 (px)</th>' : ''}${surface.nsd ? '<th>NSD</th>' : ''}<th>${score} − best [${level}]</th><th>P(best)</th><th>runs</th><th>epochs</th><th>seconds</th></tr>`;
  const order = ranked(results);
  const colorOf = (l: LossResult) => color(results.losses.indexOf(l));
  const baseline = Object.entries(results.baselines)[0];
  const chart = intervalChart(
    `Held-out ${score} with ${level} intervals`,
    order.map((l) => ({ name: l.label, value: l[key], ci: key === 'dice' ? l.diceCI : l.iouCI, color: colorOf(l), ...(l.collapsed ? { note: 'collapsed' } : {}) })),
    { xLabel: `held-out ${score}`, width: 360, ...(baseline ? { reference: { value: baseline[1][key], name: baseline[0] } } : {}) },
  );
  return `<div class="side"><table class="metrics"><thead>${head}</thead><tbody>${metricRows(results, surface)}</tbody></table>${chart}</div>`;
}

/** Per-image scores of the top two losses against each other (points above the diagonal favour the second). */
function scatterSection(results: Results): string {
  const [a, b] = ranked(results);
  if (!b) return '';
  const key = results.verdict.metric;
  const score = key === 'dice' ? 'Dice' : 'mIoU';
  const points = a.perImage.map((p, i) => ({ x: p[key], y: b.perImage[i]?.[key] ?? NaN, name: p.image }));
  const above = points.filter((p) => p.y > p.x).length;
  const below = points.filter((p) => p.y < p.x).length;
  return `<h2 id="per-image">Per-image ${score}: the top two</h2><div class="charts">${scatterChart(`Per-image ${score}`, points, { xLabel: a.label, yLabel: b.label })}</div><p class="note">One point per held-out image (mean over runs). <code>${esc(b.label)}</code> scores higher on ${above} image${above === 1 ? '' : 's'}, <code>${esc(a.label)}</code> on ${below}; points on the dashed diagonal are equal. Every score per image is in <code>results.csv</code>.</p>`;
}

/** Held-out Dice per epoch for every loss (baselines dashed), as one chart. */
function diceChart(results: Results): string {
  const losses = results.losses;
  const epochs = Math.max(1, ...losses.map((l) => l.history.length));
  const baselineSeries = Object.entries(results.baselines).map(([name, s]) => ({
    name,
    color: '#999',
    dashed: true,
    points: [[1, s.dice], [epochs, s.dice]] as [number, number][],
  }));
  return lineChart(
    'Validation Dice per epoch',
    [
      ...losses.map((l, i) => ({ name: l.label, color: color(i), points: l.history.map((h) => [h.epoch, h.valDice] as [number, number]) })),
      ...baselineSeries,
    ],
    { xLabel: 'epoch', yLabel: 'validation Dice', yRange: [0, 1] },
  );
}

/** Training and held-out loss per epoch, one small chart per loss. */
function lossCharts(results: Results): string {
  return results.losses
    .map((l, i) =>
      lineChart(
        l.label,
        [
          { name: 'train', color: color(i), points: l.history.map((h) => [h.epoch, h.loss] as [number, number]) },
          { name: 'validation', color: color(i), dashed: true, points: l.history.map((h) => [h.epoch, h.valLoss] as [number, number]) },
        ],
        { xLabel: 'epoch', yLabel: 'loss', width: 360, height: 220 },
      ),
    )
    .join('');
}

/** The sample table: one column per held-out image; rows image, truth, then each loss's prediction. */
function sampleTable(results: Results, overlays: Overlay[], view: ReportView): string {
  const uri = (o: Overlay, labels: Omit<OverlayLabels, 'mode'>) =>
    view.pngDataUri(overlayRgb(o.image, o.width, o.height, view.channels, { ...labels, mode: view.mode }));
  // small images shown at twice their size (pixelated), at least 128 pixels on the longer side
  const zoom = (o: Overlay) => Math.max(1, Math.min(2, 256 / Math.max(o.width, o.height)), 128 / Math.max(o.width, o.height));
  const img = (o: Overlay, uri: string, alt: string) =>
    `<img src="${uri}" alt="${esc(alt)}" width="${Math.round(o.width * zoom(o))}" height="${Math.round(o.height * zoom(o))}">`;
  const overlayHead = `<tr><th></th>${overlays.map((o) => `<th>${esc(o.name)}</th>`).join('')}</tr>`;
  const overlayRows = [
    `<tr><th>image</th>${overlays.map((o) => `<td>${img(o, uri(o, {}), `${o.name} image`)}</td>`).join('')}</tr>`,
    `<tr><th>ground truth</th>${overlays.map((o) => `<td>${img(o, uri(o, { labels: o.truth }), `${o.name} ground truth`)}</td>`).join('')}</tr>`,
    ...results.losses.map(
      (l) =>
        `<tr><th><code>${esc(l.label)}</code></th>${overlays.map((o) => `<td>${img(o, uri(o, { labels: o.predictions[l.label], truth: o.truth }), `${o.name} ${l.label}`)}</td>`).join('')}</tr>`,
    ),
  ].join('');
  return `${overlayHead}${overlayRows}`;
}

function settingRows(results: Results): string {
  return Object.entries(results.settings)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('');
}

/** Renders the self-contained `index.html`. */
export function renderHtml(results: Results, overlays: Overlay[], view: ReportView): string {
  const multiclass = view.mode === 'multiclass';
  const legend = multiclass
    ? classLegend(results.settings.classes, results.settings.classNames)
    : '<p class="note">Ground truth in yellow. Predictions: <span style="color:#0a0">■ true positive</span> <span style="color:#f22">■ false positive</span> <span style="color:#36f">■ false negative</span>; ignored pixels dimmed.</p>';
  const classes = multiclass
    ? `<h2 id="classes">Per class</h2>${classIouTable(ranked(results))}<p class="note">IoU per class from the confusion summed over runs and held-out images; mIoU averages the classes present in the truth. A class never predicted has precision “—” (undefined), not 1. Hover a cell for precision and recall.</p>${classDetails(ranked(results), results.verdict.best)}<p class="note">Confusion matrices: rows are the truth, columns the prediction, each row normalised to 100%; hover a cell for its pixel count.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segloss report: which loss for this data?</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
${CSS}
</style></head><body>
<h1>segloss report</h1>
${results.incomplete ? `<p class="verdict"><strong>Incomplete:</strong> interrupted after ${results.incomplete.runsDone} of ${results.incomplete.runsPlanned} runs; run the same command with --resume to finish.</p>\n` : ''}<p class="verdict">${esc(verdictSentence(results))}</p>
<p>Every loss trained the same U-Net from the same initial weights on the same patches (run k of every loss shares seed and batch order), at resolution <strong>${esc(results.settings.resolution)}</strong>; scores are on whole held-out images, predicted by sliding window and scored at their masks' own size (threshold 0.5${multiclass ? ', argmax; mean over the classes present in the truth' : ', foreground class'}), pooled over images and runs.</p>
<h2 id="metrics">Held-out metrics</h2>
${metricsSection(results)}
<p class="note">Intervals: ${esc(results.verdict.method)}. ★ marks a best loss that the data separate from every other; “tied with best” means the data cannot tell it from the best. P(best): share of bootstrap replicates in which the loss scores highest. ⚠ collapsed: most runs predict (nearly) one label, or score within noise of the trivial baseline (hover for the reason). Bold: each column's highest value. Created ${esc(results.createdAt)} by <code>${esc(results.command)}</code>.</p>
${scatterSection(results)}
${classes}
<h2 id="curves">Training curves</h2>
<div class="charts">${diceChart(results)}</div>
<div class="charts">${lossCharts(results)}</div>
<p class="note">Loss curves: solid = training (mean over the epoch's batches), dashed = held-out images${results.losses.some((l) => l.runs.length > 1) ? '; each point the mean over runs' : ''}. Each loss has its own scale.</p>
<h2 id="samples">Sample predictions (held-out images)</h2>
${legend}
<div class="overlays"><table>${sampleTable(results, overlays, view)}</table></div>
<h2 id="settings">Settings</h2>
<table class="settings">${settingRows(results)}</table>
</body></html>
`;
}
