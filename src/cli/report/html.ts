/**
 * The self-contained `index.html` of `segloss compare`: metrics table, training curves, sample
 * overlays and settings; inline SVG and PNG data URIs, no scripts, opens offline. Pure: the
 * PNG encoding is passed in.
 */
import type { RawImage, Scores, TaskMode } from '../pipeline/types.js';
import { esc, lineChart } from './charts.js';
import type { LossResult, Overlay, Results } from './data.js';
import { overlayRgb, type OverlayLabels } from './overlays.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** How the sample images are shown: their channels, the task, and a PNG encoder. */
export interface ReportView {
  channels: number;
  mode: TaskMode;
  /** An 8-bit image as a `data:image/png;base64,...` URI (from the environment). */
  pngDataUri(image: RawImage): string;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
const color = (i: number) => COLORS[i % COLORS.length];

const CSS = `body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.best{font-weight:700;background:#e8f5e9}
tr.winner td:first-child{font-weight:700}tr.baseline td{color:#777}
.chart{max-width:100%;height:auto;background:#fff}.chart .title{font-weight:600;font-size:14px}.chart .tick,.chart .legend{font-size:11px;fill:#444}
.chart .label{font-size:12px;fill:#333}.chart .grid{stroke:#eee}.chart .axis{stroke:#888}
.charts{display:flex;flex-wrap:wrap;gap:12px}.overlays img{image-rendering:pixelated;display:block}.overlays td{padding:3px}
.note{color:#555;font-size:.9rem}code{font-size:.92em}`;

/** The metrics table's rows: losses by held-out Dice (the best of each column bold, the winner starred), then the baselines. */
function metricRows(results: Results): string {
  const losses = results.losses;
  const bestOf = (key: keyof Scores) => Math.max(...losses.map((l) => l[key]));
  const cell = (l: LossResult, key: keyof Scores) => {
    const best = l[key] === bestOf(key);
    return `<td class="num${best ? ' best' : ''}">${f3(l[key])}</td>`;
  };
  const sorted = [...losses].sort((a, b) => b.dice - a.dice);
  const tableRows = sorted
    .map(
      (l) =>
        `<tr${l.label === results.best ? ' class="winner"' : ''}><td>${l.label === results.best ? '★ ' : ''}<code>${esc(l.label)}</code></td>${cell(l, 'dice')}${cell(l, 'iou')}${cell(l, 'precision')}${cell(l, 'recall')}<td class="num">${l.history.length}</td><td class="num">${l.seconds.toFixed(1)}</td></tr>`,
    )
    .join('');
  const baselineRows = Object.entries(results.baselines)
    .map(([name, s]) => `<tr class="baseline"><td><em>${esc(name)}</em></td><td class="num">${f3(s.dice)}</td><td class="num">${f3(s.iou)}</td><td class="num">${f3(s.precision)}</td><td class="num">${f3(s.recall)}</td><td></td><td></td></tr>`)
    .join('');
  return `${tableRows}${baselineRows}`;
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
  const legend =
    view.mode === 'binary'
      ? '<p class="note">Ground truth in yellow. Predictions: <span style="color:#0a0">■ true positive</span> <span style="color:#f22">■ false positive</span> <span style="color:#36f">■ false negative</span>; ignored pixels dimmed.</p>'
      : '<p class="note">Each class other than 0 in its own colour; ignored pixels dimmed.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segloss report: which loss for this data?</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
${CSS}
</style></head><body>
<h1>segloss report</h1>
<p>Best held-out Dice: <strong><code>${esc(results.best)}</code></strong>. Every loss trained the same U-Net from the same initial weights on the same patches, at resolution <strong>${esc(results.settings.resolution)}</strong>; scores are on whole held-out images, predicted by sliding window and scored at their masks' own size (threshold 0.5${view.mode === 'multiclass' ? ', argmax; mean over classes' : ', foreground class'}).</p>
<h2 id="metrics">Validation metrics</h2>
<table class="metrics"><thead><tr><th>loss</th><th>Dice</th><th>IoU</th><th>precision</th><th>recall</th><th>epochs</th><th>seconds</th></tr></thead><tbody>${metricRows(results)}</tbody></table>
<p class="note">★ and bold mark the best value of each column. Created ${esc(results.createdAt)} by <code>${esc(results.command)}</code>.</p>
<h2 id="curves">Training curves</h2>
<div class="charts">${diceChart(results)}</div>
<div class="charts">${lossCharts(results)}</div>
<p class="note">Loss curves: solid = training (mean over the epoch's batches), dashed = held-out images. Each loss has its own scale.</p>
<h2 id="samples">Sample predictions (held-out images)</h2>
${legend}
<div class="overlays"><table>${sampleTable(results, overlays, view)}</table></div>
<h2 id="settings">Settings</h2>
<table class="settings">${settingRows(results)}</table>
</body></html>
`;
}
