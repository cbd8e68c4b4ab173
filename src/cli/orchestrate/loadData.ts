/**
 * Reads the data of a plan through the environment and prepares it for training, in pipeline
 * order: the built-in synthetic set, or `images/` + `masks/` folders (any supported format,
 * paired by file stem) → every data check (pipeline/buildDataset.ts), run on the training and
 * held-out masks together before any training → the training / held-out split → each image at
 * the run's resolution. The originals are kept: every score is computed at their size.
 */
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import type { DataPlan } from '../options/plan.js';
import { buildDataset, type ImagePair } from '../pipeline/buildDataset.js';
import type { HeldOut } from '../pipeline/evaluate.js';
import { atResolution } from '../pipeline/resolution.js';
import { splitTail } from '../pipeline/split.js';
import { syntheticDataset } from '../pipeline/synthetic.js';
import type { Dataset, LabelOptions, Resolution, Sample } from '../pipeline/types.js';
import type { DataSummary } from '../report/data.js';

/** The data of a run: originals, the model's view of them, and what the checks found. */
export interface LoadedData {
  /** The plan's label options, with `classes` (and the palette's colours) resolved. */
  label: LabelOptions;
  classNames?: string[];
  resolution: Resolution;
  /** Training patch side and inference window, at most the largest image side (rounded up to 2^depth). */
  patch: number;
  /** Random flips and 90° rotations of the training patches. */
  augment: boolean;
  /** The original training and held-out samples (labels at the masks' size). */
  train: Dataset;
  val: Dataset;
  /** Training samples at the run's resolution. */
  trainInput: Sample[];
  /** Held-out images at the run's resolution, each with its original. */
  heldOut: HeldOut[];
  summary: DataSummary;
  /** One line: the mask values found and their pixel counts (folders only). */
  maskValues?: string;
  warnings: string[];
}

/** Reads, checks and labels one or more folders together; returns one dataset per folder. */
export async function loadFolders(env: Env, dirs: string[], label: LabelOptions, maskSuffix: string) {
  const perFolder: ImagePair[][] = [];
  for (const dir of dirs) perFolder.push(await env.images.readPairs(dir, { maskSuffix }));
  const all = buildDataset(perFolder.flat(), label);
  let start = 0;
  const datasets = perFolder.map((pairs) => {
    const samples = all.samples.slice(start, (start += pairs.length));
    return { samples, channels: all.channels, classes: all.classes };
  });
  return { datasets, classes: all.classes, maskValues: all.summary, warnings: all.warnings };
}

/** The patch actually used: at most the largest training image side, rounded up to a multiple of `cells`. */
function effectivePatch(patch: number, train: Sample[], cells: number): number {
  const largest = Math.max(...train.map((s) => Math.max(s.width, s.height)));
  return Math.min(patch, Math.ceil(largest / cells) * cells);
}

/** The plan's data, checked, split into training and held-out images and seen at the run's resolution. */
export async function loadData(env: Env, plan: DataPlan, cells: number): Promise<LoadedData> {
  const { valSplit, source } = plan;
  let label = plan.label;
  let classNames = plan.classNames;
  let train: Dataset;
  let val: Dataset;
  let summary: DataSummary;
  let maskValues: string | undefined;
  let warnings: string[] = [];
  if (source.kind === 'synthetic') {
    const classes = label.classes ?? 2;
    const samples = syntheticDataset({ count: source.count, size: source.size, fgFraction: source.fgFraction, seed: source.seed, classes });
    [train, val] = splitTail({ channels: 1, classes, samples }, valSplit);
    summary = { data: 'synthetic', syntheticCount: source.count, syntheticSize: source.size, fgFraction: source.fgFraction, valSplit };
  } else {
    if (plan.palette !== undefined) {
      const palette = env.images.readPalette(plan.palette);
      label = { ...label, palette: palette.colours };
      classNames ??= palette.names;
    }
    const dirs = source.val !== undefined ? [source.data, source.val] : [source.data];
    const loaded = await loadFolders(env, dirs, label, plan.maskSuffix);
    label = { ...label, classes: loaded.classes };
    ({ maskValues, warnings } = loaded);
    if (source.val !== undefined) {
      [train, val] = loaded.datasets;
      summary = { data: env.files.resolve(source.data), val: env.files.resolve(source.val) };
    } else {
      [train, val] = splitTail(loaded.datasets[0], valSplit);
      summary = { data: env.files.resolve(source.data), valSplit, valFiles: val.samples.map((s) => s.name) };
    }
  }
  const classes = label.classes ?? train.classes;
  if (classNames && classNames.length !== classes) {
    throw new UsageError(`--class-names must name the ${classes} classes, got ${classNames.length} names (${classNames.join(', ')}).`);
  }
  const { resolution } = plan;
  const trainInput = train.samples.map((s) => atResolution(s, resolution));
  const heldOut = val.samples.map((truth) => ({ input: atResolution(truth, resolution), truth }));
  const patch = resolution.kind === 'size' ? resolution.size : effectivePatch(plan.patch, trainInput, cells);
  return { label, classNames, resolution, patch, augment: plan.augment, train, val, trainInput, heldOut, summary, maskValues, warnings };
}
