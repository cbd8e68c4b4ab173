import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss } from '../../src/index.js';
import { CliError } from '../../src/cli/errors.js';
import { predictLabels, toTensors } from '../../src/cli/pipeline/evaluate.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import { trainRun, type TrainSettings } from '../../src/cli/pipeline/trainRun.js';
import type { EpochRecord, ProgressSink } from '../../src/cli/pipeline/types.js';
import type { LossFn } from '../../src/types.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

const SETTINGS: TrainSettings = { mode: 'binary', epochs: 2, batchSize: 2, lr: 0.003, width: 2, depth: 1, seed: 3 };
const samples = syntheticDataset({ count: 6, size: 8, fgFraction: 0.1, seed: 1, classes: 2 });
const data = (from: number, to: number) => ({ size: 8, channels: 1 as const, classes: 2, samples: samples.slice(from, to) });

/** A progress sink that records the finished epochs. */
function recorder() {
  const epochs: EpochRecord[] = [];
  const sink: ProgressSink = { update: () => {}, epochDone: (_label, _n, r) => epochs.push(r), log: () => {} };
  return { sink, epochs };
}

function run(loss: LossFn, progress: ProgressSink) {
  const train = toTensors(tf, data(0, 4));
  const val = toTensors(tf, data(4, 6));
  try {
    return trainRun(tf, { label: 'run', loss, train, val, settings: SETTINGS, shape: { size: 8, inChannels: 1, outChannels: 1 }, progress });
  } finally {
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
}

describe('trainRun()', () => {
  it('is deterministic by seed, reports every epoch and leaks no tensors beyond the model', () => {
    const before = tf.memory().numTensors;
    const a = recorder();
    const first = run(bceLoss({ ignoreIndex: -1 }), a.sink);
    const one = toTensors(tf, data(4, 5));
    const labels = predictLabels(tf, first.model, one.x, 'binary', 1);
    tf.dispose([one.x, one.y]);
    first.model.dispose();
    const second = run(bceLoss({ ignoreIndex: -1 }), recorder().sink);
    second.model.dispose();
    expect(first.history.map((h) => h.loss)).toEqual(second.history.map((h) => h.loss));
    expect(first.scores).toEqual(second.scores);
    expect(a.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(first.scores.dice).toBe(first.history[1].valDice);
    expect(labels[0].every((v) => v === 0 || v === 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with a CliError naming the run, epoch and batch when the loss is not finite, freeing the model', () => {
    const nan: LossFn = (yTrue, yPred) => tf.mul(tf.mean(tf.sub(yPred, yTrue)), Number.NaN) as never;
    const before = tf.memory().numTensors;
    expect(() => run(nan, recorder().sink)).toThrow(CliError);
    expect(() => run(nan, recorder().sink)).toThrow('run: the training loss became NaN in epoch 1, batch 1; try a smaller --lr.');
    expect(tf.memory().numTensors).toBe(before);
  });
});
