/**
 * The data of a report: what `results.json` holds (and `index.html` and `results.csv` show),
 * as plain typed data.
 */
import type { EpochRecord, Scores, TaskMode } from '../pipeline/types.js';

/** Where the images came from: the first keys of the settings. */
export type DataSummary =
  | { data: 'synthetic'; syntheticCount: number; fgFraction: number; valSplit: number }
  | { data: string; val: string }
  | { data: string; valSplit: number; valFiles: string[] };

/** The settings of a training run, in the order the report lists them. */
export type RunSettings = DataSummary & {
  trainImages: number;
  valImages: number;
  size: number;
  channels: number;
  mode: TaskMode;
  classes: number;
  /** Binary mode: the foreground mask value, or the default rule. */
  foreground?: number | '1 or 255';
  ignoreIndex: number | null;
  trainForegroundFraction: number;
  valForegroundFraction: number;
  model: string;
  epochs: number;
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

export interface Overlay {
  name: string;
  /** Gray or RGB floats in [0, 1]. */
  image: Float32Array;
  truth: Int32Array;
  /** Predicted label map per loss label. */
  predictions: Record<string, Int32Array>;
}


/** The preprocessing and provenance of a saved model: `segloss.json` beside `model.json`. */
export interface ModelCard {
  format: 'segloss-model';
  version: 1;
  size: number;
  channels: 1 | 3;
  mode: TaskMode;
  classes: number;
  foreground?: number;
  ignoreIndex?: number;
  seed: number;
  fgFraction?: number;
  loss: { name: string; label: string; options: Record<string, unknown> };
  settings: RunSettings;
  scores: Scores;
  history: EpochRecord[];
}
