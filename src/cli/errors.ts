/**
 * An error the CLI reports as a plain message (no stack trace) with exit status 1 or 2.
 * `usage` marks mistakes in the command line (status 2).
 */
export class CliError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
    this.name = 'CliError';
  }
}
