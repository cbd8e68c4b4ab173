/// <reference types="node" />
/**
 * The entry of a compare worker thread (node/workers.ts): rebuilds the plan from its plain data,
 * loads tfjs and the data once, posts `ready`, then trains each task it is sent with the portable
 * `runOne` and posts the record (predictions transferred, not copied), its progress (at most ~5
 * updates a second) and its epochs. Errors are posted, never thrown.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError } from '../errors.js';
import { withLosses, type PortablePlan } from '../options/plan.js';
import { loadData } from '../orchestrate/loadData.js';
import { runOne } from '../orchestrate/runOne.js';
import type { RunTask } from '../pipeline/runRecord.js';
import type { ProgressSink } from '../pipeline/types.js';
import { nodeEnv } from './env.js';
import type { WorkerMessage } from './workers.js';

const port = parentPort!;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const errorOf = (error: unknown, task?: RunTask): WorkerMessage => ({
  type: 'error',
  task,
  message: error instanceof CliError ? error.message : ((error as Error).stack ?? String(error)),
  cli: error instanceof CliError,
});

function progressOf(task: RunTask): ProgressSink {
  let last = 0;
  return {
    update(state) {
      const now = Date.now();
      if (now - last < 200 && state.batch < state.batches) return;
      last = now;
      post({ type: 'update', task, state });
    },
    epochDone: (_label, epochs, record) => post({ type: 'epoch', task, epochs, record }),
    log: () => {},
    warn: () => {},
  };
}

async function main(): Promise<void> {
  const plan = withLosses((workerData as { plan: PortablePlan }).plan);
  const silent = { write: () => true };
  const env = nodeEnv({ out: silent, err: silent });
  const { tf } = await env.loadTf(plan.backend);
  const data = await loadData(env, plan.data, 2 ** plan.training.depth);
  port.on('message', ({ task }: { task: RunTask }) => {
    runOne(tf, data, plan, task, { progress: progressOf(task) }).then(
      (record) => post({ type: 'done', record }, record.predictions.map((p) => p.buffer as ArrayBuffer)),
      (error: unknown) => post(errorOf(error, task)),
    );
  });
  post({ type: 'ready' });
}

main().catch((error: unknown) => post(errorOf(error)));
