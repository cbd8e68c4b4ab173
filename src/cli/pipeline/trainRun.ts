/**
 * One training run for the CLI: a seeded U-Net and Adam with nnU-Net's "poly" learning-rate
 * decay, trained on seeded random patches (the same initial weights and the same patches for
 * every loss), held-out scores after every
 * epoch from a `validate` callback (whole-image inference scored at the masks' size, see
 * evaluate.ts), and a stop (CliError) when the loss stops being finite. Returns the model and
 * plain data.
 *
 * The run lasts `epochs` epochs, or, with a `budget`, until its training time (batches only, not
 * the validations) reaches the budget: the clock is checked before every batch, the epoch in
 * progress ends there and is the last one (validated and scored). The learning rate then decays
 * with the fraction of the budget spent instead of the fraction of the steps. A budget gives
 * every loss the same compute, but how many batches fit depends on the machine and its load, so
 * budget-limited runs are not bit-reproducible.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../../types.js';
import { CliError } from '../errors.js';
import { buildUNet } from './model.js';
import { cutBatch, placementSampler, type Placement } from './patches.js';
import type { SampleStore } from './sampleStore.js';
import type { EpochRecord, ProgressSink, Sample, Scores, Tf } from './types.js';

export interface TrainSettings {
  /** Epochs to train (ignored with a `budget`). */
  epochs: number;
  /** Minutes of training per run, in place of `epochs` (see the module comment). @defaultValue none */
  budget?: number;
  /** Batches per epoch; undefined = one pass over the training pixels ({@link stepsPerEpoch}). */
  steps?: number;
  batchSize: number;
  lr: number;
  width: number;
  depth: number;
  seed: number;
}

/** How patches are drawn: their side and whether they are flipped and rotated. */
export interface PatchSettings {
  patch: number;
  augment: boolean;
}

/** What one run trains on: a label for messages, the loss, the data and the model's shape. */
export interface RunInputs {
  /** Names the run in progress lines and errors (`[2/6] diceLoss`). */
  label: string;
  loss: LossFn;
  /** Training samples at the run's resolution, fetched as the batches need them. */
  train: SampleStore;
  patches: PatchSettings;
  /** Held-out scores and loss of the model as it is now; `last` is true for the final (scored) epoch. */
  validate(model: TF.LayersModel, loss: LossFn, last: boolean): Promise<{ scores: Scores; loss: number }>;
  settings: TrainSettings;
  shape: { inChannels: number; outChannels: number };
  progress: ProgressSink;
  /**
   * When given, the run yields to the event loop after every batch (so a Ctrl-C handler can run
   * while training in the main thread) and stops with {@link RunStopped} once it is aborted.
   */
  signal?: AbortSignal;
}

/** Thrown by {@link trainRun} when its `signal` was aborted. */
export class RunStopped extends Error {
  constructor(label: string) {
    super(`${label}: stopped.`);
    this.name = 'RunStopped';
  }
}

export interface TrainResult {
  model: TF.LayersModel;
  history: EpochRecord[];
  scores: Scores;
  seconds: number;
  /** Batches per epoch actually used. */
  steps: number;
}

/** One pass over the training pixels: ⌈Σ width·height / (batchSize · patch²)⌉ batches. */
export function stepsPerEpoch(train: readonly { width: number; height: number }[], batchSize: number, patch: number): number {
  const pixels = train.reduce((n, s) => n + s.width * s.height, 0);
  return Math.max(1, Math.ceil(pixels / (batchSize * patch * patch)));
}

/** Exponent of the poly decay, as nnU-Net: lr_t = lr · (1 − t / T)^0.9. */
export const POLY_EXPONENT = 0.9;

/**
 * The learning rate of step `t` (0-based) of `total`: `lr · (1 − t / total)^0.9` (Isensee et al.,
 * nnU-Net, Nature Methods 2021). It ends near 0, so the last epoch's weights (the ones scored)
 * do not swing with the last few batches.
 */
export function polyLearningRate(lr: number, t: number, total: number): number {
  return lr * (1 - t / total) ** POLY_EXPONENT;
}

/** The samples `placements` name, fetched from `store` (each once), indexed as the store indexes them. */
async function batchSamples(store: SampleStore, placements: readonly Placement[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  const wanted = [...new Set(placements.map((p) => p.sample))];
  const fetched = await Promise.all(wanted.map((i) => store.get(i)));
  wanted.forEach((i, k) => (samples[i] = fetched[k]));
  return samples;
}

/** A batch's placements and the samples they name, being fetched. */
interface NextBatch {
  placements: Placement[];
  samples: Promise<Sample[]>;
}

/** Trains a fresh U-Net with `loss` on patches of `train` and validates it after every epoch. */
export async function trainRun(tf: Tf, run: RunInputs): Promise<TrainResult> {
  const { label, loss, train, patches, settings, shape, progress, signal } = run;
  const { batchSize, lr, seed } = settings;
  const budget = settings.budget === undefined ? undefined : settings.budget * 60; // seconds
  const epochs = budget === undefined ? settings.epochs : 0; // 0: unknown in advance
  const steps = settings.steps ?? stepsPerEpoch(train.infos, batchSize, patches.patch);
  const model = buildUNet(tf, { ...shape, width: settings.width, depth: settings.depth, seed });
  const optimizer = tf.train.adam(lr);
  const place = placementSampler(train.infos, { patch: patches.patch, seed: seed * 7 + 1, augment: patches.augment }); // the same for every loss
  const history: EpochRecord[] = [];
  const started = Date.now();
  let scores: Scores = { dice: 0, iou: 0, precision: 0, recall: 0 };
  let trainSeconds = 0; // batches only
  const spent = () => (budget === undefined ? 0 : Math.min(1, trainSeconds / budget));
  // The images of batch t + 1 are fetched while batch t trains (the placements are drawn in the
  // same order, so the patches do not change): a decoder that runs off the main thread overlaps the step.
  const fetchNext = (): NextBatch => {
    const placements = place(batchSize);
    const samples = batchSamples(train, placements);
    samples.catch(() => undefined); // awaited when its turn comes; this only keeps an early failure from being unhandled
    return { placements, samples };
  };
  try {
    let next = fetchNext();
    for (let epoch = 1; budget !== undefined || epoch <= epochs; epoch++) {
      const epochStart = Date.now();
      let sum = 0;
      let batches = 0;
      for (let b = 0; b < steps && !(budget !== undefined && trainSeconds >= budget); b++) {
        const batchStart = Date.now();
        // Adam reads its rate at every step; tfjs declares the field protected.
        const t = (epoch - 1) * steps + b;
        (optimizer as unknown as { learningRate: number }).learningRate =
          budget === undefined ? polyLearningRate(lr, t, epochs * steps) : polyLearningRate(lr, spent(), 1);
        const { placements, samples } = next;
        const p = cutBatch(await samples, placements, patches.patch, train.channels);
        if (budget !== undefined || t + 1 < epochs * steps) next = fetchNext();
        const x = tf.tensor4d(p.images, [p.count, p.patch, p.patch, p.channels]);
        const y = tf.tensor4d(Float32Array.from(p.labels), [p.count, p.patch, p.patch, 1]);
        // The logits are kept until the step ends: a loss's custom gradient may read its input
        // after the forward scope closed (segloss's fused kernels do in this version).
        const kept: TF.Tensor[] = [];
        const cost = optimizer.minimize(() => {
          const logits = tf.keep(model.apply(x, { training: true }) as TF.Tensor);
          kept.push(logits);
          return loss(y as never, logits as never) as never;
        }, true);
        const value = cost!.dataSync()[0];
        tf.dispose([cost!, x, y, ...kept]);
        if (!Number.isFinite(value)) {
          throw new CliError(`${label}: the training loss became ${value} in epoch ${epoch}, batch ${b + 1}; try a smaller --lr.`);
        }
        sum += value;
        batches = b + 1;
        trainSeconds += (Date.now() - batchStart) / 1000;
        const done = t + 1;
        const perBatch = (Date.now() - started) / 1000 / done;
        const fraction = budget === undefined ? done / (epochs * steps) : spent();
        const eta = budget === undefined ? perBatch * (epochs * steps - done) : Math.max(0, budget - trainSeconds);
        progress.update({ label, epoch, epochs, batch: b + 1, batches: steps, loss: sum / (b + 1), eta, fraction });
        if (signal) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (signal.aborted) throw new RunStopped(label);
        }
      }
      const last = budget === undefined ? epoch === epochs : trainSeconds >= budget;
      const ev = await run.validate(model, loss, last);
      scores = ev.scores;
      const record: EpochRecord = {
        epoch,
        loss: batches > 0 ? sum / batches : NaN,
        valLoss: ev.loss,
        valDice: scores.dice,
        valIou: scores.iou,
        seconds: (Date.now() - epochStart) / 1000,
      };
      history.push(record);
      progress.epochDone(label, epochs, record);
      if (last) break;
    }
  } catch (error) {
    model.dispose(); // a failed run leaves no weights behind
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { model, history, scores, seconds: (Date.now() - started) / 1000, steps };
}
