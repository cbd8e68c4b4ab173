/** Short text forms shared by the terminal output and the report: durations and score lines. */
import type { Scores, SurfaceScores } from '../pipeline/types.js';

/** `s` seconds as `42s` or `3m07s`; `?` when not finite. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** `Dice 0.771  IoU 0.628  precision 0.863  recall 0.697`, each with `digits` decimals. */
export function scoreLine(scores: Scores, digits: number): string {
  const f = (v: number) => v.toFixed(digits);
  return `Dice ${f(scores.dice)}  IoU ${f(scores.iou)}  precision ${f(scores.precision)}  recall ${f(scores.recall)}`;
}

/**
 * HD95 (mean over the images where it is finite, with the count of the others: an empty truth or
 * prediction) and NSD at its tolerance, e.g. `HD95 3.21 px  NSD@1px 0.8123`.
 */
export function surfaceLine(s: SurfaceScores): string {
  const hd = Number.isNaN(s.hd95) ? 'HD95 n/a' : `HD95 ${s.hd95.toFixed(2)} px`;
  const infinite = s.hd95Infinite > 0 ? ` (${s.hd95Infinite} infinite: an empty mask or prediction, left out of the mean)` : '';
  return `${hd}${infinite}  NSD@${s.nsdTolerance}px ${s.nsd.toFixed(4)}`;
}
