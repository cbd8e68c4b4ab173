/// <reference types="node" />
/** `nodeEnv(io)`: the CLI's environment in Node, assembled from the pieces in this folder. */
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env, Io } from '../env.js';
import { checkOutFolder, readTextIfAny, writeFolder, writeTextAtomic } from './files.js';
import { loadPngEncoder } from './images.js';
import { modelStore } from './modelStore.js';
import { Progress } from './progress.js';
import { listPairs, readPalette } from './readPairs.js';
import { loadTf } from './tf.js';
import { workerRunner, type WorkerScript } from './workers.js';

/** Options of {@link nodeEnv}. */
export interface NodeEnvOptions {
  /**
   * The worker entry of compare's `--jobs` pool (main.ts passes the one beside it; tests running
   * the TypeScript sources pass a loader). @defaultValue none: runs go one after another in this thread
   */
  worker?: WorkerScript;
  /** `--jobs`' default. @defaultValue `os.availableParallelism()` */
  cores?: number;
}

/** Calls `handler` on the first SIGINT; a second one exits at once (status 130). Returns the remover. */
function onInterrupt(handler: () => void): () => void {
  let count = 0;
  const listener = () => {
    if (++count === 1) handler();
    else process.exit(130);
  };
  process.on('SIGINT', listener);
  return () => process.off('SIGINT', listener);
}

/** The Node environment; progress goes to `io.err`. */
export function nodeEnv(io: Io, options: NodeEnvOptions = {}): Env {
  const files: Env['files'] = {
    exists: existsSync,
    join,
    resolve: (path) => resolve(path),
    checkOutFolder: (out, marker) => checkOutFolder(resolve(out), marker),
    writeFolder,
    writeText: writeTextAtomic,
    readText: readTextIfAny,
    remove: (path) => rmSync(path, { recursive: true, force: true }),
  };
  return {
    files,
    images: {
      listPairs,
      readPalette,
      async pngEncoder() {
        const png = await loadPngEncoder();
        return { png, dataUri: (image) => `data:image/png;base64,${Buffer.from(png(image)).toString('base64')}` };
      },
    },
    models: modelStore(files),
    progress: (quiet) => new Progress(io.err, quiet),
    loadTf,
    now: () => new Date(),
    ...(options.worker ? { runner: workerRunner(options.worker) } : {}),
    cores: () => options.cores ?? availableParallelism(),
    onInterrupt,
  };
}
