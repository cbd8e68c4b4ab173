/**
 * `segloss eval` in pipeline order: read the model card → load the data it describes (a folder,
 * or a fresh synthetic set from the model's seed + 1) → load the model → score every image.
 */
import type { Env } from '../env.js';
import { CliError, UsageError } from '../errors.js';
import type { EvalPlan } from '../options/plan.js';
import { evaluate, toTensors } from '../pipeline/evaluate.js';
import { syntheticDataset } from '../pipeline/synthetic.js';
import type { Dataset, LabelOptions, Scores } from '../pipeline/types.js';
import { loadFolders } from './loadData.js';

/** What `--json` writes: the model, the data and the scores. */
export interface EvalResult extends Scores {
  tool: 'segloss eval';
  model: string;
  loss: string;
  data: string;
  images: number;
  size: number;
  mode: string;
  backend: string;
}

const kind = (channels: number) => (channels === 1 ? 'gray' : 'RGB');

export async function evalModel(env: Env, plan: EvalPlan): Promise<EvalResult> {
  const card = env.models.readCard(plan.model);
  const label: LabelOptions = { mode: card.mode, classes: card.classes, foreground: card.foreground, ignoreIndex: card.ignoreIndex };
  let data: Dataset;
  if (plan.data !== undefined) {
    [data] = await loadFolders(env, [plan.data], card.size, label);
    if (data.channels !== card.channels) {
      throw new CliError(`the model takes ${kind(card.channels)} images but ${plan.data} holds ${kind(data.channels)} ones.`);
    }
  } else {
    if (card.channels !== 1) throw new UsageError('the model takes RGB images; give --data (the synthetic set is gray).');
    const samples = syntheticDataset({ count: plan.syntheticCount, size: card.size, fgFraction: card.fgFraction ?? 0.03, seed: card.seed + 1, classes: card.classes });
    data = { size: card.size, channels: 1, classes: card.classes, samples };
  }
  const { tf, backend } = await env.loadTf(plan.backend);
  const model = await tf.loadLayersModel(env.models.loader(plan.model));
  const tensors = toTensors(tf, data);
  let scores: Scores;
  try {
    scores = evaluate(tf, model, tensors, card.mode, plan.batchSize).scores;
  } finally {
    tf.dispose([tensors.x, tensors.y]);
    model.dispose();
  }
  return {
    tool: 'segloss eval',
    model: env.files.resolve(plan.model),
    loss: card.loss.label,
    data: plan.data !== undefined ? env.files.resolve(plan.data) : 'synthetic',
    images: data.samples.length,
    size: card.size,
    mode: card.mode,
    backend,
    ...scores,
  };
}
