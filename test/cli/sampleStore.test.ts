/**
 * The decoded-image cache (pipeline/byteCache.ts) and the stores over it (pipeline/sampleStore.ts,
 * orchestrate/loadData.ts): the byte bound holds, the least recently used image goes first, one
 * load per key at a time, failures are not kept, and a file that cannot be read when a batch needs
 * it is named in the error.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { nodeEnv } from '../../src/cli/node/env.js';
import { COMPARE_FLAGS } from '../../src/cli/options/flags.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { comparePlan } from '../../src/cli/options/plan.js';
import { loadData } from '../../src/cli/orchestrate/loadData.js';
import { byteCache } from '../../src/cli/pipeline/byteCache.js';
import { sampleBytes } from '../../src/cli/pipeline/sampleStore.js';
import { dataFolder } from './dataFolder.js';
import { png, tempDir } from './imageFiles.js';

const { dir: root, remove } = tempDir();
afterAll(remove);

/** A cache of byte strings whose size is their length, and the loads it made. */
function strings(limit: number) {
  const loads: string[] = [];
  const cache = byteCache<string>(limit, (s) => s.length);
  const get = (key: string, size: number) =>
    cache.get(key, async () => {
      loads.push(key);
      return key.padEnd(size, '.');
    });
  return { cache, get, loads };
}

describe('byteCache()', () => {
  it('keeps at most its limit in bytes, evicting the least recently used first', async () => {
    const { cache, get, loads } = strings(10);
    await get('a', 4);
    await get('b', 4);
    await get('a', 4); // a is now the most recent
    expect(cache.keys()).toEqual(['b', 'a']);
    await get('c', 4); // 12 > 10: b goes
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.bytes).toBe(8);
    await get('d', 6); // 8 + 6 > 10: a, the least recently used, goes; c + d = 10 fits
    expect(cache.keys()).toEqual(['c', 'd']);
    expect(cache.bytes).toBe(10);
    expect(loads).toEqual(['a', 'b', 'c', 'd']); // the second 'a' was a hit
  });

  it('returns a value larger than the limit without keeping it, and keeps nothing with limit 0', async () => {
    const big = strings(5);
    expect(await big.get('x', 8)).toBe('x.......');
    expect([big.cache.keys(), big.cache.bytes]).toEqual([[], 0]);
    const none = strings(0);
    await none.get('a', 1);
    await none.get('a', 1);
    expect(none.loads).toEqual(['a', 'a']);
  });

  it('shares one load between concurrent requests of a key, and does not keep a failure', async () => {
    const { get, loads } = strings(100);
    const [a, b] = await Promise.all([get('k', 3), get('k', 3)]);
    expect([a, b, loads]).toEqual(['k..', 'k..', ['k']]);
    const cache = byteCache<string>(100, (s) => s.length);
    let calls = 0;
    const flaky = () => cache.get('f', async () => (++calls === 1 ? Promise.reject(new Error('first read fails')) : 'ok'));
    await expect(flaky()).rejects.toThrow('first read fails');
    expect(await flaky()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('rejects a negative or non-numeric limit', () => {
    expect(() => byteCache(-1, () => 0)).toThrow('byteCache: limit must be a non-negative number of bytes, got -1.');
    expect(() => byteCache(Number.NaN, () => 0)).toThrow(RangeError);
  });
});

const env = nodeEnv({ out: { write: () => true }, err: { write: () => true } });
const image = (w: number, h: number) => png(Uint8Array.from({ length: w * h }, (_, i) => (7 * i) % 256), { width: w, height: h });
const mask = (w: number, h: number) => png(Uint8Array.from({ length: w * h }, (_, i) => (i % 3 === 0 ? 255 : 0)), { width: w, height: h });

function load(dir: string, cacheBytes: number) {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, ['--data', dir, '--depth', '1', '--val-split', '0.25']);
  return loadData(env, comparePlan(flags, given).data, 2, { cacheBytes });
}

describe('loadData() stores', () => {
  const dir = dataFolder(join(root, 'four'), { 'a.png': [image(8, 8), mask(8, 8)], 'b.png': [image(8, 8), mask(8, 8)], 'c.png': [image(8, 8), mask(8, 8)], 'd.png': [image(8, 8), mask(8, 8)] });

  it('hold only what the cache bound allows, and decode again what was evicted (the same values)', async () => {
    const one = 8 * 8 * 4 * 2; // an 8×8 gray sample: float32 image + int32 labels
    const d = await load(dir, 2 * one);
    expect(d.cache.bytes).toBe(0); // the load-time checks keep no pixels
    const first = await d.trainInput.get(0);
    expect(sampleBytes(first)).toBe(one);
    await d.trainInput.get(1);
    await d.trainInput.get(2); // evicts sample 0
    expect(d.cache.keys()).toEqual(['train:1', 'train:2']);
    expect(d.cache.bytes).toBeLessThanOrEqual(2 * one);
    const again = await d.trainInput.get(0);
    expect(again).not.toBe(first); // decoded anew
    expect(again).toEqual(first);
    expect(await d.trainInput.get(0)).toBe(again); // now a hit
  });

  it('name the file that can no longer be read when an image is needed', async () => {
    const gone = dataFolder(join(root, 'gone'), { 'a.png': [image(8, 8), mask(8, 8)], 'b.png': [image(8, 8), mask(8, 8)] });
    const d = await load(gone, 0);
    writeFileSync(join(gone, 'images', 'a.png'), 'not a png');
    const error = await d.trainInput.get(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain(join(gone, 'images', 'a.png'));
    rmSync(join(gone, 'masks', 'b.png'));
    await expect(d.heldOut.get(0)).rejects.toThrow(join(gone, 'masks', 'b.png'));
  });

  it('refuse at load a corrupt file, naming it, before any training', async () => {
    const bad = dataFolder(join(root, 'bad'), { 'a.png': [image(8, 8), mask(8, 8)], 'b.png': [new Uint8Array([1, 2, 3]), mask(8, 8)] });
    await expect(load(bad, 0)).rejects.toThrow(join(bad, 'images', 'b.png'));
  });
});
