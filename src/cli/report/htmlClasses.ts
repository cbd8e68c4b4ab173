/**
 * The report's multiclass sections: per-class IoU of every loss, each loss's per-class table and
 * confusion matrix (rows truth, columns prediction; shaded by the row-normalised share, pixel
 * counts on hover), and the class colour legend of the overlays. Pure strings.
 */
import { esc } from './charts.js';
import type { ClassResult, LossResult } from './data.js';
import { classColorHex } from './overlays.js';

/** A score with 3 decimals, or `—` where undefined (NaN: e.g. the precision of a class never predicted). */
export const f3 = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v.toFixed(3) : '—');

/** Class names of a loss's table (the settings' names, else indices). */
const names = (l: LossResult) => (l.perClass ?? []).map((c) => c.name);

/** The class colour legend of multiclass overlays. */
export function classLegend(classes: number, classNames?: readonly string[]): string {
  const items = Array.from({ length: classes }, (_, c) => `<span class="swatch"><i style="background:${classColorHex(c)}"></i>${esc(classNames?.[c] ?? String(c))}</span>`);
  return `<p class="note legend">Predicted classes: ${items.join(' ')}; ignored pixels dimmed.</p>`;
}

/** Rows classes, columns losses: IoU (bold where highest), classes absent from the truth marked. */
export function classIouTable(losses: readonly LossResult[]): string {
  const withClasses = losses.filter((l) => l.perClass);
  if (withClasses.length === 0) return '';
  const rows = names(withClasses[0]).map((name, c) => {
    const ious = withClasses.map((l) => l.perClass![c].iou);
    const top = Math.max(...ious.filter(Number.isFinite));
    const absent = withClasses[0].perClass![c].truePixels === 0;
    const cells = withClasses.map((l) => {
      const k = l.perClass![c];
      const title = `precision ${f3(k.precision)}, recall ${f3(k.recall)}, predicted ${k.predictedPixels} px`;
      return `<td class="num${k.iou === top && top > 0 && !absent ? ' best' : ''}" title="${title}">${absent ? '—' : f3(k.iou)}</td>`;
    });
    return `<tr><th>${esc(name)}${absent ? ' <span class="note">(not in the truth)</span>' : ''}</th><td class="num">${withClasses[0].perClass![c].truePixels}</td>${cells.join('')}</tr>`;
  });
  const head = `<tr><th>class</th><th>truth pixels</th>${withClasses.map((l) => `<th><code>${esc(l.label)}</code></th>`).join('')}</tr>`;
  return `<table class="classes"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function classRows(perClass: readonly ClassResult[]): string {
  return perClass
    .map(
      (k) =>
        `<tr><th>${esc(k.name)}</th><td class="num">${f3(k.iou)}</td><td class="num">${f3(k.dice)}</td><td class="num">${f3(k.precision)}</td><td class="num">${f3(k.recall)}</td><td class="num">${k.truePixels}</td><td class="num">${k.predictedPixels}</td></tr>`,
    )
    .join('');
}

/** The confusion matrix normalised by row (each truth class's pixels sum to 100%), counts in the titles. */
export function confusionTable(confusion: readonly (readonly number[])[], classNames: readonly string[]): string {
  const head = `<tr><th>truth ↓ / predicted →</th>${classNames.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
  const rows = confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((n, p) => {
      const share = total > 0 ? n / total : 0;
      const title = `truth ${classNames[t]} → predicted ${classNames[p]}: ${n} pixels${total > 0 ? ` (${(100 * share).toFixed(1)}% of the row)` : ''}`;
      const shade = `rgba(31,119,180,${(0.85 * share).toFixed(3)})`;
      return `<td class="num${t === p ? ' diag' : ''}" style="background:${shade}${share > 0.55 ? ';color:#fff' : ''}" title="${esc(title)}">${total > 0 ? `${(100 * share).toFixed(0)}%` : '—'}</td>`;
    });
    return `<tr><th>${esc(classNames[t])}</th>${cells.join('')}</tr>`;
  });
  return `<table class="confusion"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One `<details>` per loss (the best open): its per-class table and confusion matrix. */
export function classDetails(losses: readonly LossResult[], best: string): string {
  return losses
    .filter((l) => l.perClass)
    .map((l) => {
      const table = `<table class="perclass"><thead><tr><th>class</th><th>IoU</th><th>Dice</th><th>precision</th><th>recall</th><th>truth px</th><th>predicted px</th></tr></thead><tbody>${classRows(l.perClass!)}</tbody></table>`;
      const matrix = l.confusion ? confusionTable(l.confusion, names(l)) : '';
      return `<details${l.label === best ? ' open' : ''}><summary><code>${esc(l.label)}</code></summary><div class="charts">${table}${matrix}</div></details>`;
    })
    .join('');
}
