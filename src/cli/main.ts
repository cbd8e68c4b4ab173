#!/usr/bin/env node
/// <reference types="node" />
/** The `segloss` executable: see `segloss --help` and docs/cli.md. */
import { run } from './cli.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`segloss: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
