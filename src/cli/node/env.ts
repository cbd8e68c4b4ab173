/// <reference types="node" />
/** `nodeEnv(io)`: the CLI's environment in Node, assembled from the pieces in this folder. */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env, Io } from '../env.js';
import { CliError } from '../errors.js';
import { checkOutFolder, isFolder, listFiles, readBytes, writeFolder } from './files.js';
import { modelStore } from './modelStore.js';
import { decodePng, encodePng } from './png.js';
import { Progress } from './progress.js';
import { loadTf } from './tf.js';

/** The Node environment; progress goes to `io.err`. */
export function nodeEnv(io: Io): Env {
  const files: Env['files'] = {
    isFolder,
    exists: existsSync,
    list: listFiles,
    join,
    resolve: (path) => resolve(path),
    checkOutFolder: (out, marker) => checkOutFolder(resolve(out), marker),
    writeFolder,
    writeText: (path, text) => writeFileSync(path, text),
  };
  return {
    files,
    images: {
      async decode(path, options = {}) {
        const bytes = readBytes(path);
        try {
          return decodePng(bytes, path, options.paletteIndices ?? false);
        } catch (error) {
          throw new CliError((error as Error).message);
        }
      },
      pngDataUri: (image) => `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`,
    },
    models: modelStore(files),
    progress: (quiet) => new Progress(io.err, quiet),
    loadTf,
    now: () => new Date(),
  };
}
