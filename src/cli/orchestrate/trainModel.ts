/**
 * `segloss train` in pipeline order: check the output folder → read and check the data (summary
 * and warnings printed before training) → one training run on patches, validated at the masks'
 * size → save the model with its card (resolution, patch, label options, settings, held-out
 * scores). Returns the model folder's path.
 */
import type { Env } from '../env.js';
import type { TrainPlan } from '../options/plan.js';
import { evaluate } from '../pipeline/evaluate.js';
import { trainRun } from '../pipeline/trainRun.js';
import type { ModelCard } from '../report/data.js';
import { scoreLine } from '../report/text.js';
import { announce, dataLine } from './announce.js';
import { loadData } from './loadData.js';
import { OVERLAP, runSettings, shapeOf } from './runSettings.js';

export async function trainModel(env: Env, plan: TrainPlan): Promise<string> {
  env.files.checkOutFolder(plan.out, 'segloss.json');
  const progress = env.progress(plan.quiet);
  const data = await loadData(env, plan.data, 2 ** plan.training.depth);
  announce(progress, 'segloss train', data);
  const { spec, loss } = plan.loss;
  const { tf, backend } = await env.loadTf(plan.backend);
  progress.log(`segloss train: ${spec.label}, ${dataLine(data)}, ${plan.training.epochs} epochs, backend ${backend}`);
  const { label } = data;
  const r = await trainRun(tf, {
    label: spec.label,
    loss,
    train: data.trainInput,
    patches: { patch: data.patch, augment: data.augment },
    validate: async (model, l) => evaluate(tf, model, data.heldOut, { mode: label.mode, window: data.patch, overlap: OVERLAP, loss: l }),
    settings: plan.training,
    shape: shapeOf(data),
    progress,
  });
  const card: ModelCard = {
    format: 'segloss-model',
    version: 2,
    resolution: data.resolution,
    patch: data.patch,
    channels: data.train.channels,
    mode: label.mode,
    classes: data.train.classes,
    ...(data.classNames ? { classNames: data.classNames } : {}),
    ...(label.foreground !== undefined ? { foreground: label.foreground } : {}),
    ...(label.ignoreIndex !== undefined ? { ignoreIndex: label.ignoreIndex } : {}),
    maskSuffix: plan.data.maskSuffix,
    ...(label.palette ? { palette: [...label.palette] } : {}),
    seed: plan.training.seed,
    ...('fgFraction' in data.summary ? { fgFraction: data.summary.fgFraction, syntheticSize: data.summary.syntheticSize } : {}),
    loss: { name: spec.name, label: spec.label, options: spec.options },
    settings: runSettings(data, plan.training, r.steps, backend, tf),
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
}
