/**
 * Samples held as a source rather than in memory: what every image is (name, size) is known at
 * once, its pixels only when asked. A folder's store decodes image i (and its mask) on `get(i)`,
 * through a {@link ByteCache} shared by the run's stores, so the memory held for pixels is bounded
 * by the cache, not by the number of images (see docs/data.md, "Memory"). The synthetic set is a
 * store over samples already in memory. Training draws its patch placements from `infos` and
 * fetches the few images a batch needs; validation and scoring walk the held-out images one at a
 * time ({@link HeldOutSet}).
 */
import type { ByteCache } from './byteCache.js';
import type { Dataset, Sample } from './types.js';

/** What is known of an image before its pixels are read: its name (the file stem) and size. */
export interface SampleInfo {
  name: string;
  width: number;
  height: number;
}

/** Samples that share channels and classes, each fetched on demand. */
export interface SampleStore {
  /** Every sample's name and size, in order (the sizes of what {@link SampleStore.get} returns). */
  readonly infos: readonly SampleInfo[];
  /** Colour channels of every image: 1 (gray) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** Number of label classes: 2 in binary mode, K in multiclass mode. */
  readonly classes: number;
  /** Sample `i` (decoded, or from the cache). Callers must not modify it: it may be shared. */
  get(i: number): Promise<Sample>;
}

/** One held-out image: as the model sees it, and as its files hold it. */
export interface HeldOut {
  /** The image at the run's resolution (what the model is given). */
  input: Sample;
  /** The original sample: its labels, at the mask's own size, are what the scores compare with. */
  truth: Sample;
}

/** The held-out images, fetched one at a time. */
export interface HeldOutSet {
  readonly count: number;
  get(i: number): Promise<HeldOut>;
}

/** The bytes a sample holds (image and labels): what a {@link ByteCache} of samples counts. */
export function sampleBytes(sample: Sample): number {
  return sample.image.byteLength + sample.labels.byteLength;
}

/** The cache of a run's decoded samples, and the prefix of this store's keys in it. */
export interface StoreCache {
  cache: ByteCache<Sample>;
  key: string;
}

/** A store whose sample `i` is `load(i)`, kept in `cached.cache` when given. */
export function lazyStore(meta: Omit<SampleStore, 'get'>, load: (i: number) => Promise<Sample>, cached?: StoreCache): SampleStore {
  const get = cached ? (i: number) => cached.cache.get(`${cached.key}:${i}`, () => load(i)) : load;
  return { infos: meta.infos, channels: meta.channels, classes: meta.classes, get };
}

/** A store over samples already in memory (the synthetic set, tests). */
export function memoryStore(data: Dataset): SampleStore {
  const infos = data.samples.map(({ name, width, height }) => ({ name, width, height }));
  return lazyStore({ infos, channels: data.channels, classes: data.classes }, (i) => Promise.resolve(data.samples[i]));
}

/** The store seen through `f` (e.g. each sample at the run's resolution), whose samples have the sizes `infos`. */
export function mappedStore(base: SampleStore, infos: readonly SampleInfo[], f: (sample: Sample) => Sample, cached?: StoreCache): SampleStore {
  return lazyStore({ ...base, infos }, async (i) => f(await base.get(i)), cached);
}

/** `base` with its samples kept in `cached.cache`. */
export function cachedStore(base: SampleStore, cached: StoreCache): SampleStore {
  return lazyStore(base, base.get, cached);
}

/** Held-out images: `inputs.get(i)` for the model, `truths.get(i)` for the scores. */
export function heldOutSet(inputs: SampleStore, truths: SampleStore): HeldOutSet {
  return {
    count: truths.infos.length,
    get: async (i) => {
      const truth = await truths.get(i);
      return { input: await inputs.get(i), truth };
    },
  };
}

/** Held-out images already in memory. */
export function heldOutList(list: readonly HeldOut[]): HeldOutSet {
  return { count: list.length, get: (i) => Promise.resolve(list[i]) };
}

/** Every sample of a store, in order (for small sets and tests: this holds them all). */
export async function readAll(store: SampleStore): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < store.infos.length; i++) out.push(await store.get(i));
  return out;
}
