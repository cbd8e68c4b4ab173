/**
 * A compare worker: loads tfjs itself, reads and checks the data itself from the transferred
 * `File`s (through the CLI's `loadData` with the browser Env), rebuilds the plan from the CLI's
 * flags, and runs the tasks it is sent with `runOne`, one at a time. Every worker runs the same
 * code on the same data with the same backend, so a record does not depend on which worker ran it.
 */
import type { Env } from '../../../src/cli/env';
import { CliError, UsageError } from '../../../src/cli/errors';
import { COMPARE_FLAGS } from '../../../src/cli/options/flags';
import { parseFlags } from '../../../src/cli/options/parse';
import { comparePlan, type ComparePlan } from '../../../src/cli/options/plan';
import { dataLine } from '../../../src/cli/orchestrate/announce';
import { loadData, type LoadedData } from '../../../src/cli/orchestrate/loadData';
import type { ProgressSink, ProgressState, Tf } from '../../../src/cli/pipeline/types';
import type { RunTask } from '../../../src/cli/pipeline/runRecord';
import { browserEnv } from './browserEnv';
import { buildReport, runOne } from './coreAdapter';
import { describeBackend, loadTf, type BackendInfo } from './loadTf';
import type { FromWorker, ToWorker } from './messages';

interface Scope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as Scope;

let tf: Tf | undefined;
let info: BackendInfo | undefined;
let threads = 0;
let current: { env: Env; plan: ComparePlan; data: LoadedData; argv: string[] } | undefined;
let task: RunTask | undefined;

const progress: ProgressSink = {
  update: (state: ProgressState) => task && scope.postMessage({ type: 'progress', task, state }),
  epochDone: () => undefined,
  log: () => undefined,
  warn: () => undefined,
};

/** The plan of `argv`: exactly what `segloss compare <argv>` would run. */
function planOf(argv: string[]): ComparePlan {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
  return comparePlan(flags, given);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'backend') {
    threads = message.threads;
    ({ tf, info } = await loadTf(message.backend, threads));
    scope.postMessage({ type: 'backend', info });
  } else if (message.type === 'data') {
    const plan = planOf(message.argv);
    const env = browserEnv({ images: message.images, masks: message.masks }, progress, info!.name, threads);
    const data = await loadData(env, plan.data, 2 ** plan.training.depth);
    current = { env, plan, data, argv: message.argv };
    const notes = { line: dataLine(data), maskValues: data.maskValues, warnings: data.warnings, trainImages: data.train.infos.length, valImages: data.val.infos.length, heldOut: data.val.infos.map(({ name, width, height }) => ({ name, width, height })) };
    scope.postMessage({ type: 'data', notes });
  } else if (message.type === 'run') {
    task = message.task;
    const record = await runOne(tf!, current!.data, current!.plan, message.task, progress);
    task = undefined;
    scope.postMessage({ type: 'done', record }, record.predictions.map((p) => p.buffer as ArrayBuffer));
  } else {
    const { env, plan, data } = current!;
    const { files, results } = await buildReport({ tf: tf!, env, data, plan, records: message.records, backend: describeBackend(info!), command: message.command, extra: message.extra });
    scope.postMessage({ type: 'report', files, results });
  }
}

// Messages are handled one after another (a run is synchronous; data and report wait their turn).
let queue = Promise.resolve();
scope.onmessage = (event) => {
  queue = queue.then(() =>
    handle(event.data).catch((error: Error) => {
      const known = error instanceof CliError;
      scope.postMessage({ type: 'error', message: known ? error.message : (error.stack ?? String(error)), usage: error instanceof UsageError });
    }),
  );
};
