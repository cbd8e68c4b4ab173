/**
 * Held-out scores for the CLI, from pixel counts. One definition serves the per-epoch history,
 * the per-image scores, the per-class table and the statistics:
 *
 * - per class c, over valid pixels (truth ≠ {@link IGNORED}): `TP_c`, `FP_c` (predicted c, truth
 *   not c), `FN_c` (truth c, predicted not c); `Dice_c = 2TP/(2TP+FP+FN)`, `IoU_c = TP/(TP+FP+FN)`,
 *   `precision_c = TP/(TP+FP)`, `recall_c = TP/(TP+FN)`;
 * - binary mode scores class 1 (the foreground). A score whose denominator is 0 is NaN, except
 *   Dice and IoU with neither truth nor prediction (nothing to find, nothing found: 1);
 * - multiclass mode averages over the classes **present in the truth** (`TP+FN > 0`), whatever
 *   their index (class 0 is not assumed to be background). A present class never predicted has
 *   precision NaN in its own row and counts 0 in the mean precision (scikit-learn's
 *   `zero_division=0`), never 1: a model that predicts one class everywhere gets no precision
 *   credit for the classes it never tried.
 *
 * Ignored pixels take no part. Plus the scores of trivial predictions (baselines), for scale.
 * Pure apart from {@link createScorer}, which reads the library's confusion accumulator.
 */
import type * as TF from '@tensorflow/tfjs';
import { createConfusionAccumulator } from '../../index.js';
import type { ClassScores, ImageScores, LabelCounts } from './runRecord.js';
import type { ForegroundCount } from './labels.js';
import { IGNORED, type Dataset, type Scores, type TaskMode } from './types.js';

export type { LabelCounts };

/** Zero counts for `classes` classes. */
export function emptyCounts(classes: number): LabelCounts {
  return { tp: new Array<number>(classes).fill(0), fp: new Array<number>(classes).fill(0), fn: new Array<number>(classes).fill(0) };
}

/** `into += add × weight`, class by class (the bootstrap sums counts with weights). */
export function addCounts(into: LabelCounts, add: LabelCounts, weight = 1): LabelCounts {
  for (let c = 0; c < into.tp.length; c++) {
    into.tp[c] += weight * add.tp[c];
    into.fp[c] += weight * add.fp[c];
    into.fn[c] += weight * add.fn[c];
  }
  return into;
}

/** The C×C confusion matrix of one label map (rows truth, columns prediction; ignored pixels skipped). */
export function confusionMatrix(truth: Int32Array, prediction: Int32Array, classes: number): number[][] {
  if (truth.length !== prediction.length) {
    throw new RangeError(`confusionMatrix: prediction must have the truth's ${truth.length} pixels, got ${prediction.length}.`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t === IGNORED) continue;
    const p = prediction[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) {
      throw new RangeError(`confusionMatrix: labels must be in 0..${classes - 1} (or ${IGNORED} in the truth), got truth ${t}, prediction ${p} at pixel ${i}.`);
    }
    m[t][p]++;
  }
  return m;
}

/** Per-class TP / FP / FN of a confusion matrix (rows truth, columns prediction). */
export function countsOf(confusion: readonly (readonly number[])[]): LabelCounts {
  const C = confusion.length;
  const counts = emptyCounts(C);
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      const n = confusion[t][p];
      if (t === p) counts.tp[t] += n;
      else {
        counts.fn[t] += n;
        counts.fp[p] += n;
      }
    }
  }
  return counts;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : Number.NaN);

/** One class's scores from its counts (see the module comment for the empty cases). */
export function classScore(tp: number, fp: number, fn: number): Scores {
  const empty = tp + fp + fn === 0;
  return {
    dice: empty ? 1 : (2 * tp) / (2 * tp + fp + fn),
    iou: empty ? 1 : tp / (tp + fp + fn),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  };
}

/** The classes present in the truth of `counts` (TP + FN > 0). */
export function presentClasses(counts: LabelCounts): number[] {
  return counts.tp.flatMap((tp, c) => (tp + counts.fn[c] > 0 ? [c] : []));
}

/** Binary: the foreground's scores; multiclass: the mean over the classes present in the truth. */
export function scoresFromCounts(counts: LabelCounts, mode: TaskMode): Scores {
  if (mode === 'binary') return classScore(counts.tp[1], counts.fp[1], counts.fn[1]);
  const present = presentClasses(counts);
  if (present.length === 0) return { dice: Number.NaN, iou: Number.NaN, precision: Number.NaN, recall: Number.NaN };
  const sum = { dice: 0, iou: 0, precision: 0, recall: 0 };
  for (const c of present) {
    const s = classScore(counts.tp[c], counts.fp[c], counts.fn[c]);
    sum.dice += s.dice;
    sum.iou += s.iou;
    sum.precision += Number.isNaN(s.precision) ? 0 : s.precision;
    sum.recall += s.recall;
  }
  const n = present.length;
  return { dice: sum.dice / n, iou: sum.iou / n, precision: sum.precision / n, recall: sum.recall / n };
}

/**
 * The per-class table of pooled counts: names from `names` (else the index as text). A class
 * neither in the truth nor predicted has every score NaN (nothing to score), not a perfect 1.
 */
export function classScoresOfCounts(counts: LabelCounts, names?: readonly string[]): ClassScores[] {
  return counts.tp.map((tp, c) => {
    const empty = tp + counts.fp[c] + counts.fn[c] === 0;
    return {
      class: c,
      name: names?.[c] ?? String(c),
      ...(empty ? { dice: Number.NaN, iou: Number.NaN, precision: Number.NaN, recall: Number.NaN } : classScore(tp, counts.fp[c], counts.fn[c])),
      truePixels: tp + counts.fn[c],
      predictedPixels: tp + counts.fp[c],
    };
  });
}

/** The per-class table of a confusion matrix (rows truth, columns prediction). */
export function classScores(confusion: readonly (readonly number[])[], names?: readonly string[]): ClassScores[] {
  return classScoresOfCounts(countsOf(confusion), names);
}

/**
 * One held-out image scored from its label maps (each at the mask's size; binary 0/1, multiclass
 * 0..classes−1; truth {@link IGNORED} where ignored): its scores, its counts and its confusion
 * matrix. `classes` is 2 in binary mode.
 */
export function scoreImage(image: string, truth: Int32Array, prediction: Int32Array, mode: TaskMode, classes: number): { scores: ImageScores; confusion: number[][] } {
  const confusion = confusionMatrix(truth, prediction, classes);
  const counts = countsOf(confusion);
  return { scores: { image, ...scoresFromCounts(counts, mode), counts }, confusion };
}

/** Element-wise sum of equally sized matrices (confusions of images or runs). */
export function sumMatrices(ms: readonly (readonly (readonly number[])[])[]): number[][] {
  return ms[0].map((row, i) => row.map((_, j) => ms.reduce((s, m) => s + m[i][j], 0)));
}

/**
 * Streams (yTrue, logits) batches and returns the dataset's scores ({@link scoresFromCounts} of
 * the library accumulator's summed TP / FP / FN). Binary: one sigmoid channel, thresholded at 0.5.
 */
export function createScorer(mode: TaskMode) {
  const acc = createConfusionAccumulator({ mode, ignoreIndex: IGNORED });
  return {
    update(yTrue: TF.Tensor, logits: TF.Tensor): void {
      acc.update(yTrue as never, logits as never);
    },
    result(): Scores {
      const stats = acc.stats();
      const [tp, fp, fn] = [stats.tp, stats.fp, stats.fn].map((t) => {
        const [B, C] = t.shape as [number, number];
        const v = t.dataSync();
        const sums = new Array<number>(C).fill(0);
        for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) sums[c] += v[b * C + c];
        return sums;
      });
      for (const t of Object.values(stats)) (t as TF.Tensor).dispose();
      acc.reset();
      // binary: the accumulator's one channel is the foreground (class 1); class 0 is never read
      const counts = mode === 'binary' ? { tp: [0, tp[0]], fp: [0, fp[0]], fn: [0, fn[0]] } : { tp, fp, fn };
      return scoresFromCounts(counts, mode);
    },
  };
}

/** Scores of predicting every valid pixel as foreground (binary), from the labels alone. */
export function allForeground(val: Dataset): Scores {
  let tp = 0;
  let fp = 0;
  for (const s of val.samples) for (const v of s.labels) if (v === 1) tp++; else if (v === 0) fp++;
  return classScore(tp, fp, 0);
}

/** The fraction of valid (not ignored) pixels that are not background, over the label maps counted. */
export function foregroundFraction(counts: readonly ForegroundCount[]): number {
  let fg = 0;
  let n = 0;
  for (const c of counts) {
    fg += c.foreground;
    n += c.valid;
  }
  return n ? fg / n : 0;
}
