/**
 * The report's CSV files: `results.csv`, the per-image table (one row per loss × held-out image,
 * each score the mean over the loss's runs), and `summary.csv`, one row per loss with its
 * intervals and verdict. Empty cells where a value is undefined (NaN, Infinity or no interval).
 */
import type { IntervalV2, Results } from './data.js';

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? String(v) : '');
const ends = (ci: IntervalV2) => (ci ? [String(ci[0]), String(ci[1])] : ['', '']);

/** `results.csv`: `label,loss,image,dice,iou,precision,recall[,hd95][,nsd],runs`, losses in run order, images in held-out order. */
export function resultsCsv(results: Results): string {
  const hd = results.losses.some((l) => l.perImage.some((p) => p.hd95 !== undefined));
  const nsd = results.losses.some((l) => l.perImage.some((p) => p.nsd !== undefined));
  const rows = [['label', 'loss', 'image', 'dice', 'iou', 'precision', 'recall', ...(hd ? ['hd95'] : []), ...(nsd ? ['nsd'] : []), 'runs'].join(',')];
  for (const l of results.losses) {
    for (const p of l.perImage) {
      rows.push([quote(l.label), l.loss, quote(p.image), num(p.dice), num(p.iou), num(p.precision), num(p.recall), ...(hd ? [num(p.hd95)] : []), ...(nsd ? [num(p.nsd)] : []), l.runs.length].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** `summary.csv`: one row per loss (see docs/cli.md, "The report"). */
export function summaryCsv(results: Results): string {
  const head = 'label,loss,dice,dice_low,dice_high,iou,iou_low,iou_high,precision,recall,difference,difference_low,difference_high,tied_with_best,best,collapsed,collapsed_runs,runs,epochs,seconds';
  const rows = results.losses.map((l) =>
    [
      quote(l.label), l.loss, num(l.dice), ...ends(l.diceCI), num(l.iou), ...ends(l.iouCI), num(l.precision), num(l.recall),
      num(l.difference), ...ends(l.differenceCI), l.tiedWithBest, l.label === results.verdict.best, l.collapsed, l.collapsedRuns,
      l.runs.length, l.history.length, l.seconds.toFixed(2),
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}
