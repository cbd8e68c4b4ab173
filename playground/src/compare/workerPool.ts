/**
 * The browser's {@link EnvRunner}: a pool of `jobs` Web Workers (playground/src/compare/worker.ts),
 * each started on the page's backend with its share of the cores (wasm threads), each reading the
 * data itself from the picked `File`s, then fed one task at a time until none is left. Progress and
 * finished records go to the {@link RunEvents}; the first failure stops every worker and rejects.
 */
import type { EnvRunner, RunEvents } from '../../../src/cli/env';
import type { ComparePlan } from '../../../src/cli/options/plan';
import type { RunRecord, RunTask } from '../../../src/cli/pipeline/runRecord';
import type { BackendInfo } from './loadTf';
import type { DataNotes, FromWorker, ToWorker } from './messages';

/** An error a worker reported: `usage` for a mistake in the options. */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/** One worker and the reply it is waiting for. */
class Handle {
  private waiting?: { type: FromWorker['type']; ok: (m: FromWorker) => void; fail: (e: Error) => void };
  onProgress?: (m: Extract<FromWorker, { type: 'progress' }>) => void;

  constructor(readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === 'progress') this.onProgress?.(m);
      else if (m.type === 'error') this.settle(undefined, new WorkerError(m.message, m.usage));
      else if (this.waiting?.type === m.type) this.settle(m);
    };
    worker.onerror = (event) => this.settle(undefined, new WorkerError(`a compare worker failed: ${event.message || 'no message (see the console)'}`, false));
  }

  private settle(m: FromWorker | undefined, error?: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) {
      if (error) w.fail(error);
      else w.ok(m!);
    }
  }

  /** Sends `message` and resolves with the worker's reply of the same type. */
  call<T extends ToWorker['type']>(message: Extract<ToWorker, { type: T }>): Promise<Extract<FromWorker, { type: T extends 'run' ? 'done' : T }>> {
    const type = (message.type === 'run' ? 'done' : message.type) as FromWorker['type'];
    return new Promise((ok, fail) => {
      this.waiting = { type, ok: ok as (m: FromWorker) => void, fail };
      this.worker.postMessage(message);
    });
  }
}

/** Detects the backend in a throw-away worker: the first of webgpu → webgl → wasm → cpu that runs (or `forced`). */
export async function probeBackend(make: () => Worker, forced?: string): Promise<BackendInfo> {
  const h = new Handle(make());
  try {
    return (await h.call({ type: 'backend', backend: forced, threads: 1 })).info;
  } finally {
    h.worker.terminate();
  }
}

/** What each worker of the pool is given. */
export interface PoolSetup {
  backend: string;
  argv: string[];
  images: File[];
  masks: File[];
  /** Logical cores shared among the workers (wasm threads = ⌊cores / jobs⌋, at least 1). */
  cores: number;
}

export class WorkerPool implements EnvRunner {
  private handles: Handle[] = [];
  /** What the first worker's data checks found. */
  notes?: DataNotes;

  constructor(
    private readonly make: () => Worker,
    private readonly setup: PoolSetup,
  ) {}

  /** Starts (the missing ones of) `jobs` workers: backend, then data, in parallel. */
  async start(jobs: number): Promise<void> {
    const { backend, argv, images, masks, cores } = this.setup;
    const threads = Math.max(1, Math.floor(cores / jobs));
    const fresh: Handle[] = [];
    while (this.handles.length + fresh.length < jobs) fresh.push(new Handle(this.make()));
    this.handles.push(...fresh);
    const notes = await Promise.all(
      fresh.map(async (h) => {
        await h.call({ type: 'backend', backend, threads });
        return (await h.call({ type: 'data', argv, images, masks })).notes;
      }),
    );
    this.notes ??= notes[0];
  }

  async runAll(_plan: ComparePlan, tasks: readonly RunTask[], jobs: number, events: RunEvents): Promise<void> {
    try {
      await this.start(Math.min(jobs, tasks.length));
      const queue = [...tasks];
      await Promise.all(
        this.handles.slice(0, Math.min(jobs, tasks.length)).map(async (h) => {
          for (let task = queue.shift(); task; task = queue.shift()) {
            h.onProgress = (m) => events.update(m.task, m.state);
            const { record } = await h.call({ type: 'run', task });
            events.done(record);
          }
        }),
      );
    } catch (error) {
      this.terminate();
      throw error;
    }
  }

  /** results.json, results.csv and index.html from the records, built by the first worker (it holds the data). */
  async report(records: RunRecord[], command: string, extra: Record<string, unknown>): Promise<{ files: Record<string, string | Uint8Array>; results: unknown }> {
    if (!this.handles.length) await this.start(1);
    return this.handles[0].call({ type: 'report', records, command, extra });
  }

  terminate(): void {
    for (const h of this.handles) h.worker.terminate();
    this.handles = [];
  }
}
