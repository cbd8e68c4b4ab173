import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss } from '../../src/index.js';
import { CliError } from '../../src/cli/errors.js';
import { evaluate } from '../../src/cli/pipeline/evaluate.js';
import { heldOutList, memoryStore } from '../../src/cli/pipeline/sampleStore.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import { polyLearningRate, RunStopped, stepsPerEpoch, trainRun, type TrainSettings } from '../../src/cli/pipeline/trainRun.js';
import type { EpochRecord, ProgressSink } from '../../src/cli/pipeline/types.js';
import type { LossFn } from '../../src/types.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

const SETTINGS: TrainSettings = { epochs: 2, steps: 2, batchSize: 2, lr: 0.003, width: 2, depth: 1, seed: 3 };
const samples = syntheticDataset({ count: 6, size: 8, fgFraction: 0.1, seed: 1, classes: 2 });
const heldOut = heldOutList(samples.slice(4).map((s) => ({ input: s, truth: s })));

/** A progress sink that records the finished epochs. */
function recorder() {
  const epochs: EpochRecord[] = [];
  const sink: ProgressSink = { update: () => {}, epochDone: (_label, _n, r) => epochs.push(r), log: () => {}, warn: () => {} };
  return { sink, epochs };
}

function run(loss: LossFn, progress: ProgressSink, settings: TrainSettings = SETTINGS, signal?: AbortSignal) {
  return trainRun(tf, {
    label: 'run',
    loss,
    train: memoryStore({ samples: samples.slice(0, 4), channels: 1, classes: 2 }),
    patches: { patch: 8, augment: true },
    validate: (model, l) => evaluate(tf, model, heldOut, { mode: 'binary', window: 8, loss: l }),
    settings,
    shape: { inChannels: 1, outChannels: 1 },
    progress,
    signal,
  });
}

describe('trainRun()', () => {
  it('is deterministic by seed, reports every epoch and leaks no tensors beyond the model', async () => {
    const before = tf.memory().numTensors;
    const a = recorder();
    const first = await run(bceLoss({ ignoreIndex: -1 }), a.sink);
    const { predictions } = await evaluate(tf, first.model, heldOut, { mode: 'binary', window: 8, keep: 1 });
    first.model.dispose();
    const second = await run(bceLoss({ ignoreIndex: -1 }), recorder().sink);
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

  it('stops with a CliError naming the run, epoch and batch when the loss is not finite, freeing the model', async () => {
    const nan: LossFn = (yTrue, yPred) => tf.mul(tf.mean(tf.sub(yPred, yTrue)), Number.NaN) as never;
    const before = tf.memory().numTensors;
    await expect(run(nan, recorder().sink)).rejects.toThrow(CliError);
    await expect(run(nan, recorder().sink)).rejects.toThrow('run: the training loss became NaN in epoch 1, batch 1; try a smaller --lr.');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with a budget, trains until the batches\' time reaches it, then validates once more as the last epoch', async () => {
    const budget = 0.5 / 60; // half a second
    const a = recorder();
    const validated: boolean[] = [];
    const r = await trainRun(tf, {
      label: 'budget',
      loss: bceLoss({ ignoreIndex: -1 }),
      train: memoryStore({ samples: samples.slice(0, 4), channels: 1, classes: 2 }),
      patches: { patch: 8, augment: true },
      validate: (model, l, last) => (validated.push(last), evaluate(tf, model, heldOut, { mode: 'binary', window: 8, loss: l })),
      settings: { ...SETTINGS, epochs: 1, budget },
      shape: { inChannels: 1, outChannels: 1 },
      progress: a.sink,
    });
    r.model.dispose();
    // Only the final validation is the last; the 1 epoch of `epochs` is ignored (2 tiny batches
    // take far less than the budget on an idle machine, so the run goes on for more epochs).
    expect(validated).toEqual([...new Array<boolean>(r.history.length - 1).fill(false), true]);
    const training = r.history.reduce((t, h) => t + h.seconds, 0);
    expect(training).toBeGreaterThanOrEqual(0.5);
    // It stops at the first batch past the budget: far less than one more budget.
    expect(r.seconds).toBeLessThan(0.5 + 5);
  });

  it('stops with RunStopped soon after its signal is aborted, freeing the model', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let batches = 0;
    const sink: ProgressSink = { ...recorder().sink, update: () => ++batches === 2 && controller.abort() };
    await expect(run(bceLoss({ ignoreIndex: -1 }), sink, SETTINGS, controller.signal)).rejects.toThrow(RunStopped);
    expect(batches).toBe(2);
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
