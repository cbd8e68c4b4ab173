/**
 * The runner for `--jobs 1` (and environments without workers): compare's runs one after another
 * in this thread, on the tfjs and data already loaded. Portable.
 */
import type { EnvRunner, RunEvents } from '../env.js';
import type { RunTask } from '../pipeline/runRecord.js';
import type { ProgressSink, Tf } from '../pipeline/types.js';
import type { LoadedData } from './loadData.js';
import { runOne } from './runOne.js';

/** A progress sink that forwards a run's states and epochs to the runner's events. */
export function taskProgress(task: RunTask, events: RunEvents): ProgressSink {
  return {
    update: (state) => events.update(task, state),
    epochDone: (_label, epochs, record) => events.epochDone?.(task, epochs, record),
    log: () => {},
    warn: () => {},
  };
}

export function inlineRunner(tf: Tf, data: LoadedData): EnvRunner {
  return {
    async runAll(plan, tasks, _jobs, events, signal) {
      for (const task of tasks) {
        const record = await runOne(tf, data, plan, task, { progress: taskProgress(task, events), signal });
        events.done(record);
      }
    },
  };
}
