import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss } from '../../src/index.js';
import { CliError } from '../../src/cli/errors.js';
import { evaluate } from '../../src/cli/pipeline/evaluate.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import { polyLearningRate, stepsPerEpoch, trainRun, type TrainSettings } from '../../src/cli/pipeline/trainRun.js';
import type { EpochRecord, ProgressSink } from '../../src/cli/pipeline/types.js';
import type { LossFn } from '../../src/types.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

const SETTINGS: TrainSettings = { epochs: 2, steps: 2, batchSize: 2, lr: 0.003, width: 2, depth: 1, seed: 3 };
const samples = syntheticDataset({ count: 6, size: 8, fgFraction: 0.1, seed: 1, classes: 2 });
const heldOut = samples.slice(4).map((s) => ({ input: s, truth: s }));

/** A progress sink that records the finished epochs. */
function recorder() {
  const epochs: EpochRecord[] = [];
  const sink: ProgressSink = { update: () => {}, epochDone: (_label, _n, r) => epochs.push(r), log: () => {}, warn: () => {} };
  return { sink, epochs };
}

function run(loss: LossFn, progress: ProgressSink) {
  return trainRun(tf, {
    label: 'run',
    loss,
    train: samples.slice(0, 4),
    patches: { patch: 8, augment: true },
    validate: (model, l) => evaluate(tf, model, heldOut, { mode: 'binary', window: 8, loss: l }),
    settings: SETTINGS,
    shape: { inChannels: 1, outChannels: 1 },
    progress,
  });
}

describe('trainRun()', () => {
  it('is deterministic by seed, reports every epoch and leaks no tensors beyond the model', () => {
    const before = tf.memory().numTensors;
    const a = recorder();
    const first = run(bceLoss({ ignoreIndex: -1 }), a.sink);
    const { predictions } = evaluate(tf, first.model, heldOut, { mode: 'binary', window: 8, keep: 1 });
    first.model.dispose();
    const second = run(bceLoss({ ignoreIndex: -1 }), recorder().sink);
    second.model.dispose();
    expect(first.history.map((h) => h.loss)).toEqual(second.history.map((h) => h.loss));
    expect(first.scores).toEqual(second.scores);
    expect(a.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(first.scores.dice).toBe(first.history[1].valDice);
    expect(first.steps).toBe(2);
    expect(predictions).toHaveLength(1);
    expect(predictions[0].every((v) => v === 0 || v === 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with a CliError naming the run, epoch and batch when the loss is not finite, freeing the model', () => {
    const nan: LossFn = (yTrue, yPred) => tf.mul(tf.mean(tf.sub(yPred, yTrue)), Number.NaN) as never;
    const before = tf.memory().numTensors;
    expect(() => run(nan, recorder().sink)).toThrow(CliError);
    expect(() => run(nan, recorder().sink)).toThrow('run: the training loss became NaN in epoch 1, batch 1; try a smaller --lr.');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('polyLearningRate() decays from lr to near 0 as (1 − t/T)^0.9', () => {
    expect(polyLearningRate(0.01, 0, 100)).toBe(0.01);
    expect(polyLearningRate(0.01, 50, 100)).toBeCloseTo(0.01 * 0.5 ** 0.9, 12);
    expect(polyLearningRate(0.01, 99, 100)).toBeCloseTo(0.01 * 0.01 ** 0.9, 12);
  });

  it('stepsPerEpoch() is one pass over the training pixels, rounded up', () => {
    // 4 images of 8×8 = 256 pixels; batches of 2 patches of 4×4 = 32 pixels → 8 steps; of 3 → ⌈256/48⌉ = 6.
    expect(stepsPerEpoch(samples.slice(0, 4), 2, 4)).toBe(8);
    expect(stepsPerEpoch(samples.slice(0, 4), 3, 4)).toBe(6);
  });
});
