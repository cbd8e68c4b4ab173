/**
 * Reads the training data of a plan through the environment: the built-in synthetic set, or
 * `images/` + `masks/` folders (PNGs paired by file name; every check names the file), resized
 * to the plan's size and split into training and held-out images.
 */
import type { Env } from '../env.js';
import { CliError } from '../errors.js';
import type { DataPlan } from '../options/plan.js';
import { maskValues, toDatasets, type RawPair } from '../pipeline/dataset.js';
import { splitTail } from '../pipeline/split.js';
import { syntheticDataset } from '../pipeline/synthetic.js';
import type { Dataset, LabelOptions } from '../pipeline/types.js';
import type { DataSummary } from '../report/data.js';

export interface LoadedData {
  /** The plan's label options, with `classes` resolved. */
  label: LabelOptions;
  size: number;
  train: Dataset;
  val: Dataset;
  summary: DataSummary;
}

function listPngs(env: Env, dir: string): string[] {
  return env.files.list(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort();
}

/** Reads and pairs every `images/X.png` with `masks/X.png` under `dir`. */
async function readPairs(env: Env, dir: string): Promise<RawPair[]> {
  const { join } = env.files;
  if (!env.files.isFolder(dir)) {
    throw new CliError(`data folder ${dir} does not exist (expected ${join(dir, 'images')} and ${join(dir, 'masks')}).`);
  }
  const imageDir = join(dir, 'images');
  const maskDir = join(dir, 'masks');
  for (const d of [imageDir, maskDir]) {
    if (!env.files.isFolder(d)) throw new CliError(`folder ${d} is missing; --data needs images/ and masks/ holding PNGs paired by file name.`);
  }
  const images = listPngs(env, imageDir);
  const masks = new Set(listPngs(env, maskDir));
  for (const f of images) {
    if (!masks.has(f)) throw new CliError(`${join(imageDir, f)} has no mask (expected ${join(maskDir, f)}).`);
  }
  const imageSet = new Set(images);
  for (const f of masks) {
    if (!imageSet.has(f)) throw new CliError(`${join(maskDir, f)} has no image (expected ${join(imageDir, f)}).`);
  }
  if (images.length === 0) throw new CliError(`${imageDir} holds no .png files.`);
  const pairs: RawPair[] = [];
  for (const f of images) {
    const image = await env.images.decode(join(imageDir, f));
    const maskFile = join(maskDir, f);
    const m = await env.images.decode(maskFile, { paletteIndices: true });
    if (m.width !== image.width || m.height !== image.height) {
      throw new CliError(`${maskFile} is ${m.width}×${m.height} but its image ${join(imageDir, f)} is ${image.width}×${image.height}; they must be the same size.`);
    }
    pairs.push({ name: f.replace(/\.png$/i, ''), image, mask: maskValues(m, maskFile), width: image.width, height: image.height, maskFile });
  }
  return pairs;
}

/** Loads one or more folders with the same label options and channel count (see toDatasets). */
export async function loadFolders(env: Env, dirs: string[], size: number, label: LabelOptions): Promise<Dataset[]> {
  const raws: RawPair[][] = [];
  for (const dir of dirs) raws.push(await readPairs(env, dir));
  return toDatasets(raws, size, label);
}

/** The plan's data, split into training and held-out images. */
export async function loadData(env: Env, plan: DataPlan): Promise<LoadedData> {
  const { size, label, valSplit, source } = plan;
  if (source.kind === 'synthetic') {
    const classes = label.classes ?? 2;
    const samples = syntheticDataset({ count: source.count, size, fgFraction: source.fgFraction, seed: source.seed, classes });
    const [train, val] = splitTail({ size, channels: 1, classes, samples }, valSplit);
    return { label, size, train, val, summary: { data: 'synthetic', syntheticCount: source.count, fgFraction: source.fgFraction, valSplit } };
  }
  if (source.val !== undefined) {
    const [train, val] = await loadFolders(env, [source.data, source.val], size, label);
    return { label: { ...label, classes: train.classes }, size, train, val, summary: { data: env.files.resolve(source.data), val: env.files.resolve(source.val) } };
  }
  const [all] = await loadFolders(env, [source.data], size, label);
  const [train, val] = splitTail(all, valSplit);
  return {
    label: { ...label, classes: all.classes },
    size,
    train,
    val,
    summary: { data: env.files.resolve(source.data), valSplit, valFiles: val.samples.map((s) => s.name) },
  };
}
