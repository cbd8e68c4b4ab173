/**
 * The CLI's two error kinds. Messages carry no prefix: `run` writes each as one line,
 * `segloss <command>: <message>` (or `segloss: <message>` before a command is known).
 */

/** A failure the CLI reports as a plain message (no stack trace), with exit status 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in the command line (a flag, its value, a loss spec): exit status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The user interrupted the command (Ctrl-C): exit status 130, as a shell reports SIGINT. */
export class Interrupted extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}
