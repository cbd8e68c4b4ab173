/** Synthetic RunRecords for the statistics and report tests (no training). */
import type { ImageScores, LabelCounts, RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { scoreImage, scoresFromCounts } from '../../src/cli/pipeline/score.js';
import type { TaskMode } from '../../src/cli/pipeline/types.js';

/** Binary counts of one image: foreground TP / FP / FN, plus `tn` background-only pixels. */
export function binaryCounts(tp: number, fp: number, fn: number, tn = 100): LabelCounts {
  return { tp: [tn, tp], fp: [fn, fp], fn: [fp, fn] };
}

/** A record of loss number `loss` (label `label`), repeat `repeat`, with these per-image counts. */
export function record(loss: number, label: string, repeat: number, images: LabelCounts[], mode: TaskMode = 'binary'): RunRecord {
  const perImage: ImageScores[] = images.map((counts, i) => ({ image: `img${i}`, ...scoresFromCounts(counts, mode), counts }));
  const total = images.reduce(
    (a, c) => ({ tp: a.tp.map((v, k) => v + c.tp[k]), fp: a.fp.map((v, k) => v + c.fp[k]), fn: a.fn.map((v, k) => v + c.fn[k]) }),
    { tp: images[0].tp.map(() => 0), fp: images[0].tp.map(() => 0), fn: images[0].tp.map(() => 0) },
  );
  return {
    task: { loss, repeat, seed: 42 + repeat },
    label,
    loss: label.replace(/[{#].*$/, ''),
    scores: scoresFromCounts(total, mode),
    perImage,
    history: [{ epoch: 1, loss: 0.5, valLoss: 0.6, valDice: 0.5, valIou: 0.3, seconds: 1 }],
    seconds: 2 + loss,
    steps: 4,
    predictions: [],
  };
}

/**
 * Per-image binary counts whose Dice is `dice[i]` exactly when `dice[i]·100` is an integer:
 * 100 true and 100 predicted foreground pixels, of which round(100·dice) overlap
 * (Dice = 2TP / (2TP + FP + FN) = 2TP / 200), among 1,100 or so valid pixels (so predicting
 * foreground everywhere scores about 2·100 / (2·100 + 1000) ≈ 0.17).
 */
export function diceImages(dice: readonly number[]): LabelCounts[] {
  return dice.map((d) => {
    const tp = Math.round(100 * d);
    return binaryCounts(tp, 100 - tp, 100 - tp, 1000);
  });
}

/** A multiclass record scored from label maps (one image per entry), with its confusion matrix. */
export function multiclassRecord(loss: number, label: string, repeat: number, maps: { truth: number[]; prediction: number[] }[], classes: number): RunRecord {
  const scored = maps.map((m, i) => scoreImage(`img${i}`, Int32Array.from(m.truth), Int32Array.from(m.prediction), 'multiclass', classes));
  const r = record(loss, label, repeat, scored.map((s) => s.scores.counts!), 'multiclass');
  const confusion = scored.map((s) => s.confusion).reduce((a, b) => a.map((row, i) => row.map((v, j) => v + b[i][j])));
  return { ...r, confusion };
}
