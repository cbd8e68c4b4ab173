/**
 * Scores of one held-out image from its label maps, at the mask's size, and the multiclass
 * confusion matrix. Plain counting on `Int32Array`s (no tfjs), so the numbers can be recomputed
 * from the saved predictions exactly. Ignored pixels ({@link IGNORED}) take no part.
 *
 * Per class c, with tp, fp, fn counted over the image's valid pixels:
 * Dice = 2tp / (2tp + fp + fn), IoU = tp / (tp + fp + fn), precision = tp / (tp + fp),
 * recall = tp / (tp + fn). A class is *present* in an image when the truth or the prediction
 * holds it. An absent class has nothing to get wrong: binary mode (the foreground, c = 1) scores
 * an image without foreground in truth and prediction 1 on every score; multiclass mode averages
 * over the present classes only. A present class whose ratio has an empty denominator scores 0
 * (precision when the class is never predicted, recall when it is not in the truth): a missed or
 * invented class is never counted as perfect.
 */
import { IGNORED, type Scores, type TaskMode } from './types.js';

/** tp, fp, fn of class `c` (labels `0..classes−1`) in one image. */
interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);

function classScores({ tp, fp, fn }: Counts): Scores {
  return { dice: ratio(2 * tp, 2 * tp + fp + fn), iou: ratio(tp, tp + fp + fn), precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) };
}

/**
 * The C×C confusion matrix of one image (rows truth, columns prediction, pixel counts; ignored
 * pixels left out), added into `into` when given. Binary mode uses C = 2 (background, foreground).
 * @throws RangeError when the maps differ in length or hold a label outside `0..classes−1`.
 */
export function confusionMatrix(truth: Int32Array, prediction: Int32Array, classes: number, into?: number[][]): number[][] {
  if (truth.length !== prediction.length) {
    throw new RangeError(`confusionMatrix: prediction must have the truth's ${truth.length} pixels, got ${prediction.length}.`);
  }
  const m = into ?? Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t === IGNORED) continue;
    const p = prediction[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) {
      throw new RangeError(`confusionMatrix: labels must be in 0..${classes - 1}, got truth ${t}, prediction ${p} at pixel ${i}.`);
    }
    m[t][p]++;
  }
  return m;
}

/** Dice, IoU, precision and recall of one image (see the module comment for the definition). */
export function imageScores(truth: Int32Array, prediction: Int32Array, mode: TaskMode, classes: number): Scores {
  const m = confusionMatrix(truth, prediction, mode === 'binary' ? 2 : classes);
  const counts = (c: number): Counts => {
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < m.length; k++) {
      predicted += m[k][c];
      actual += m[c][k];
    }
    return { tp: m[c][c], fp: predicted - m[c][c], fn: actual - m[c][c] };
  };
  if (mode === 'binary') {
    const fg = counts(1);
    return fg.tp + fg.fp + fg.fn === 0 ? { dice: 1, iou: 1, precision: 1, recall: 1 } : classScores(fg);
  }
  const sum: Scores = { dice: 0, iou: 0, precision: 0, recall: 0 };
  let present = 0;
  for (let c = 0; c < classes; c++) {
    const k = counts(c);
    if (k.tp + k.fp + k.fn === 0) continue;
    present++;
    const s = classScores(k);
    sum.dice += s.dice;
    sum.iou += s.iou;
    sum.precision += s.precision;
    sum.recall += s.recall;
  }
  if (present === 0) return { dice: 1, iou: 1, precision: 1, recall: 1 }; // every pixel ignored
  return { dice: sum.dice / present, iou: sum.iou / present, precision: sum.precision / present, recall: sum.recall / present };
}
