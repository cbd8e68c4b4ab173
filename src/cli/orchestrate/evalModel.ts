/**
 * `segloss eval` in pipeline order: read the model card → read and check the data it describes
 * (a folder, read with the model's label options, mask suffix and palette unless overridden; or a
 * fresh synthetic set from the model's seed + 1) → load the model → predict every image by sliding
 * window at the model's resolution → score at each mask's size: Dice, IoU, precision, recall, and
 * the boundary scores HD95 and NSD (and write the predictions when asked). The images are decoded
 * on demand, one at a time (pipeline/sampleStore.ts), as in compare.
 */
import type { Env } from '../env.js';
import { CliError, UsageError } from '../errors.js';
import type { EvalPlan } from '../options/plan.js';
import { evaluate } from '../pipeline/evaluate.js';
import { byteCache } from '../pipeline/byteCache.js';
import { describeResolution, atResolution, resolutionSize } from '../pipeline/resolution.js';
import { cachedStore, heldOutSet, mappedStore, memoryStore, sampleBytes, type SampleStore } from '../pipeline/sampleStore.js';
import { surfaceAccumulator } from '../pipeline/surfaceScores.js';
import { syntheticDataset } from '../pipeline/synthetic.js';
import type { LabelOptions, Sample, Scores, SurfaceScores } from '../pipeline/types.js';
import { predictionFiles } from '../report/predictions.js';
import { DEFAULT_CACHE_BYTES, loadFolders, pairStore } from './loadData.js';
import { OVERLAP } from './runSettings.js';

/** What `--json` writes: the model, the data and the scores. */
export interface EvalResult extends Scores, SurfaceScores {
  tool: 'segloss eval';
  model: string;
  loss: string;
  data: string;
  images: number;
  resolution: string;
  mode: string;
  backend: string;
}

const kind = (channels: number) => (channels === 1 ? 'gray' : 'RGB');

export async function evalModel(env: Env, plan: EvalPlan, warn: (text: string) => void): Promise<EvalResult> {
  const card = env.models.readCard(plan.model);
  let data: SampleStore; // the originals, decoded at each get (scoring reads each image once)
  if (plan.data !== undefined) {
    const palette = plan.palette !== undefined ? env.images.readPalette(plan.palette).colours : card.palette;
    const label: LabelOptions = { mode: card.mode, classes: card.classes, foreground: card.foreground, ignoreIndex: card.ignoreIndex, palette };
    const loaded = await loadFolders(env, [plan.data], label, plan.maskSuffix ?? card.maskSuffix);
    loaded.warnings.forEach((w) => warn(`warning: ${w}`));
    data = pairStore(loaded.folders[0], { channels: loaded.channels, classes: loaded.classes }, label);
    if (data.channels !== card.channels) {
      throw new CliError(`the model takes ${kind(card.channels)} images but ${plan.data} holds ${kind(data.channels)} ones.`);
    }
  } else {
    if (card.channels !== 1) throw new UsageError('the model takes RGB images; give --data (the synthetic set is gray).');
    const size = card.syntheticSize ?? (card.resolution.kind === 'size' ? card.resolution.size : 64);
    const samples = syntheticDataset({ count: plan.syntheticCount, size, fgFraction: card.fgFraction ?? 0.03, seed: card.seed + 1, classes: card.classes });
    data = memoryStore({ channels: 1, classes: card.classes, samples });
  }
  const { tf, backend } = await env.loadTf(plan.backend);
  const model = await tf.loadLayersModel(env.models.loader(plan.model));
  // Each image is decoded for its scoring, then again for the boundary scores unless still cached.
  const cache = byteCache<Sample>(DEFAULT_CACHE_BYTES, sampleBytes);
  const truths = cachedStore(data, { cache, key: 'truth' });
  const inputs = mappedStore(truths, data.infos.map((s) => ({ name: s.name, ...resolutionSize(s, card.resolution) })), (s) => atResolution(s, card.resolution), { cache, key: 'input' });
  let ev;
  try {
    // Every prediction is kept: the boundary scores need each label map at its mask's size.
    ev = await evaluate(tf, model, heldOutSet(inputs, truths), { mode: card.mode, window: card.patch, overlap: OVERLAP, keep: data.infos.length });
  } finally {
    model.dispose();
  }
  const surface = surfaceAccumulator(tf, card.mode, data.classes, plan.nsdTolerance);
  for (let k = 0; k < data.infos.length; k++) {
    const { width, height, labels } = await truths.get(k);
    surface.add({ width, height, truth: labels, prediction: ev.predictions[k] });
  }
  if (plan.savePredictions !== undefined) {
    const png = (await env.images.pngEncoder()).png;
    const files = predictionFiles(card.loss.label, data.infos, ev.predictions, card.mode, png);
    env.files.writeFolder(plan.savePredictions, files, 'predictions');
  }
  return {
    tool: 'segloss eval',
    model: env.files.resolve(plan.model),
    loss: card.loss.label,
    data: plan.data !== undefined ? env.files.resolve(plan.data) : 'synthetic',
    images: data.infos.length,
    resolution: describeResolution(card.resolution),
    mode: card.mode,
    backend,
    ...ev.scores,
    ...surface.result(),
  };
}
