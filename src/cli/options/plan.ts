/**
 * Typed plans: the parsed flags of a command, checked against each other (the U-Net's pooling
 * against --size, binary vs multiclass flags, --foreground vs --ignore-index, synthetic-set flags
 * vs --data) and with every loss built, so each mistake in a command line surfaces before any
 * data is read or any training starts.
 */
import type { LossFn } from '../../types.js';
import { UsageError } from '../errors.js';
import type { TrainSettings } from '../pipeline/trainRun.js';
import { IGNORED, type LabelOptions } from '../pipeline/types.js';
import { flagName, type BackendChoice, type COMPARE_FLAGS, type EVAL_FLAGS, type Flags, type TRAIN_FLAGS } from './flags.js';
import { buildLoss, parseLosses, type LossSpec, type TaskOptions } from './lossSpec.js';

/** Where the training images come from, and how masks become labels. */
export interface DataPlan {
  size: number;
  label: LabelOptions;
  /** Fraction held out when there is no --val folder. */
  valSplit: number;
  source: { kind: 'synthetic'; count: number; fgFraction: number; seed: number } | { kind: 'folder'; data: string; val?: string };
}

/** What every training command shares. */
interface TrainingPlan {
  data: DataPlan;
  training: TrainSettings;
  backend: BackendChoice;
  quiet: boolean;
}

export interface PlannedLoss {
  spec: LossSpec;
  loss: LossFn;
}

export interface ComparePlan extends TrainingPlan {
  losses: PlannedLoss[];
  /** Held-out images shown in the report. */
  samples: number;
  out: string;
}

export interface TrainPlan extends TrainingPlan {
  loss: PlannedLoss;
  out: string;
}

export interface EvalPlan {
  model: string;
  /** A folder to score, or undefined for a fresh synthetic set. */
  data?: string;
  syntheticCount: number;
  batchSize: number;
  json?: string;
  backend: BackendChoice;
}

type TrainingFlags = Flags<typeof COMPARE_FLAGS> | Flags<typeof TRAIN_FLAGS>;

/** The data flags, checked against each other and against the U-Net's depth. */
function dataPlan(f: TrainingFlags, given: Set<string>): DataPlan {
  const { size, depth, mode, classes, foreground, ignoreIndex } = f;
  if (size % 2 ** depth !== 0) {
    throw new UsageError(`--size must be divisible by 2^depth = ${2 ** depth} (the U-Net pools ${depth} times), got ${size}.`);
  }
  if (mode === 'binary' && classes !== undefined && classes !== 2) {
    throw new UsageError(`--classes must be 2 (or left out) in binary mode, got ${classes}; use --mode multiclass for more classes.`);
  }
  if (mode === 'multiclass' && foreground !== undefined) {
    throw new UsageError('--foreground applies to --mode binary only (multiclass masks hold class indices).');
  }
  if (ignoreIndex !== undefined && ignoreIndex === foreground) {
    throw new UsageError(`--ignore-index and --foreground must differ, got ${ignoreIndex} for both.`);
  }
  const label: LabelOptions = { mode, classes, foreground, ignoreIndex };
  if (f.data === undefined) {
    if (f.val !== undefined) throw new UsageError('--val needs --data (the synthetic set is split with --val-split).');
    const source = { kind: 'synthetic' as const, count: f.syntheticCount, fgFraction: f.fgFraction, seed: f.seed };
    return { size, label: { ...label, classes: mode === 'multiclass' ? classes ?? 3 : 2 }, valSplit: f.valSplit, source };
  }
  for (const name of ['syntheticCount', 'fgFraction'] as const) {
    if (given.has(name)) throw new UsageError(`--${flagName(name)} applies to the synthetic set only, not with --data.`);
  }
  return { size, label, valSplit: f.valSplit, source: { kind: 'folder', data: f.data, val: f.val } };
}

function trainingPlan(f: TrainingFlags, given: Set<string>): TrainingPlan {
  return {
    data: dataPlan(f, given),
    training: { mode: f.mode, epochs: f.epochs, batchSize: f.batchSize, lr: f.lr, width: f.width, depth: f.depth, seed: f.seed },
    backend: f.backend,
    quiet: f.quiet,
  };
}

/** The task every loss is built for: the mode, and the ignored label when masks have one. */
function taskOf(label: LabelOptions): TaskOptions {
  return { mode: label.mode, ...(label.ignoreIndex !== undefined ? { ignoreIndex: IGNORED } : {}) };
}

export function comparePlan(f: Flags<typeof COMPARE_FLAGS>, given: Set<string>): ComparePlan {
  const specs = parseLosses(f.losses);
  const plan = trainingPlan(f, given);
  const task = taskOf(plan.data.label);
  return { ...plan, losses: specs.map((spec) => ({ spec, loss: buildLoss(spec, task) })), samples: f.samples, out: f.out };
}

export function trainPlan(f: Flags<typeof TRAIN_FLAGS>, given: Set<string>): TrainPlan {
  const specs = parseLosses(f.loss);
  if (specs.length !== 1) {
    throw new UsageError(`--loss takes one loss, got ${specs.length} (${specs.map((s) => s.label).join(', ')}); use segloss compare for several.`);
  }
  const plan = trainingPlan(f, given);
  return { ...plan, loss: { spec: specs[0], loss: buildLoss(specs[0], taskOf(plan.data.label)) }, out: f.out };
}

export function evalPlan(f: Flags<typeof EVAL_FLAGS>): EvalPlan {
  return { model: f.model, data: f.data, syntheticCount: f.syntheticCount, batchSize: f.batchSize, json: f.json, backend: f.backend };
}
