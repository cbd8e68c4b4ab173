/**
 * Training and evaluation for the CLI: one seeded U-Net per loss, the same initial weights and
 * the same batch order for every loss, Adam, validation scores after every epoch.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../types.js';
import type { Dataset } from './data.js';
import type { Tf } from './tf.js';
import { buildUNet } from './model.js';
import { createScorer, type Scores } from './metrics.js';
import { permutation } from './rng.js';
import { CliError } from './errors.js';
import { formatSeconds, type Progress } from './progress.js';

export interface TrainSettings {
  mode: 'binary' | 'multiclass';
  epochs: number;
  batchSize: number;
  lr: number;
  width: number;
  depth: number;
  seed: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Loss on the held-out images. */
  valLoss: number;
  valDice: number;
  valIou: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  seconds: number;
}

export interface Tensors {
  x: TF.Tensor4D;
  /** Labels as float32 `[N, H, W, 1]`: 0/1 (binary) or class ids; -1 = ignored. */
  y: TF.Tensor4D;
}

/** The dataset as tensors (channels last). */
export function toTensors(tf: Tf, data: Dataset): Tensors {
  const n = data.samples.length;
  const s = data.size;
  const x = new Float32Array(n * s * s * data.channels);
  const y = new Float32Array(n * s * s);
  data.samples.forEach((sample, i) => {
    x.set(sample.image, i * s * s * data.channels);
    y.set(sample.mask, i * s * s);
  });
  return { x: tf.tensor4d(x, [n, s, s, data.channels]), y: tf.tensor4d(y, [n, s, s, 1]) };
}

function batchOf(tf: Tf, t: Tensors, indices: number[]): Tensors {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, 'int32');
    return { x: tf.gather(t.x, idx) as TF.Tensor4D, y: tf.gather(t.y, idx) as TF.Tensor4D };
  });
}

/** Held-out scores (and the mean loss, when a loss is given) of `model` on `data`. */
export function evaluate(tf: Tf, model: TF.LayersModel, data: Tensors, mode: TrainSettings['mode'], batchSize: number, loss?: LossFn) {
  const scorer = createScorer(mode);
  const n = data.x.shape[0];
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const value = tf.tidy(() => {
      const xb = data.x.slice([start], [size]);
      const yb = data.y.slice([start], [size]);
      const logits = model.predict(xb) as TF.Tensor;
      scorer.update(yb, logits);
      return loss ? (loss(yb, logits as never) as unknown as TF.Tensor).dataSync()[0] * size : 0;
    });
    lossSum += value;
  }
  return { scores: scorer.result(), loss: lossSum / n };
}

/** Predicted label maps (threshold 0.5 / argmax) of the first `count` images. */
export function predictLabels(tf: Tf, model: TF.LayersModel, x: TF.Tensor4D, mode: TrainSettings['mode'], count: number): Int32Array[] {
  const n = Math.min(count, x.shape[0]);
  if (n === 0) return [];
  const flat = tf.tidy(() => {
    const logits = model.predict(x.slice([0], [n])) as TF.Tensor4D;
    return (mode === 'binary' ? logits.greaterEqual(0).squeeze([3]) : logits.argMax(3)).toInt();
  });
  const data = flat.dataSync() as Int32Array;
  flat.dispose();
  const per = data.length / n;
  return Array.from({ length: n }, (_, i) => data.slice(i * per, (i + 1) * per));
}

export interface TrainResult {
  model: TF.LayersModel;
  history: EpochRecord[];
  scores: Scores;
  seconds: number;
}

/** Trains a fresh U-Net with `loss` and scores it on `val` after every epoch. */
export function trainOne(
  tf: Tf,
  label: string,
  loss: LossFn,
  train: Tensors,
  val: Tensors,
  settings: TrainSettings,
  shape: { size: number; inChannels: number; outChannels: number },
  progress: Progress,
): TrainResult {
  const { epochs, batchSize, lr, seed, mode } = settings;
  const model = buildUNet(tf, { ...shape, width: settings.width, depth: settings.depth, seed });
  const optimizer = tf.train.adam(lr);
  const n = train.x.shape[0];
  const batches = Math.ceil(n / batchSize);
  const history: EpochRecord[] = [];
  const started = Date.now();
  let scores: Scores = { dice: 0, iou: 0, precision: 0, recall: 0 };
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
        throw new CliError(`segloss: ${label}: the training loss became ${value} in epoch ${epoch}, batch ${b + 1}; try a smaller --lr.`);
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
    progress.epochDone(
      `${label}  epoch ${epoch}/${epochs}  loss ${record.loss.toFixed(4)}  val loss ${record.valLoss.toFixed(4)}  val Dice ${record.valDice.toFixed(3)}  (${formatSeconds(record.seconds)})`,
    );
  }
  optimizer.dispose();
  return { model, history, scores, seconds: (Date.now() - started) / 1000 };
}
