/** `results.csv`: one row per loss. */
import type { Results } from './data.js';

/** The results as CSV: label, loss, the four scores, epochs, seconds and whether it is the best. */
export function resultsCsv(results: Results): string {
  const rows = ['label,loss,dice,iou,precision,recall,epochs,seconds,best'];
  for (const l of results.losses) {
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    rows.push([q(l.label), l.loss, l.dice, l.iou, l.precision, l.recall, l.history.length, l.seconds.toFixed(2), l.label === results.best].join(','));
  }
  return `${rows.join('\n')}\n`;
}

