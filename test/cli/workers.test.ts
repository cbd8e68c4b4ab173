/**
 * The worker pool's bookkeeping (node/workers.ts) with a stand-in worker (no tfjs): records come
 * back through `events.done`, a worker's error or crash rejects with a CliError naming the run,
 * and an aborted signal stops the workers with RunStopped. The real runs through workers are in
 * runs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvents } from '../../src/cli/env.js';
import { CliError } from '../../src/cli/errors.js';
import { workerRunner } from '../../src/cli/node/workers.js';
import type { ComparePlan } from '../../src/cli/options/plan.js';
import type { RunRecord, RunTask } from '../../src/cli/pipeline/runRecord.js';
import { RunStopped } from '../../src/cli/pipeline/trainRun.js';

const runner = workerRunner({ url: new URL('../helpers/fakeWorker.mjs', import.meta.url) });
const spec = (label: string) => ({ spec: { name: label, label, options: {} } });
const plan = { losses: ['diceLoss', 'bceLoss', 'focalLoss', 'tverskyLoss'].map(spec), repeats: 2, data: { label: { mode: 'binary' } } } as unknown as ComparePlan;
const task = (loss: number, repeat = 0): RunTask => ({ loss, repeat, seed: 42 + repeat });

function collect() {
  const done: RunRecord[] = [];
  const events: RunEvents = { update: () => {}, done: (r) => done.push(r) };
  return { done, events };
}

describe('workerRunner()', () => {
  it('hands every task to a worker and reports each record once, predictions intact', async () => {
    const { done, events } = collect();
    await runner.runAll(plan, [task(0, 0), task(0, 1), task(0, 0)], 2, events);
    expect(done.map((r) => r.task.repeat).sort()).toEqual([0, 0, 1]);
    expect(done[0].predictions[0]).toEqual(Int32Array.of(1, 2));
  });

  it('rejects with a CliError naming the run when a worker posts an error or crashes', async () => {
    await expect(runner.runAll(plan, [task(1, 1)], 1, collect().events)).rejects.toThrow(
      new CliError('bceLoss #2: failed: boom (run 2 of bceLoss, seed 43)'),
    );
    await expect(runner.runAll(plan, [task(0), task(2)], 1, collect().events)).rejects.toThrow(/^focalLoss #1: failed: crash \(run 1 of focalLoss, seed 42\)$/);
  });

  it('stops its workers and rejects with RunStopped when the signal is aborted', async () => {
    const controller = new AbortController();
    const running = runner.runAll(plan, [task(3), task(3)], 2, collect().events, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow(RunStopped);
  });
});
