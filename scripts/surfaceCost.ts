// The cost of compare's per-image boundary scores (HD95 + NSD) against one whole-image validation,
// on ISBI's and CamVid's held-out images (docs/cli.md, "What is scored"). Runs the TypeScript sources:
//   node --import ./test/helpers/tsRegister.mjs scripts/surfaceCost.ts
import { nodeEnv } from '../src/cli/node/env.ts';
import { imageSurface } from '../src/cli/pipeline/surfaceScores.ts';
import { imageScores } from '../src/cli/pipeline/imageScores.ts';
import { loadData } from '../src/cli/orchestrate/loadData.ts';
import { parseFlags } from '../src/cli/options/parse.ts';
import { COMPARE_FLAGS } from '../src/cli/options/flags.ts';
import { comparePlan } from '../src/cli/options/plan.ts';
import { evaluate } from '../src/cli/pipeline/evaluate.ts';
import { readAll } from '../src/cli/pipeline/sampleStore.ts';
import { buildUNet } from '../src/cli/pipeline/model.ts';
const silent = { write: () => true };
const env = nodeEnv({ out: silent, err: silent });
const { tf } = await env.loadTf('wasm');
for (const [name, argv] of [['ISBI', ['--data', '../shared/data/isbi2012-em', '--foreground', '0', '--val-split', '0.2']], ['CamVid', ['--data', '../shared/data/camvid', '--val', '../shared/data/camvid/val', '--mode', 'multiclass', '--classes', '11', '--ignore-index', '11']]] as const) {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, [...argv]);
  const plan = comparePlan(flags, given);
  const data = await loadData(env, plan.data, 8);
  const classes = data.train.classes;
  const model = buildUNet(tf, { inChannels: data.train.channels, outChannels: data.label.mode === 'binary' ? 1 : classes, width: 16, depth: 3, seed: 1 });
  const mode = data.label.mode;
  let t = Date.now();
  const ev = await evaluate(tf, model, data.heldOut, { mode, window: 128, keep: data.heldOut.count });
  const plain = (Date.now() - t) / 1000;
  // Predictions: shifted truth (a realistic, non-empty prediction)
  const held = await readAll(data.val);
  const pairs = held.map((s) => ({ width: s.width, height: s.height, truth: s.labels, prediction: Int32Array.from(s.labels, (v, i) => { const j = Math.min(s.labels.length - 1, i + 2); const w = s.labels[j]; return w < 0 ? 0 : w; }) }));
  t = Date.now();
  for (const p of pairs) imageScores(p.truth, p.prediction, mode, classes);
  const counts = (Date.now() - t) / 1000;
  t = Date.now();
  for (const p of pairs) imageSurface(tf, p, mode, classes, 1);
  const surface = (Date.now() - t) / 1000;
  console.log(`${name}: ${pairs.length} held-out images ${held[0].width}x${held[0].height}: one validation (sliding window, width 16 depth 3) ${plain.toFixed(1)} s; per-image counts ${counts.toFixed(3)} s; HD95+NSD ${surface.toFixed(1)} s (${(surface / pairs.length).toFixed(2)} s per image)`);
  model.dispose();
}
