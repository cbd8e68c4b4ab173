/**
 * The data of a report: what `results.json` holds (and `index.html` and `results.csv` show),
 * as plain typed data.
 */
import type { Colour, EpochRecord, Resolution, Scores, TaskMode } from '../pipeline/types.js';

/** Where the images came from: the first keys of the settings. */
export type DataSummary =
  | { data: 'synthetic'; syntheticCount: number; syntheticSize: number; fgFraction: number; valSplit: number }
  | { data: string; val: string }
  | { data: string; valSplit: number; valFiles: string[] };

/** The settings of a training run, in the order the report lists them. */
export type RunSettings = DataSummary & {
  trainImages: number;
  valImages: number;
  /** The images' sizes (`512×512`, or `480×360 … 512×384` when they differ). */
  imageSizes: string;
  /** Where the model works: `native`, `native × 0.5 (aspect kept)` or `resized to 64×64`. */
  resolution: string;
  /** Training patch side (the whole image with `--size`). */
  patch: number;
  augment: boolean;
  /** How held-out images are predicted and scored. */
  inference: string;
  channels: number;
  mode: TaskMode;
  classes: number;
  classNames?: string[];
  /** Binary mode: the foreground mask value, or the default rule. */
  foreground?: number | '1 or 255';
  ignoreIndex: number | null;
  trainForegroundFraction: number;
  valForegroundFraction: number;
  model: string;
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  batchSize: number;
  optimizer: 'adam';
  lr: number;
  seed: number;
  threshold: number;
  backend: string;
  tfjs: string;
};

/** `segloss compare`'s settings: a run's, plus the loss labels. */
export type CompareSettings = RunSettings & {
  losses: string[];
  /** Runs per loss (`--repeats`). */
  repeats: number;
  /** `--budget`: minutes of training per run (then `epochs` is the first run's count). */
  budgetMinutes?: number;
};

/** An interval `[low, high]`, or null where it is undefined (one run and one image: nothing to resample). */
export type IntervalV2 = [number, number] | null;

/** Scores of one held-out image (mean over the loss's runs). NaN and Infinity are written as null. */
export interface ImageResult extends Scores {
  image: string;
  hd95?: number;
  nsd?: number;
}

/** One training run of a loss. */
export interface RunResult extends Scores {
  /** Repeat index (0-based); the run's seed is the plan's seed + repeat. */
  repeat: number;
  seed: number;
  collapsed: boolean;
  /** Why the run is collapsed, in words (absent when it is not). */
  collapseReason?: string;
  seconds: number;
  history: EpochRecord[];
}

/** Multiclass: one class's scores, from the confusion summed over runs and images. */
export interface ClassResult extends Scores {
  class: number;
  name: string;
  truePixels: number;
  predictedPixels: number;
}

/** One loss in `results.json` v2 (docs/cli.md, "results.json v2"). */
export interface LossResult extends Scores {
  /** The loss factory's name, e.g. `focalLoss`. */
  loss: string;
  /** As written in `--losses` (unique). */
  label: string;
  options: Record<string, unknown>;
  diceCI: IntervalV2;
  iouCI: IntervalV2;
  /** The verdict's score (Dice, or mIoU in multiclass) minus the best loss's: 0 for the best. */
  difference: number;
  /** Paired interval of `difference`; null for the best. */
  differenceCI: IntervalV2;
  /** Whether the data cannot separate this loss from the best (`differenceCI` contains 0). */
  tiedWithBest: boolean;
  /** Share of bootstrap replicates in which this loss scores highest. */
  pBest: number;
  /** Most runs collapsed (see `runs[].collapsed`). */
  collapsed: boolean;
  collapsedRuns: number;
  hd95?: number;
  hd95Infinite?: number;
  nsd?: number;
  /** Wall-clock seconds summed over the loss's runs. */
  seconds: number;
  /** Per-epoch records averaged over the runs (each epoch over the runs that reached it). */
  history: EpochRecord[];
  runs: RunResult[];
  perImage: ImageResult[];
  perClass?: ClassResult[];
  /** C×C pixel counts summed over runs and held-out images (rows truth, columns prediction). */
  confusion?: number[][];
}

/** Which loss is best and which cannot be told apart from it. */
export interface VerdictV2 {
  best: string;
  tiedWithBest: string[];
  method: string;
  /** The score compared: `dice` (binary) or `iou` (multiclass mIoU). */
  metric: 'dice' | 'iou';
  confidence: number;
}

/** How the statistics were formed. */
export interface StatisticsV2 {
  /** `pooled counts` (scores from pixel counts summed over images and runs) or `mean of per-image scores`. */
  aggregation: string;
  /** The repeat indices present (runs paired by repeat). */
  repeats: number[];
  /** The held-out images, by name (paired across runs and losses). */
  images: string[];
  replicates: number;
  seed: number;
}

/** `results.json`, schema 2. */
export interface Results {
  schema: 2;
  tool: string;
  command: string;
  createdAt: string;
  settings: CompareSettings;
  verdict: VerdictV2;
  /** `verdict.best` (kept for readers of schema 1). */
  best: string;
  statistics: StatisticsV2;
  /** Scores of trivial predictions on the held-out images, for scale. */
  baselines: Record<string, Scores>;
  losses: LossResult[];
  /** Present when the compare was interrupted (Ctrl-C): the report covers `runsDone` of `runsPlanned` runs. */
  incomplete?: { runsDone: number; runsPlanned: number };
}

/** A held-out image and its label maps, as shown in the report (scaled down to fit). */
export interface Overlay {
  name: string;
  width: number;
  height: number;
  /** Gray or RGB floats in [0, 1], `width·height·channels`. */
  image: Float32Array;
  truth: Int32Array;
  /** Predicted label map per loss label. */
  predictions: Record<string, Int32Array>;
}


/** The preprocessing and provenance of a saved model: `segloss.json` beside `model.json`. */
export interface ModelCard {
  format: 'segloss-model';
  version: 2;
  resolution: Resolution;
  /** The sliding window's side (the training patch). */
  patch: number;
  channels: 1 | 3;
  mode: TaskMode;
  classes: number;
  classNames?: string[];
  foreground?: number;
  ignoreIndex?: number;
  maskSuffix: string;
  palette?: Colour[];
  seed: number;
  /** The synthetic set's: a fresh one (seed + 1) is scored when `eval` gets no --data. */
  fgFraction?: number;
  syntheticSize?: number;
  loss: { name: string; label: string; options: Record<string, unknown> };
  settings: RunSettings;
  scores: Scores;
  history: EpochRecord[];
}
