/**
 * The unit of work of `segloss compare` and what it yields, as plain data: a {@link RunTask}
 * (one loss, one repeat) goes in, a {@link RunRecord} comes out. Records are structured-clonable
 * and JSON-safe apart from the label maps, so they cross worker boundaries (Node worker_threads,
 * browser Web Workers), are written to disk as each run ends (for `--resume`), and are the only
 * input of the statistics and the report. Pure types: no tfjs, no Node.
 */
import type { EpochRecord, Scores } from './types.js';

/**
 * One training run: the plan's loss number `loss` (0-based, in `--losses` order), repeat `repeat`
 * (0-based) with seed `seed` (= the plan's seed + repeat). Run k of every loss uses the same
 * initial weights and batch order (a paired design).
 */
export interface RunTask {
  loss: number;
  repeat: number;
  seed: number;
}

/**
 * The scores of one held-out image, at its mask's size (pipeline/score.ts's `scoreImage`, the one
 * definition of the scores): binary mode scores the foreground (Dice and IoU 1 when truth and
 * prediction hold none; precision NaN when nothing is predicted), multiclass mode averages over
 * the classes present in the image's truth; a present class never predicted counts 0 in the
 * mean precision (never 1).
 */
export interface ImageScores {
  /** The image's file stem (or `synthetic-<i>`). */
  image: string;
  dice: number;
  iou: number;
  precision: number;
  recall: number;
  /** HD95 in pixels (Infinity when exactly one of truth and prediction is empty). */
  hd95?: number;
  /** Normalized surface Dice at the run's tolerance. */
  nsd?: number;
  /**
   * Per-class pixel counts of the image (index = class; binary mode: 2 classes, 1 = foreground),
   * ignored pixels left out. With them the statistics pool counts over images and runs (the
   * dataset-level scores, bootstrapped); without them they average the per-image scores.
   * Made by `pipeline/score.ts`'s `countsOf(confusionMatrix(truth, prediction, classes))`.
   */
  counts?: LabelCounts;
}

/** Per-class pixel counts: `tp[c]`, `fp[c]` (predicted c, truth not c), `fn[c]` (truth c, predicted not c). */
export interface LabelCounts {
  tp: number[];
  fp: number[];
  fn: number[];
}

/** Per-class scores (multiclass), at the masks' size over all held-out images. */
export interface ClassScores {
  /** The class index. */
  class: number;
  /** `--class-names`' (or the palette's) name, else the index as text. */
  name: string;
  iou: number;
  dice: number;
  precision: number;
  recall: number;
  /** Pixels of this class in the truth / in the prediction (0 predicted: precision is NaN, never 1). */
  truePixels: number;
  predictedPixels: number;
}

/** What one finished run yields. */
export interface RunRecord {
  task: RunTask;
  /** The loss's `--losses` label and factory name. */
  label: string;
  loss: string;
  /** Aggregate held-out scores of the scored epoch (the last by default). */
  scores: Scores;
  perImage: ImageScores[];
  /** Multiclass: per-class scores and the C×C confusion matrix (rows truth, columns prediction; pixel counts). */
  perClass?: ClassScores[];
  confusion?: number[][];
  history: EpochRecord[];
  /** Wall-clock seconds of the run (training and validation). */
  seconds: number;
  /** Batches per epoch used. */
  steps: number;
  /** Predicted label maps of the first held-out images (overlays, `--save-predictions`), each at its mask's size. */
  predictions: Int32Array[];
}
