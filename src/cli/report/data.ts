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
export type CompareSettings = RunSettings & { losses: string[] };

export interface LossResult extends Scores {
  /** The loss factory's name, e.g. `focalLoss`. */
  loss: string;
  /** As written in `--losses` (unique). */
  label: string;
  options: Record<string, unknown>;
  seconds: number;
  history: EpochRecord[];
}

export interface Results {
  tool: string;
  command: string;
  createdAt: string;
  settings: CompareSettings;
  /** Label of the loss with the best held-out Dice. */
  best: string;
  /** Scores of trivial predictions, for scale (binary mode). */
  baselines: Record<string, Scores>;
  losses: LossResult[];
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
