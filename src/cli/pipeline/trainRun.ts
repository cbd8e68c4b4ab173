/**
 * One training run for the CLI: a seeded U-Net, Adam, the same initial weights and the same
 * batch order for every loss, held-out scores after every epoch, and a stop (CliError) when the
 * loss stops being finite. Returns the model and plain data.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../../types.js';
import { CliError } from '../errors.js';
import { batchOf, evaluate, type Tensors } from './evaluate.js';
import { buildUNet } from './model.js';
import { permutation } from './rng.js';
import type { EpochRecord, ProgressSink, Scores, TaskMode, Tf } from './types.js';

export interface TrainSettings {
  mode: TaskMode;
  epochs: number;
  batchSize: number;
  lr: number;
  width: number;
  depth: number;
  seed: number;
}

/** What one run trains on: a label for messages, the loss, the data and the model's shape. */
export interface RunInputs {
  /** Names the run in progress lines and errors (`[2/6] diceLoss`). */
  label: string;
  loss: LossFn;
  train: Tensors;
  val: Tensors;
  settings: TrainSettings;
  shape: { size: number; inChannels: number; outChannels: number };
  progress: ProgressSink;
}

export interface TrainResult {
  model: TF.LayersModel;
  history: EpochRecord[];
  scores: Scores;
  seconds: number;
}

/** Trains a fresh U-Net with `loss` and scores it on `val` after every epoch. */
export function trainRun(tf: Tf, run: RunInputs): TrainResult {
  const { label, loss, train, val, settings, shape, progress } = run;
  const { epochs, batchSize, lr, seed, mode } = settings;
  const model = buildUNet(tf, { ...shape, width: settings.width, depth: settings.depth, seed });
  const optimizer = tf.train.adam(lr);
  const n = train.x.shape[0];
  const batches = Math.ceil(n / batchSize);
  const history: EpochRecord[] = [];
  const started = Date.now();
  let scores: Scores = { dice: 0, iou: 0, precision: 0, recall: 0 };
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = Date.now();
      const order = permutation(n, seed * 7 + epoch); // the same for every loss
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        const batch = batchOf(tf, train, order.slice(b * batchSize, (b + 1) * batchSize));
        // The logits are kept until the step ends: a loss's custom gradient may read its input
        // after the forward scope closed (segloss's fused kernels do in this version).
        const kept: TF.Tensor[] = [];
        const cost = optimizer.minimize(() => {
          const logits = tf.keep(model.apply(batch.x, { training: true }) as TF.Tensor);
          kept.push(logits);
          return loss(batch.y as never, logits as never) as never;
        }, true);
        const value = cost!.dataSync()[0];
        tf.dispose([cost!, batch.x, batch.y, ...kept]);
        if (!Number.isFinite(value)) {
          throw new CliError(`${label}: the training loss became ${value} in epoch ${epoch}, batch ${b + 1}; try a smaller --lr.`);
        }
        sum += value;
        const done = (epoch - 1) * batches + b + 1;
        const perBatch = (Date.now() - started) / 1000 / done;
        progress.update({ label, epoch, epochs, batch: b + 1, batches, loss: sum / (b + 1), eta: perBatch * (epochs * batches - done) });
      }
      const ev = evaluate(tf, model, val, mode, batchSize, loss);
      scores = ev.scores;
      const record: EpochRecord = {
        epoch,
        loss: sum / batches,
        valLoss: ev.loss,
        valDice: scores.dice,
        valIou: scores.iou,
        seconds: (Date.now() - epochStart) / 1000,
      };
      history.push(record);
      progress.epochDone(label, epochs, record);
    }
  } catch (error) {
    model.dispose(); // a failed run leaves no weights behind
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { model, history, scores, seconds: (Date.now() - started) / 1000 };
}
