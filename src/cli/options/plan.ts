/**
 * Typed plans: the parsed flags of a command, checked against each other (the U-Net's pooling
 * against --patch or --size, --size vs --scale and --patch, binary vs multiclass flags,
 * --foreground vs --ignore-index, synthetic-set flags vs --data) and with every loss built, so each mistake in a command line surfaces before any
 * data is read or any training starts.
 */
import type { LossFn } from '../../types.js';
import { UsageError } from '../errors.js';
import type { TrainSettings } from '../pipeline/trainRun.js';
import { IGNORED, type LabelOptions, type Resolution } from '../pipeline/types.js';
import { flagName, MULTICLASS_LOSSES, SEED_MAX, type BackendChoice, type COMPARE_FLAGS, type EVAL_FLAGS, type Flags, type TRAIN_FLAGS } from './flags.js';
import { buildLoss, parseLosses, type LossSpec, type TaskOptions } from './lossSpec.js';

/** Where the training images come from, how masks become labels, and the resolution the model works at. */
export interface DataPlan {
  label: LabelOptions;
  /** The `--palette` value (a list or a file), read with the data. */
  palette?: string;
  /** `--class-names`, split. */
  classNames?: string[];
  maskSuffix: string;
  resolution: Resolution;
  /** Training patch side (and inference window); `--size N` trains on whole N×N images. */
  patch: number;
  augment: boolean;
  /** Fraction held out when there is no --val folder. */
  valSplit: number;
  source: { kind: 'synthetic'; count: number; size: number; fgFraction: number; seed: number } | { kind: 'folder'; data: string; val?: string };
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
  /** Training runs per loss (seeds `training.seed … training.seed + repeats − 1`). */
  repeats: number;
  /** Runs trained at once; undefined: the number of cores. */
  jobs?: number;
  /** Keep the runs already stored in `out/runs/` (`--resume`). */
  resume: boolean;
  /** NSD tolerance τ in pixels. */
  nsdTolerance: number;
  /** Held-out images shown in the report. */
  samples: number;
  /** Write every held-out prediction under `predictions/` in the report folder. */
  savePredictions: boolean;
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
  /** Override the model's mask suffix and palette. */
  maskSuffix?: string;
  palette?: string;
  syntheticCount: number;
  savePredictions?: string;
  /** NSD tolerance τ in pixels. */
  nsdTolerance: number;
  json?: string;
  backend: BackendChoice;
}

type TrainingFlags = Flags<typeof COMPARE_FLAGS> | Flags<typeof TRAIN_FLAGS>;

/** `--class-names a,b,c` as a list (blank names refused). */
function classNames(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--class-names must be a comma-separated list of names, got '${text}'.`);
  return names;
}

/** The resolution flags: `--size N` (whole N×N images) or `--scale` with `--patch`. */
function resolutionOf(f: TrainingFlags, given: Set<string>): { resolution: Resolution; patch: number } {
  const cells = 2 ** f.depth;
  if (f.size !== undefined) {
    for (const name of ['scale', 'patch'] as const) {
      if (given.has(name)) throw new UsageError(`--${name} and --size exclude each other: --size N trains on whole images resized to N×N.`);
    }
    if (f.size % cells !== 0) throw new UsageError(`--size must be divisible by 2^depth = ${cells} (the U-Net pools ${f.depth} times), got ${f.size}.`);
    return { resolution: { kind: 'size', size: f.size }, patch: f.size };
  }
  if (f.patch % cells !== 0) throw new UsageError(`--patch must be divisible by 2^depth = ${cells} (the U-Net pools ${f.depth} times), got ${f.patch}.`);
  return { resolution: { kind: 'native', scale: f.scale }, patch: f.patch };
}

/** The data flags, checked against each other and against the U-Net's depth. */
function dataPlan(f: TrainingFlags, given: Set<string>): DataPlan {
  const { mode, classes, foreground, ignoreIndex } = f;
  if (mode === 'binary' && classes !== undefined && classes !== 2) {
    throw new UsageError(`--classes must be 2 (or left out) in binary mode, got ${classes}; use --mode multiclass for more classes.`);
  }
  if (mode === 'multiclass' && foreground !== undefined) {
    throw new UsageError('--foreground applies to --mode binary only (multiclass masks hold class indices).');
  }
  if (ignoreIndex !== undefined && ignoreIndex === foreground) {
    throw new UsageError(`--ignore-index and --foreground must differ, got ${ignoreIndex} for both.`);
  }
  const names = classNames(f.classNames);
  if (names && classes !== undefined && names.length !== classes) {
    throw new UsageError(`--class-names must name the ${classes} classes, got ${names.length} names.`);
  }
  const label: LabelOptions = { mode, classes, foreground, ignoreIndex };
  const common = { ...resolutionOf(f, given), classNames: names, augment: !f.noAugment, valSplit: f.valSplit, maskSuffix: f.maskSuffix };
  if (f.data === undefined) {
    if (f.val !== undefined) throw new UsageError('--val needs --data (the synthetic set is split with --val-split).');
    for (const name of ['maskSuffix', 'palette'] as const) {
      if (given.has(name)) throw new UsageError(`--${flagName(name)} applies to --data folders only, not to the synthetic set.`);
    }
    const synthetic = { count: f.syntheticCount, size: f.size ?? f.syntheticSize, fgFraction: f.fgFraction, seed: f.seed };
    return { ...common, label: { ...label, classes: mode === 'multiclass' ? classes ?? 3 : 2 }, source: { kind: 'synthetic', ...synthetic } };
  }
  for (const name of ['syntheticCount', 'syntheticSize', 'fgFraction'] as const) {
    if (given.has(name)) throw new UsageError(`--${flagName(name)} applies to the synthetic set only, not with --data.`);
  }
  return { ...common, label, palette: f.palette, source: { kind: 'folder', data: f.data, val: f.val } };
}

function trainingPlan(f: TrainingFlags, given: Set<string>): TrainingPlan {
  return {
    data: dataPlan(f, given),
    training: { epochs: f.epochs, steps: f.steps, batchSize: f.batchSize, lr: f.lr, width: f.width, depth: f.depth, seed: f.seed },
    backend: f.backend,
    quiet: f.quiet,
  };
}

/** The task every loss is built for: the mode, and the ignored label when masks have one. */
function taskOf(label: LabelOptions): TaskOptions {
  return { mode: label.mode, ...(label.ignoreIndex !== undefined ? { ignoreIndex: IGNORED } : {}) };
}

export function comparePlan(f: Flags<typeof COMPARE_FLAGS>, given: Set<string>): ComparePlan {
  const specs = parseLosses(f.mode === 'multiclass' && !given.has('losses') ? MULTICLASS_LOSSES : f.losses);
  if (f.budget !== undefined && given.has('epochs')) {
    throw new UsageError(`--budget and --epochs exclude each other: --budget ${f.budget} trains every run for ${f.budget} minutes, --epochs ${f.epochs} for ${f.epochs} epochs.`);
  }
  if (f.seed + f.repeats - 1 > SEED_MAX) {
    throw new UsageError(`--seed plus --repeats − 1 must be at most ${SEED_MAX} (run k uses seed + k), got ${f.seed} + ${f.repeats - 1}.`);
  }
  const plan = trainingPlan(f, given);
  if (f.budget !== undefined) plan.training.budget = f.budget;
  const { samples, savePredictions, out, repeats, jobs, resume, nsdTolerance } = f;
  return withLosses({ ...plan, losses: [], samples, savePredictions, out, repeats, jobs, resume, nsdTolerance }, specs);
}

/** A compare plan as plain, structured-clonable data: the losses as their specs only (workers rebuild them). */
export type PortablePlan = Omit<ComparePlan, 'losses'> & { losses: { spec: LossSpec }[] };

/** `plan` without its loss functions, to send to a worker. */
export function portablePlan(plan: ComparePlan): PortablePlan {
  return { ...plan, losses: plan.losses.map(({ spec }) => ({ spec })) };
}

/** A compare plan with every loss of `specs` built for the plan's task (a worker's copy of the plan). */
export function withLosses(plan: PortablePlan, specs: readonly LossSpec[] = plan.losses.map((l) => l.spec)): ComparePlan {
  const task = taskOf(plan.data.label);
  return { ...plan, losses: specs.map((spec) => ({ spec, loss: buildLoss(spec, task) })) };
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
  if (f.data === undefined) {
    for (const [name, value] of [['mask-suffix', f.maskSuffix], ['palette', f.palette]] as const) {
      if (value !== undefined) throw new UsageError(`--${name} applies to --data folders only, not to the synthetic set.`);
    }
  }
  const { model, data, maskSuffix, palette, syntheticCount, savePredictions, nsdTolerance, json, backend } = f;
  return { model, data, maskSuffix, palette, syntheticCount, savePredictions, nsdTolerance, json, backend };
}
