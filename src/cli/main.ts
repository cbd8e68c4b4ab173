#!/usr/bin/env node
/// <reference types="node" />
/** The `segloss` executable (see `segloss --help` and docs/cli.md): the CLI's only use of `process`. */
import { nodeEnv } from './node/env.js';
import { run } from './run.js';

const io = { out: process.stdout, err: process.stderr };
run(process.argv.slice(2), io, nodeEnv(io)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`segloss: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
