/**
 * Reads the data of a plan through the environment and prepares it for training, in pipeline
 * order: the built-in synthetic set, or `images/` + `masks/` folders (any supported format,
 * paired by file stem) → every data check (pipeline/buildDataset.ts), run on the training and
 * held-out masks together before any training, as a streaming pass (one pair decoded at a time,
 * checked, counted and dropped) → the training / held-out split → each image at the run's
 * resolution. The result holds no pixels: the samples are stores (pipeline/sampleStore.ts) that
 * decode an image when a batch or a validation needs it, through one cache of at most
 * `cacheBytes` per process (or worker). The originals stay available: every score is computed at
 * their size.
 */
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import type { DataPlan } from '../options/plan.js';
import { byteCache, type ByteCache } from '../pipeline/byteCache.js';
import { sampleOf, scanPairs, type LazyPair, type PairInfo } from '../pipeline/buildDataset.js';
import { foregroundCount, type ForegroundCount } from '../pipeline/labels.js';
import { atResolution, resolutionSize } from '../pipeline/resolution.js';
import { cachedStore, heldOutSet, lazyStore, mappedStore, memoryStore, sampleBytes, type HeldOutSet, type SampleStore } from '../pipeline/sampleStore.js';
import { splitSizes, splitTail } from '../pipeline/split.js';
import { syntheticDataset } from '../pipeline/synthetic.js';
import type { LabelOptions, Resolution, Sample } from '../pipeline/types.js';
import type { DataSummary } from '../report/data.js';

/**
 * The bound of the decoded-image cache of one process or worker: 128 MiB, the images of 64 gray
 * 512² samples at the model's resolution (4 bytes a pixel for the image, 4 for the labels).
 */
export const DEFAULT_CACHE_BYTES = 128 * 2 ** 20;

/** Options of {@link loadData}. */
export interface LoadOptions {
  /** Bound of the decoded-image cache, in bytes. @defaultValue {@link DEFAULT_CACHE_BYTES} */
  cacheBytes?: number;
}

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
  /** The original training and held-out samples (labels at the masks' size), decoded on demand. */
  train: SampleStore;
  val: SampleStore;
  /** Each training and held-out mask's foreground and valid pixels (counted at load). */
  counts: { train: ForegroundCount[]; val: ForegroundCount[] };
  /** Training samples at the run's resolution. */
  trainInput: SampleStore;
  /** Held-out images at the run's resolution, each with its original. */
  heldOut: HeldOutSet;
  /** The cache every store of this data shares. */
  cache: ByteCache<Sample>;
  summary: DataSummary;
  /** One line: the mask values found and their pixel counts (folders only). */
  maskValues?: string;
  warnings: string[];
}

/** One folder's pairs, checked: their readers and names, sizes and label counts. */
export interface CheckedFolder {
  pairs: LazyPair[];
  infos: PairInfo[];
}

/** Lists one or more folders, then reads, checks and counts all their pairs together (one at a time). */
export async function loadFolders(env: Env, dirs: string[], label: LabelOptions, maskSuffix: string) {
  const perFolder: LazyPair[][] = [];
  for (const dir of dirs) perFolder.push(await env.images.listPairs(dir, { maskSuffix }));
  const all = await scanPairs(perFolder.flat(), label);
  let start = 0;
  const folders: CheckedFolder[] = perFolder.map((pairs) => ({ pairs, infos: all.infos.slice(start, (start += pairs.length)) }));
  return { folders, channels: all.channels, classes: all.classes, maskValues: all.summary, warnings: all.warnings };
}

/** A store over checked pairs: sample i decoded from `pairs[i]` at each `get` (or from `cached`). */
export function pairStore(folder: CheckedFolder, meta: { channels: 1 | 3; classes: number }, label: LabelOptions, cached?: { cache: ByteCache<Sample>; key: string }): SampleStore {
  const infos = folder.infos.map(({ name, width, height }) => ({ name, width, height }));
  return lazyStore({ infos, ...meta }, async (i) => sampleOf(await folder.pairs[i].read(), meta.channels, label), cached);
}

/** The patch actually used: at most the largest training image side, rounded up to a multiple of `cells`. */
function effectivePatch(patch: number, train: readonly { width: number; height: number }[], cells: number): number {
  const largest = Math.max(...train.map((s) => Math.max(s.width, s.height)));
  return Math.min(patch, Math.ceil(largest / cells) * cells);
}

/** The first `n` of a folder's pairs and the rest. */
function splitFolder(f: CheckedFolder, n: number): [CheckedFolder, CheckedFolder] {
  return [
    { pairs: f.pairs.slice(0, n), infos: f.infos.slice(0, n) },
    { pairs: f.pairs.slice(n), infos: f.infos.slice(n) },
  ];
}

/** The plan's data, checked, split into training and held-out images and seen at the run's resolution. */
export async function loadData(env: Env, plan: DataPlan, cells: number, options: LoadOptions = {}): Promise<LoadedData> {
  const { valSplit, source } = plan;
  const cache = byteCache<Sample>(options.cacheBytes ?? DEFAULT_CACHE_BYTES, sampleBytes);
  let label = plan.label;
  let classNames = plan.classNames;
  let train: SampleStore; // originals, not cached: training reads them at the run's resolution (trainInput)
  let valBase: SampleStore;
  let counts: LoadedData['counts'];
  let summary: DataSummary;
  let maskValues: string | undefined;
  let warnings: string[] = [];
  if (source.kind === 'synthetic') {
    const classes = label.classes ?? 2;
    const samples = syntheticDataset({ count: source.count, size: source.size, fgFraction: source.fgFraction, seed: source.seed, classes });
    const [t, v] = splitTail({ channels: 1, classes, samples }, valSplit);
    [train, valBase] = [memoryStore(t), memoryStore(v)];
    counts = { train: t.samples.map((s) => foregroundCount(s.labels)), val: v.samples.map((s) => foregroundCount(s.labels)) };
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
    const [t, v] = source.val !== undefined ? loaded.folders : splitFolder(loaded.folders[0], splitSizes(loaded.folders[0].infos.length, valSplit)[0]);
    const meta = { channels: loaded.channels, classes: loaded.classes };
    [train, valBase] = [pairStore(t, meta, label), pairStore(v, meta, label)];
    counts = { train: t.infos, val: v.infos };
    summary =
      source.val !== undefined
        ? { data: env.files.resolve(source.data), val: env.files.resolve(source.val) }
        : { data: env.files.resolve(source.data), valSplit, valFiles: v.infos.map((s) => s.name) };
  }
  const classes = label.classes ?? train.classes;
  if (classNames && classNames.length !== classes) {
    throw new UsageError(`--class-names must name the ${classes} classes, got ${classNames.length} names (${classNames.join(', ')}).`);
  }
  const { resolution } = plan;
  const atRun = (store: SampleStore) => store.infos.map((s) => ({ name: s.name, ...resolutionSize(s, resolution) }));
  const sameSize = (store: SampleStore) => atRun(store).every((s, i) => s.width === store.infos[i].width && s.height === store.infos[i].height);
  const toRun = (s: Sample) => atResolution(s, resolution);
  const trainInput = mappedStore(train, atRun(train), toRun, { cache, key: 'train' });
  const val = cachedStore(valBase, { cache, key: 'val' });
  const valInput = sameSize(val) ? val : mappedStore(val, atRun(val), toRun, { cache, key: 'val-input' });
  const patch = resolution.kind === 'size' ? resolution.size : effectivePatch(plan.patch, trainInput.infos, cells);
  const heldOut = heldOutSet(valInput, val);
  return { label, classNames, resolution, patch, augment: plan.augment, train, val, counts, trainInput, heldOut, cache, summary, maskValues, warnings };
}
