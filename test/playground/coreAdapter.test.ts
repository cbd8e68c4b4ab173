/**
 * The browser compare's temporary core adapter (playground/src/compare/coreAdapter.ts) in Node on
 * the cpu backend, on a tiny multiclass synthetic set: one run per task with the task's seed,
 * per-image scores that a recomputation from the predicted label maps confirms, and a report
 * whose per-loss scores are the mean of the runs and whose verdict names the highest.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/cli/env';
import { COMPARE_FLAGS } from '../../src/cli/options/flags';
import { parseFlags } from '../../src/cli/options/parse';
import { comparePlan } from '../../src/cli/options/plan';
import { loadData } from '../../src/cli/orchestrate/loadData';
import type { ProgressSink, Tf } from '../../src/cli/pipeline/types';
import { buildReport, compareTasks, runOne } from '../../playground/src/compare/coreAdapter';
import { useBackend } from '../helpers/backends';

const silent: ProgressSink = { update: () => undefined, epochDone: () => undefined, log: () => undefined, warn: () => undefined };
const argv = ['--mode', 'multiclass', '--classes', '3', '--synthetic-count', '6', '--synthetic-size', '16', '--patch', '16', '--width', '2', '--depth', '1', '--epochs', '2', '--losses', 'crossEntropyLoss,diceLoss', '--val-split', '0.34'];
const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
const plan = comparePlan(flags, given);
const env = { images: { pngEncoder: async () => ({ png: () => new Uint8Array(1), dataUri: () => 'data:image/png;base64,AA==' }) }, now: () => new Date(0) } as unknown as Env;

/** Multiclass Dice as the CLI scores it: the mean over the K classes of 2TP / (2TP + FP + FN), 1 where a class is absent from both. */
function macroDice(truth: Int32Array, pred: Int32Array, classes: number): number {
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes;
}

beforeAll(() => useBackend('cpu'));

describe('coreAdapter (until the runs and stats branches merge)', () => {
  it('compareTasks() pairs run k of every loss on seed + k', () => {
    expect(compareTasks(plan, 2)).toEqual([
      { loss: 0, repeat: 0, seed: 42 },
      { loss: 1, repeat: 0, seed: 42 },
      { loss: 0, repeat: 1, seed: 43 },
      { loss: 1, repeat: 1, seed: 43 },
    ]);
  });

  it('runOne() scores each held-out image as a recomputation from its predicted labels does, and buildReport() averages the runs', async () => {
    const data = await loadData(env, plan.data, 2 ** plan.training.depth);
    const tensors = tf.memory().numTensors;
    const records = compareTasks(plan, 2).map((task) => runOne(tf as unknown as Tf, data, plan, task, silent));
    expect(tf.memory().numTensors).toBe(tensors);
    for (const r of records) {
      expect(r.history).toHaveLength(2);
      expect(r.predictions).toHaveLength(data.val.samples.length);
      r.predictions.forEach((p, i) => {
        const truth = data.val.samples[i];
        expect(r.perImage[i].image).toBe(truth.name);
        expect(r.perImage[i].dice).toBeCloseTo(macroDice(truth.labels, p, 3), 5);
      });
    }
    // Different seeds train different models.
    expect(records[0].scores).not.toEqual(records[2].scores);
    const { results, files } = await buildReport({ tf: tf as unknown as Tf, env, data, plan, records, backend: 'cpu', command: 'segloss compare', extra: { repeats: 2 } });
    for (const [i, l] of results.losses.entries()) {
      const runs = records.filter((r) => r.task.loss === i);
      expect(l.dice).toBeCloseTo((runs[0].scores.dice + runs[1].scores.dice) / 2, 12);
      expect(l.runs.map((r) => r.seed)).toEqual([42, 43]);
      expect(l.perImage[0].dice).toBeCloseTo((runs[0].perImage[0].dice + runs[1].perImage[0].dice) / 2, 12);
    }
    const best = results.losses.reduce((a, b) => (b.dice > a.dice ? b : a)).label;
    expect(results.verdict).toMatchObject({ best, tiedWithBest: [] });
    expect(JSON.parse(files['results.json'])).toMatchObject({ repeats: 2, best });
    expect(files['index.html']).toContain('<table class="metrics">');
  });
});
