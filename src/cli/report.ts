/// <reference types="node" />
/**
 * The report folder: `index.html` (self-contained: inline SVG plots and PNG data URIs, no
 * scripts or network), `results.json` and `results.csv`. Written to a temporary sibling folder
 * and renamed into place at the end, so an interrupted run leaves nothing half-written.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { encodePng } from './png.js';
import { CliError } from './errors.js';
import type { EpochRecord } from './train.js';
import type { Scores } from './metrics.js';

export interface LossResult extends Scores {
  /** The loss factory's name, e.g. `focalLoss`. */
  loss: string;
  /** As written in `--losses` (unique). */
  label: string;
  options: Record<string, unknown>;
  seconds: number;
  history: EpochRecord[];
}

export interface Results {
  tool: string;
  command: string;
  createdAt: string;
  settings: Record<string, unknown>;
  /** Label of the loss with the best held-out Dice. */
  best: string;
  /** Scores of trivial predictions, for scale (binary mode). */
  baselines: Record<string, Scores>;
  losses: LossResult[];
}

export interface Overlay {
  name: string;
  /** Gray or RGB floats in [0, 1]. */
  image: Float32Array;
  truth: Int32Array;
  /** Predicted label map per loss label. */
  predictions: Record<string, Int32Array>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** Round numbers for axis ticks: about `count` steps of 1, 2 or 5 × 10^k covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

/** An SVG line chart with axes, ticks and a legend. */
export function lineChart(title: string, series: Series[], opts: { xLabel: string; yLabel: string; yRange?: [number, number]; width?: number; height?: number; legend?: boolean }): string {
  const W = opts.width ?? 560;
  const H = opts.height ?? 320;
  const m = { l: 56, r: opts.legend === false ? 14 : W < 420 ? 92 : 170, t: 28, b: 42 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const x0 = Math.min(...xs, 1);
  const x1 = Math.max(...xs, x0 + 1);
  let [y0, y1] = opts.yRange ?? [Math.min(...ys, 0), Math.max(...ys, 1e-6)];
  if (!opts.yRange) {
    const pad = (y1 - y0) * 0.05 || 0.05;
    y0 = Math.max(0, y0 - pad) === 0 && y0 >= 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart">`,
    `<text x="${m.l}" y="18" class="title">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    if (t < y0 - 1e-12 || t > y1 + 1e-12) continue;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${t}</text>`);
  }
  const xt = niceTicks(x0, x1, Math.min(10, Math.max(1, x1 - x0))).filter((t) => Number.isInteger(t));
  for (const t of xt) {
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle" class="tick">${t}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" class="axis"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" class="axis"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle" class="label">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" class="label">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} class="series"><title>${esc(s.name)}</title></path>`);
    if (pts.length === 1) parts.push(`<circle cx="${px(pts[0][0]).toFixed(1)}" cy="${py(pts[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    if (opts.legend !== false) {
      const ly = m.t + 4 + i * 18;
      parts.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 34}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      parts.push(`<text x="${W - m.r + 40}" y="${ly + 4}" class="legend">${esc(s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Distinct colours for multiclass overlays (class 0 is left transparent). */
function classColor(c: number): [number, number, number] {
  const h = (c * 0.618033988749895) % 1;
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * An RGB overlay as a PNG data URI. Binary with truth: true positives green, false positives
 * red, false negatives blue; without truth (the ground-truth panel) the mask is yellow.
 * Multiclass: each class ≠ 0 in its colour. Ignored pixels (label -1) are shown dimmed.
 */
export function overlayPng(image: Float32Array, size: number, channels: number, labels: Int32Array | undefined, truth: Int32Array | undefined, mode: 'binary' | 'multiclass'): string {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    let rgb: number[] = channels === 1 ? [image[i], image[i], image[i]] : [image[3 * i], image[3 * i + 1], image[3 * i + 2]];
    rgb = rgb.map((v) => v * 255);
    let tint: number[] | undefined;
    const t = truth?.[i];
    const p = labels?.[i];
    if (t === -1 || (labels && !truth && p === -1)) rgb = rgb.map((v) => v * 0.35);
    else if (mode === 'binary') {
      if (labels && truth) {
        if (p === 1 && t === 1) tint = [0, 200, 0];
        else if (p === 1) tint = [255, 30, 30];
        else if (t === 1) tint = [40, 90, 255];
      } else if (labels && p === 1) tint = [255, 220, 0];
    } else if (labels && p !== undefined && p > 0) tint = classColor(p);
    if (tint) rgb = rgb.map((v, k) => 0.4 * v + 0.6 * tint![k]);
    for (let k = 0; k < 3; k++) data[3 * i + k] = Math.max(0, Math.min(255, Math.round(rgb[k])));
  }
  return `data:image/png;base64,${Buffer.from(encodePng({ width: size, height: size, channels: 3, data })).toString('base64')}`;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));

/** Renders the self-contained `index.html`. */
export function renderHtml(results: Results, overlays: Overlay[], view: { size: number; channels: number; mode: 'binary' | 'multiclass' }): string {
  const losses = results.losses;
  const color = (i: number) => COLORS[i % COLORS.length];
  const settingRows = Object.entries(results.settings)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('');
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
  const epochs = Math.max(1, ...losses.map((l) => l.history.length));
  const baselineSeries = Object.entries(results.baselines).map(([name, s]) => ({
    name,
    color: '#999',
    dashed: true,
    points: [[1, s.dice], [epochs, s.dice]] as [number, number][],
  }));
  const diceChart = lineChart(
    'Validation Dice per epoch',
    [
      ...losses.map((l, i) => ({ name: l.label, color: color(i), points: l.history.map((h) => [h.epoch, h.valDice] as [number, number]) })),
      ...baselineSeries,
    ],
    { xLabel: 'epoch', yLabel: 'validation Dice', yRange: [0, 1] },
  );
  const lossCharts = losses
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
  const img = (uri: string, alt: string) => `<img src="${uri}" alt="${esc(alt)}" width="${Math.max(128, view.size * 2)}" height="${Math.max(128, view.size * 2)}">`;
  const overlayHead = `<tr><th></th>${overlays.map((o) => `<th>${esc(o.name)}</th>`).join('')}</tr>`;
  const overlayRows = [
    `<tr><th>image</th>${overlays.map((o) => `<td>${img(overlayPng(o.image, view.size, view.channels, undefined, undefined, view.mode), `${o.name} image`)}</td>`).join('')}</tr>`,
    `<tr><th>ground truth</th>${overlays.map((o) => `<td>${img(overlayPng(o.image, view.size, view.channels, o.truth, undefined, view.mode), `${o.name} ground truth`)}</td>`).join('')}</tr>`,
    ...losses.map(
      (l) =>
        `<tr><th><code>${esc(l.label)}</code></th>${overlays.map((o) => `<td>${img(overlayPng(o.image, view.size, view.channels, o.predictions[l.label], o.truth, view.mode), `${o.name} ${l.label}`)}</td>`).join('')}</tr>`,
    ),
  ].join('');
  const legend =
    view.mode === 'binary'
      ? '<p class="note">Ground truth in yellow. Predictions: <span style="color:#0a0">■ true positive</span> <span style="color:#f22">■ false positive</span> <span style="color:#36f">■ false negative</span>; ignored pixels dimmed.</p>'
      : '<p class="note">Each class other than 0 in its own colour; ignored pixels dimmed.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segloss report: which loss for this data?</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.best{font-weight:700;background:#e8f5e9}
tr.winner td:first-child{font-weight:700}tr.baseline td{color:#777}
.chart{max-width:100%;height:auto;background:#fff}.chart .title{font-weight:600;font-size:14px}.chart .tick,.chart .legend{font-size:11px;fill:#444}
.chart .label{font-size:12px;fill:#333}.chart .grid{stroke:#eee}.chart .axis{stroke:#888}
.charts{display:flex;flex-wrap:wrap;gap:12px}.overlays img{image-rendering:pixelated;display:block}.overlays td{padding:3px}
.note{color:#555;font-size:.9rem}code{font-size:.92em}
</style></head><body>
<h1>segloss report</h1>
<p>Best held-out Dice: <strong><code>${esc(results.best)}</code></strong>. Every loss trained the same U-Net from the same initial weights on the same batches; scores are on held-out images (threshold 0.5${view.mode === 'multiclass' ? ', argmax; mean over classes' : ', foreground class'}).</p>
<h2 id="metrics">Validation metrics</h2>
<table class="metrics"><thead><tr><th>loss</th><th>Dice</th><th>IoU</th><th>precision</th><th>recall</th><th>epochs</th><th>seconds</th></tr></thead><tbody>${tableRows}${baselineRows}</tbody></table>
<p class="note">★ and bold mark the best value of each column. Created ${esc(results.createdAt)} by <code>${esc(results.command)}</code>.</p>
<h2 id="curves">Training curves</h2>
<div class="charts">${diceChart}</div>
<div class="charts">${lossCharts}</div>
<p class="note">Loss curves: solid = training (mean over the epoch's batches), dashed = held-out images. Each loss has its own scale.</p>
<h2 id="samples">Sample predictions (held-out images)</h2>
${legend}
<div class="overlays"><table>${overlayHead}${overlayRows}</table></div>
<h2 id="settings">Settings</h2>
<table class="settings">${settingRows}</table>
</body></html>
`;
}

export function resultsCsv(results: Results): string {
  const rows = ['label,loss,dice,iou,precision,recall,epochs,seconds,best'];
  for (const l of results.losses) {
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    rows.push([q(l.label), l.loss, l.dice, l.iou, l.precision, l.recall, l.history.length, l.seconds.toFixed(2), l.label === results.best].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** Refuses to replace a folder that holds anything but an earlier output of the same kind. */
export function checkOutFolder(out: string, marker: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new CliError(`segloss: --out ${out} exists and is not a folder.`, true);
  const names = readdirSync(out);
  if (names.length > 0 && !names.includes(marker)) {
    throw new CliError(`segloss: --out ${out} is a non-empty folder without ${marker}; choose another --out (segloss only replaces its own output).`, true);
  }
}

/**
 * Writes `files` into `out` atomically: into a temporary sibling first, then swapped in with
 * renames (an older output there is replaced only at the end).
 */
export function writeFolder(out: string, files: Record<string, string | Uint8Array>, marker: string): string {
  const target = resolve(out);
  checkOutFolder(target, marker);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    if (existsSync(target)) {
      const old = join(parent, `.${basename(target)}.old-${process.pid}`);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
