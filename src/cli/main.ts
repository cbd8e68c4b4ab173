#!/usr/bin/env node
/// <reference types="node" />
/** The `segloss` executable (see `segloss --help` and docs/cli.md): the CLI's only use of `process`. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { nodeEnv } from './node/env.js';
import { workerScriptBeside } from './node/workers.js';
import { run } from './run.js';

const io = { out: process.stdout, err: process.stderr };
// compare's worker threads run node/runWorker.js beside this file (through the bin symlink).
const worker = workerScriptBeside(pathToFileURL(realpathSync(process.argv[1])));
run(process.argv.slice(2), io, nodeEnv(io, { worker })).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`segloss: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
