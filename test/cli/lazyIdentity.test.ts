/**
 * Lazy decoding changes no result: three small compares (ISBI gray binary, CamVid RGB multiclass
 * with an ignore index, the synthetic set; identityCases.ts) give run records, data line and run
 * settings bit-identical to the ones the eager loader computed before images were decoded on
 * demand, with the default cache and with a cache that keeps nothing (every image decoded again
 * at each use). eagerRecords.json is what {@link result} returned for each case at commit 811f4fa
 * (the eager loader, which ignores `cacheBytes`), written with `JSON.stringify`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataLine } from '../../src/cli/orchestrate/announce.js';
import { loadData } from '../../src/cli/orchestrate/loadData.js';
import { runSettings } from '../../src/cli/orchestrate/runSettings.js';
import type { Tf } from '../../src/cli/pipeline/types.js';
import { identityCases, planOf, silentEnv, snapshots } from './identityCases.js';

const EAGER = JSON.parse(readFileSync(join(__dirname, 'eagerRecords.json'), 'utf8')) as Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'segloss-identity-'));
const cases = identityCases(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

/** The case's data summary and records, loaded with a cache of `cacheBytes`. */
async function result(argv: string[], cacheBytes?: number) {
  const plan = planOf(argv);
  const data = await loadData(silentEnv(), plan.data, 2 ** plan.training.depth, { cacheBytes });
  const settings = runSettings(data, plan.training, 3, 'cpu', tf as unknown as Tf);
  const records = await snapshots(tf as unknown as Tf, data, plan);
  return { data: { line: dataLine(data), maskValues: data.maskValues ?? null, warnings: data.warnings, settings: { ...settings, tfjs: null, data: null } }, records };
}

describe('decoding on demand', () => {
  for (const { name, argv } of cases) {
    it(`${name}: the records equal the eager loader's, bit for bit`, async () => {
      expect(await result(argv)).toEqual(EAGER[name]);
    });
  }
  for (const { name, argv } of cases.slice(0, 2)) {
    it(`${name}: a cache that keeps nothing gives the same records`, async () => {
      expect(await result(argv, 0)).toEqual(EAGER[name]);
    });
  }
});
