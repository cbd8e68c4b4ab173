// The cost of decoding on demand (docs/data.md, "Memory"): on ISBI 2012 (../shared/data), the
// load-time check pass, one image decoded and converted (a cache miss), and the time per training
// batch at compare's defaults (128² patches, batch 8, U-Net width 16, depth 3, wasm) when every
// image is already in the cache against a cache that keeps nothing (every batch decodes its 8
// images, the worst case; batch t + 1's images are fetched while batch t trains). Usage:
//   npm run build && node bench/decodeCost.mjs [--dist dist/esm] [--steps 12]
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const { values } = parseArgs({ options: { dist: { type: 'string', default: 'dist/esm' }, steps: { type: 'string', default: '12' } } });
const at = (path) => import(pathToFileURL(resolve(values.dist, path)).href);
const { nodeEnv } = await at('cli/node/env.js');
const { parseFlags } = await at('cli/options/parse.js');
const { COMPARE_FLAGS } = await at('cli/options/flags.js');
const { comparePlan } = await at('cli/options/plan.js');
const { loadData } = await at('cli/orchestrate/loadData.js');
const { shapeOf } = await at('cli/orchestrate/runSettings.js');
const { trainRun } = await at('cli/pipeline/trainRun.js');
const { diceLoss } = await at('index.js');

const silent = { write: () => true };
const env = nodeEnv({ out: silent, err: silent });
const { tf } = await env.loadTf('wasm');
const { flags, given } = parseFlags('compare', COMPARE_FLAGS, ['--data', resolve('..', 'shared', 'data', 'isbi2012-em'), '--foreground', '0', '--backend', 'wasm']);
const plan = comparePlan(flags, given);
const steps = Number(values.steps);
const quiet = { update() {}, epochDone() {}, log() {}, warn() {} };
const ms = (t) => (performance.now() - t).toFixed(0);
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

let t = performance.now();
const warm = await loadData(env, plan.data, 8);
console.log(`check pass over ${warm.train.infos.length + warm.val.infos.length} pairs: ${ms(t)} ms`);
t = performance.now();
for (let i = 0; i < warm.trainInput.infos.length; i++) await warm.trainInput.get(i);
console.log(`decode + convert, cache miss: ${((performance.now() - t) / warm.trainInput.infos.length).toFixed(1)} ms per image`);
const cold = await loadData(env, plan.data, 8, { cacheBytes: 0 });

/** Mean ms per batch of `steps` batches (after one unmeasured batch). */
async function perBatch(data) {
  const times = [];
  let last = 0;
  const progress = { ...quiet, update: () => { const now = performance.now(); if (last) times.push(now - last); last = now; } };
  const run = { label: 'bench', loss: diceLoss(), train: data.trainInput, patches: { patch: data.patch, augment: true }, validate: async () => ({ scores: { dice: 0, iou: 0, precision: 0, recall: 0 }, loss: 0 }), shape: shapeOf(data), progress };
  const r = await trainRun(tf, { ...run, settings: { ...plan.training, epochs: 1, steps: steps + 1 } });
  r.model.dispose();
  return times.reduce((a, b) => a + b, 0) / times.length;
}
for (let round = 0; round < 3; round++) {
  const hit = await perBatch(warm);
  const miss = await perBatch(cold);
  console.log(`round ${round + 1}: ${hit.toFixed(0)} ms per batch from the cache, ${miss.toFixed(0)} ms decoding every image (+${(miss - hit).toFixed(0)} ms)`);
}
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
