/**
 * `segloss train` in pipeline order: check the output folder → load and split the data → one
 * training run → save the model with its card (preprocessing, settings, held-out scores).
 * Returns the model folder's path.
 */
import type { Env } from '../env.js';
import type { TrainPlan } from '../options/plan.js';
import { toTensors } from '../pipeline/evaluate.js';
import { trainRun } from '../pipeline/trainRun.js';
import type { ModelCard } from '../report/data.js';
import { scoreLine } from '../report/text.js';
import { loadData } from './loadData.js';
import { runSettings, shapeOf } from './runSettings.js';

export async function trainModel(env: Env, plan: TrainPlan): Promise<string> {
  env.files.checkOutFolder(plan.out, 'segloss.json');
  const data = await loadData(env, plan.data);
  const { spec, loss } = plan.loss;
  const progress = env.progress(plan.quiet);
  const { tf, backend } = await env.loadTf(plan.backend);
  const train = toTensors(tf, data.train);
  const val = toTensors(tf, data.val);
  try {
    const r = trainRun(tf, { label: spec.label, loss, train, val, settings: plan.training, shape: shapeOf(data), progress });
    const { label } = data;
    const card: ModelCard = {
      format: 'segloss-model',
      version: 1,
      size: data.size,
      channels: data.train.channels,
      mode: label.mode,
      classes: data.train.classes,
      ...(label.foreground !== undefined ? { foreground: label.foreground } : {}),
      ...(label.ignoreIndex !== undefined ? { ignoreIndex: label.ignoreIndex } : {}),
      seed: plan.training.seed,
      ...('fgFraction' in data.summary ? { fgFraction: data.summary.fgFraction } : {}),
      loss: { name: spec.name, label: spec.label, options: spec.options },
      settings: runSettings(data, plan.training, backend, tf),
      scores: r.scores,
      history: r.history,
    };
    try {
      await r.model.save(env.models.saver(plan.out, card));
    } finally {
      r.model.dispose();
    }
    progress.log(`${spec.label}: held-out ${scoreLine(r.scores, 3)}`);
    return env.files.resolve(plan.out);
  } finally {
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
}
