/**
 * The `segloss` commands: `compare`, `train`, `eval`. `run(argv, io)` returns the exit status
 * (0 ok, 1 failure, 2 bad command line, 130 interrupted); it never calls `process.exit`, so tests run it in
 * process. Every message it prints has one prefix: `segloss <command>: `.
 */
import { nearest } from '../core/validate.js';
import { compareCommand } from './commands/compare.js';
import { evalCommand } from './commands/eval.js';
import { trainCommand } from './commands/train.js';
import type { Env, Io } from './env.js';
import { CliError, Interrupted, UsageError } from './errors.js';
import { COMMANDS, MAIN_HELP, type Command } from './options/help.js';

export type { Io };

const HANDLERS: Record<Command, (argv: string[], io: Io, env: Env) => Promise<number>> = {
  compare: compareCommand,
  train: trainCommand,
  eval: evalCommand,
};

/** Runs the CLI with `argv` (without node and the script) in `env`. Returns the exit status. */
export async function run(argv: string[], io: Io, env: Env): Promise<number> {
  const [command, ...rest] = argv;
  let prefix = 'segloss';
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out.write(`${MAIN_HELP}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!COMMANDS.includes(command as Command)) {
      const hint = nearest(command, COMMANDS);
      throw new UsageError(`unknown command '${command}'${hint ? ` (did you mean '${hint}'?)` : ''}; commands are ${COMMANDS.join(', ')}.`);
    }
    prefix = `segloss ${command}`;
    return await HANDLERS[command as Command](rest, io, env);
  } catch (error) {
    if (error instanceof CliError) {
      io.err.write(`${prefix}: ${error.message}\n`);
      return error instanceof Interrupted ? 130 : error instanceof UsageError ? 2 : 1;
    }
    io.err.write(`${prefix}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
