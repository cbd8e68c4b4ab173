/// <reference types="node" />
/**
 * compare's runs in a pool of Node worker threads (`--jobs J`): J workers, each of which loads
 * tfjs (its own wasm instance) and the plan's data once, then trains the runs it is handed with
 * the same portable `runOne` as the main thread, so the records do not depend on J. The plan
 * crosses as plain data (the losses as their specs, rebuilt in the worker). A failure in a worker
 * stops the pool and surfaces as a CliError naming the run; an aborted signal terminates the
 * workers (runs in progress are lost, finished ones were already reported).
 */
import { Worker } from 'node:worker_threads';
import type { EnvRunner, RunEvents } from '../env.js';
import { CliError } from '../errors.js';
import { portablePlan, type ComparePlan } from '../options/plan.js';
import { runName } from '../orchestrate/runOne.js';
import type { RunRecord, RunTask } from '../pipeline/runRecord.js';
import { RunStopped } from '../pipeline/trainRun.js';
import type { EpochRecord, ProgressState } from '../pipeline/types.js';

/** The module a worker runs, and the Node flags it needs (e.g. a loader for TypeScript sources). */
export interface WorkerScript {
  url: URL;
  /** @defaultValue this process's `process.execArgv` (Node's default for workers) */
  execArgv?: string[];
}

/**
 * The worker entry beside the executable `main` (a file URL): `node/runWorker.js`, or
 * `node/runWorker.ts` when the CLI runs from its TypeScript sources through a loader. (Found
 * from the executable, not `import.meta`, which the CommonJS build cannot compile.)
 */
export function workerScriptBeside(main: URL): WorkerScript {
  const ts = main.pathname.endsWith('.ts');
  return { url: new URL(ts ? './node/runWorker.ts' : './node/runWorker.js', main) };
}

/** What a worker posts. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'update'; task: RunTask; state: ProgressState }
  | { type: 'epoch'; task: RunTask; epochs: number; record: EpochRecord }
  | { type: 'done'; record: RunRecord }
  | { type: 'error'; task?: RunTask; message: string; cli: boolean };

/** The message a worker's failure becomes: the run named first (once). */
function failure(plan: ComparePlan, m: { task?: RunTask; message: string; cli: boolean }): CliError {
  if (!m.task) return new CliError(m.message);
  const name = runName(plan, m.task);
  const text = m.message.startsWith(`${name}:`) ? m.message : `${name}: ${m.cli ? '' : 'failed: '}${m.message}`;
  return new CliError(`${text}${m.cli ? '' : ` (run ${m.task.repeat + 1} of ${plan.losses[m.task.loss].spec.label}, seed ${m.task.seed})`}`);
}

export function workerRunner(script: WorkerScript): EnvRunner {
  return {
    runAll(plan: ComparePlan, tasks: readonly RunTask[], jobs: number, events: RunEvents, signal?: AbortSignal): Promise<void> {
      const queue = [...tasks];
      const workers = new Set<Worker>();
      const portable = portablePlan(plan);
      let onAbort = () => {};
      return new Promise<void>((resolve, reject) => {
        let ended = false;
        const end = (error?: Error) => {
          if (ended) return;
          ended = true;
          for (const w of workers) void w.terminate();
          workers.clear();
          if (error) reject(error);
          else resolve();
        };
        onAbort = () => end(new RunStopped('compare'));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const start = () => {
          const worker = new Worker(script.url, { workerData: { plan: portable }, ...(script.execArgv ? { execArgv: script.execArgv } : {}) });
          workers.add(worker);
          let current: RunTask | undefined;
          const next = () => {
            current = queue.shift();
            if (current) return worker.postMessage({ task: current });
            workers.delete(worker);
            void worker.terminate();
            if (workers.size === 0) end();
          };
          worker.on('message', (m: WorkerMessage) => {
            if (ended) return;
            try {
              if (m.type === 'ready') next();
              else if (m.type === 'update') events.update(m.task, m.state);
              else if (m.type === 'epoch') events.epochDone?.(m.task, m.epochs, m.record);
              else if (m.type === 'done') {
                events.done(m.record);
                next();
              } else end(failure(plan, m));
            } catch (error) {
              end(error as Error);
            }
          });
          worker.on('error', (error) => end(failure(plan, { task: current, message: error.message, cli: false })));
          worker.on('exit', (code) => {
            if (!ended && workers.has(worker)) end(failure(plan, { task: current, message: `its worker exited with code ${code}`, cli: false }));
          });
        };
        for (let i = 0; i < Math.min(jobs, tasks.length); i++) start();
        if (tasks.length === 0) end();
      }).finally(() => signal?.removeEventListener('abort', onAbort));
    },
  };
}
