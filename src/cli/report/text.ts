/** Short text forms shared by the terminal output and the report: durations and score lines. */
import type { Scores, SurfaceScores } from '../pipeline/types.js';

/** `s` seconds as `42s` or `3m07s`; `?` when not finite. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** `Dice 0.771  IoU 0.628  precision 0.863  recall 0.697`, each with `digits` decimals (`—` where undefined). */
export function scoreLine(scores: Scores, digits: number): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
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

/** `0.812 [0.781, 0.840]` (or `0.812 [no interval]`), with `digits` decimals. */
export function withInterval(value: number, ci: [number, number] | null, digits: number): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
  return `${f(value)} ${ci ? `[${f(ci[0])}, ${f(ci[1])}]` : '[no interval]'}`;
}

/** A list in words: `a`, `a and b`, `a, b and c`. */
const list = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * The verdict in one sentence: `diceLoss is best; bceDiceLoss and focalLoss are tied with it
 * (their difference's 95% interval contains 0).`, or `diceLoss is best, ahead of every other loss.`
 */
export function verdictSentence(results: { verdict: { best: string; tiedWithBest: readonly string[]; metric: 'dice' | 'iou'; confidence: number }; losses: readonly { label: string; collapsed?: boolean }[] }): string {
  const { best, tiedWithBest, metric, confidence } = results.verdict;
  const score = metric === 'dice' ? 'Dice' : 'mIoU';
  const level = `${Math.round(confidence * 1000) / 10}%`;
  return `${ranking()}${collapseWarning()}`;

  function ranking(): string {
    if (results.losses.length === 1) return `${best} is the only loss compared (held-out ${score}).`;
    if (tiedWithBest.length === 0) return `${best} is best (held-out ${score}), ahead of every other loss (each difference's ${level} interval excludes 0).`;
    const one = tiedWithBest.length === 1;
    const all = tiedWithBest.length === results.losses.length - 1;
    return `${best} is best (held-out ${score}); ${list(tiedWithBest)} ${one ? 'is' : 'are'} tied with it (${one ? 'its' : 'their'} difference's ${level} interval contains 0)${all ? ': the data cannot separate the losses' : ''}.`;
  }

  /** A best loss that collapsed is the best of runs that learned nothing: say so. */
  function collapseWarning(): string {
    if (!results.losses.find((l) => l.label === best)?.collapsed) return '';
    if (results.losses.every((l) => l.collapsed)) return ' Every loss collapsed (near-constant predictions, or scores within noise of the trivial baseline): train longer before trusting this ranking.';
    return ` Caution: ${best} itself collapsed in most of its runs (see the table).`;
  }
}

/** A loss's terminal line: `diceLoss  Dice 0.812 [0.781, 0.840]  IoU 0.690 [0.650, 0.720]  tied with best  collapsed`. */
export function lossLine(l: { label: string; dice: number; diceCI: [number, number] | null; iou: number; iouCI: [number, number] | null; tiedWithBest: boolean; collapsed: boolean }, best: string, width = 28): string {
  const mark = l.label === best ? '  best' : l.tiedWithBest ? '  tied with best' : '';
  return `${l.label.padEnd(width)} Dice ${withInterval(l.dice, l.diceCI, 3)}  IoU ${withInterval(l.iou, l.iouCI, 3)}${mark}${l.collapsed ? '  collapsed' : ''}`;
}
