/**
 * One compare run as a function (orchestrate/runOne.ts): deterministic by task, paired across
 * losses (repeat k of every loss starts from the same weights on the same batches), per-image
 * scores that a recomputation from the kept predictions reproduces, and a confusion matrix that
 * counts every valid pixel once.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../../src/cli/node/env.js';
import { COMPARE_FLAGS } from '../../src/cli/options/flags.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { comparePlan, type ComparePlan } from '../../src/cli/options/plan.js';
import { loadData, type LoadedData } from '../../src/cli/orchestrate/loadData.js';
import { planTasks, runOne } from '../../src/cli/orchestrate/runOne.js';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { readAll } from '../../src/cli/pipeline/sampleStore.js';
import { surfaceScores } from '../../src/cli/pipeline/surfaceScores.js';
import type { ProgressSink, Tf } from '../../src/cli/pipeline/types.js';
import type { LossFn } from '../../src/types.js';

const silent = { write: () => true };
const env = nodeEnv({ out: silent, err: silent });
const quiet: ProgressSink = { update: () => {}, epochDone: () => {}, log: () => {}, warn: () => {} };

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

/** The plan and data of `segloss compare <argv>` on 8 synthetic 32² images, a 4-wide U-Net of depth 1, 1 epoch of 2 batches. */
async function setup(...argv: string[]): Promise<{ plan: ComparePlan; data: LoadedData }> {
  const tiny = ['--synthetic-count', '8', '--synthetic-size', '32', '--width', '4', '--depth', '1', '--epochs', '1', '--steps', '2', '--batch-size', '4', '--backend', 'cpu'];
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, [...tiny, ...argv]);
  const plan = comparePlan(flags, given);
  return { plan, data: await loadData(env, plan.data, 2) };
}

/** A record without its wall-clock times (the only part that may differ between two runs of a task). */
function timeless(r: RunRecord) {
  return { ...r, seconds: 0, history: r.history.map((h) => ({ ...h, seconds: 0 })) };
}

describe('runOne()', () => {
  it('gives the same record for the same task, with a score per held-out image and tensors freed', async () => {
    const { plan, data } = await setup('--losses', 'bceDiceLoss', '--repeats', '2');
    const before = tf.memory().numTensors;
    const [task] = planTasks(plan);
    const a = await runOne(tf as unknown as Tf, data, plan, task, { progress: quiet });
    const b = await runOne(tf as unknown as Tf, data, plan, task, { progress: quiet });
    expect(tf.memory().numTensors).toBe(before);
    expect(timeless(b)).toEqual(timeless(a));
    expect(a.task).toEqual({ loss: 0, repeat: 0, seed: 42 });
    expect(a.perImage.map((p) => p.image)).toEqual(data.val.infos.map((s) => s.name));
    expect(a.predictions).toHaveLength(2); // --samples 4, capped by the 2 held-out images
    expect(a.history).toHaveLength(1);
    expect(a.scores.dice).toBe(a.history[0].valDice);
  });

  it('pairs the runs: repeat k of two losses sees the same first batch and the same initial logits, repeat k+1 others', async () => {
    const { plan, data } = await setup('--losses', 'diceLoss,bceLoss', '--repeats', '2');
    const firstCalls: { labels: number[]; logits: number[] }[][] = [[], []];
    const spy = (i: number, loss: LossFn): LossFn => (yTrue, yPred) => {
      firstCalls[i].push({ labels: Array.from((yTrue as tf.Tensor).dataSync()), logits: Array.from((yPred as tf.Tensor).dataSync()) });
      return loss(yTrue, yPred);
    };
    const spied = { ...plan, losses: plan.losses.map((l, i) => ({ ...l, loss: spy(i, l.loss) })) };
    const tasks = planTasks(plan);
    expect(tasks.map((t) => [t.loss, t.repeat, t.seed])).toEqual([[0, 0, 42], [1, 0, 42], [0, 1, 43], [1, 1, 43]]);
    const firstOf = async (task: (typeof tasks)[number]) => {
      const calls = firstCalls[task.loss];
      const from = calls.length;
      await runOne(tf as unknown as Tf, data, spied, task, { progress: quiet });
      return calls[from]; // the first training batch (validations call the loss after it)
    };
    const [dice0, bce0, dice1, bce1] = [await firstOf(tasks[0]), await firstOf(tasks[1]), await firstOf(tasks[2]), await firstOf(tasks[3])];
    expect(bce0).toEqual(dice0);
    expect(bce1).toEqual(dice1);
    expect(dice1.labels).not.toEqual(dice0.labels);
    expect(dice1.logits).not.toEqual(dice0.logits);
  });

  it('binary: each image\'s scores equal a count over its saved prediction, and the surface scores the library\'s', async () => {
    const { plan, data } = await setup('--losses', 'diceLoss', '--repeats', '1', '--save-predictions', '--synthetic-count', '12');
    const r = await runOne(tf as unknown as Tf, data, plan, planTasks(plan)[0], { progress: quiet });
    const held = await readAll(data.val);
    expect(r.predictions).toHaveLength(held.length);
    let [TP, FP, FN] = [0, 0, 0];
    held.forEach((s, i) => {
      let [tp, fp, fn] = [0, 0, 0];
      s.labels.forEach((t, p) => {
        const y = r.predictions[i][p];
        if (t === 1 && y === 1) tp++;
        else if (t === 0 && y === 1) fp++;
        else if (t === 1 && y === 0) fn++;
      });
      [TP, FP, FN] = [TP + tp, FP + fp, FN + fn];
      const got = r.perImage[i];
      if (tp + fp + fn === 0) expect(got).toMatchObject({ dice: 1, iou: 1, precision: 1, recall: 1 });
      else {
        expect(got.dice).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
        expect(got.iou).toBeCloseTo(tp / (tp + fp + fn), 12);
        expect(got.precision).toBeCloseTo(tp + fp ? tp / (tp + fp) : 0, 12);
        expect(got.recall).toBeCloseTo(tp + fn ? tp / (tp + fn) : 0, 12);
      }
      const surface = surfaceScores(tf as unknown as Tf, [{ width: s.width, height: s.height, truth: s.labels, prediction: r.predictions[i] }], 'binary', 2, 1);
      expect(got.hd95).toBe(surface.hd95Infinite === 1 ? Infinity : surface.hd95);
      expect(got.nsd).toBeCloseTo(surface.nsd, 12);
    });
    // The run's aggregate is the pooled ("micro") Dice over the same predictions.
    expect(r.scores.dice).toBeCloseTo(TP + FP + FN ? (2 * TP) / (2 * TP + FP + FN) : 1, 5);
    expect(r.confusion).toBeUndefined();
  });

  it('multiclass: the confusion matrix counts each valid pixel once, as the saved predictions say', async () => {
    const { plan, data } = await setup('--mode', 'multiclass', '--classes', '3', '--losses', 'crossEntropyLoss', '--repeats', '1', '--save-predictions');
    const r = await runOne(tf as unknown as Tf, data, plan, planTasks(plan)[0], { progress: quiet });
    const expected = [0, 1, 2].map(() => [0, 0, 0]);
    let valid = 0;
    (await readAll(data.val)).forEach((s, i) => s.labels.forEach((t, p) => {
      if (t < 0) return;
      valid++;
      expected[t][r.predictions[i][p]]++;
    }));
    expect(r.confusion).toEqual(expected);
    expect(r.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(valid);
    for (const p of r.perImage) for (const k of ['dice', 'iou', 'precision', 'recall'] as const) expect(p[k]).toBeGreaterThanOrEqual(0);
  });
});
