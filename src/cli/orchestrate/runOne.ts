/**
 * One training run of `segloss compare` as a function: a {@link RunTask} (loss i, repeat k) in, a
 * {@link RunRecord} out. Repeat k uses seed `plan.training.seed + k` for the initial weights and
 * the patch order, the same for every loss (a paired design); the data are the plan's, loaded
 * once. Every epoch is validated on the held-out images (aggregate scores and loss, for the
 * history); the last epoch, the one scored, is evaluated in detail: each image's Dice, IoU,
 * precision, recall, HD95 and NSD at its mask's size, and the multiclass confusion matrix.
 * Portable (no Node): it runs in the main thread, a worker thread or a Web Worker alike.
 */
import type { ComparePlan } from '../options/plan.js';
import { evaluate, type Evaluation } from '../pipeline/evaluate.js';
import type { RunRecord, RunTask } from '../pipeline/runRecord.js';
import { trainRun } from '../pipeline/trainRun.js';
import type { ProgressSink, Tf } from '../pipeline/types.js';
import type { LoadedData } from './loadData.js';
import { OVERLAP, shapeOf } from './runSettings.js';

/** `diceLoss`, or `diceLoss #2` for repeat 1 when there are several: how messages name a run. */
export function runName(plan: Pick<ComparePlan, 'losses' | 'repeats'>, task: RunTask): string {
  const label = plan.losses[task.loss].spec.label;
  return plan.repeats > 1 ? `${label} #${task.repeat + 1}` : label;
}

/** The tasks of a plan: every loss × every repeat, repeat by repeat (so the first runs to end cover every loss). */
export function planTasks(plan: Pick<ComparePlan, 'losses' | 'repeats' | 'training'>): RunTask[] {
  const tasks: RunTask[] = [];
  for (let repeat = 0; repeat < plan.repeats; repeat++) {
    for (let loss = 0; loss < plan.losses.length; loss++) tasks.push({ loss, repeat, seed: plan.training.seed + repeat });
  }
  return tasks;
}

/** Predicted label maps kept per run: every held-out image with `--save-predictions`, else the report's samples. */
export function keptPredictions(plan: Pick<ComparePlan, 'savePredictions' | 'samples'>, heldOut: number): number {
  return plan.savePredictions ? heldOut : Math.min(plan.samples, heldOut);
}

/** What a run reports while it trains, and how it is stopped. */
export interface RunHooks {
  progress: ProgressSink;
  signal?: AbortSignal;
}

/** Trains and scores one run (see the module comment). */
export async function runOne(tf: Tf, data: LoadedData, plan: ComparePlan, task: RunTask, hooks: RunHooks): Promise<RunRecord> {
  const { spec, loss } = plan.losses[task.loss];
  const { mode } = data.label;
  const window = data.patch;
  const classes = data.train.classes;
  const keep = keptPredictions(plan, data.heldOut.count);
  let final: Evaluation | undefined;
  const r = await trainRun(tf, {
    label: runName(plan, task),
    loss,
    train: data.trainInput,
    patches: { patch: data.patch, augment: data.augment },
    async validate(model, l, last) {
      const detail = last ? { classes, surface: { tolerance: plan.nsdTolerance } } : undefined;
      const ev = await evaluate(tf, model, data.heldOut, { mode, window, overlap: OVERLAP, loss: l, keep: last ? keep : 0, detail });
      if (last) final = ev;
      return ev;
    },
    settings: { ...plan.training, seed: task.seed },
    shape: shapeOf(data),
    progress: hooks.progress,
    signal: hooks.signal,
  });
  r.model.dispose();
  const record: RunRecord = {
    task: { ...task },
    label: spec.label,
    loss: spec.name,
    scores: r.scores,
    perImage: final!.perImage!,
    history: r.history,
    seconds: r.seconds,
    steps: r.steps,
    predictions: final!.predictions,
  };
  if (final!.confusion) record.confusion = final!.confusion;
  return record;
}
