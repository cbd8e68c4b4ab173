/// <reference types="node" />
/** `nodeEnv(io)`: the CLI's environment in Node, assembled from the pieces in this folder. */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env, Io } from '../env.js';
import { checkOutFolder, writeFolder } from './files.js';
import { loadPngEncoder } from './images.js';
import { modelStore } from './modelStore.js';
import { Progress } from './progress.js';
import { readPairs, readPalette } from './readPairs.js';
import { loadTf } from './tf.js';

/** The Node environment; progress goes to `io.err`. */
export function nodeEnv(io: Io): Env {
  const files: Env['files'] = {
    exists: existsSync,
    join,
    resolve: (path) => resolve(path),
    checkOutFolder: (out, marker) => checkOutFolder(resolve(out), marker),
    writeFolder,
    writeText: (path, text) => writeFileSync(path, text),
  };
  return {
    files,
    images: {
      readPairs,
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
  };
}
