#!/usr/bin/env node
/// <reference types="node" />
/** The `segloss` executable (see `segloss --help` and docs/cli.md): the CLI's only use of `process`. */
import { run } from './run.js';

run(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`segloss: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
