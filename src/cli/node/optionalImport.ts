/// <reference types="node" />
/**
 * Loads an optional peer dependency of the CLI at run time, so that the library itself keeps
 * `@tensorflow/tfjs-core` as its only peer: a missing package is reported with the command that
 * installs it.
 */
import { CliError } from '../errors.js';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * `import(name)`, or a CliError naming `npm install <name>` and `purpose` when it is not installed.
 * Other failures (a broken install, a missing native binary) are passed on with the package named.
 */
export async function importOptional<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissing(error) && String((error as Error).message).includes(name)) {
      throw new CliError(`${purpose} needs the optional package '${name}'; install it with \`npm install ${name}\`.`);
    }
    throw new CliError(`could not load '${name}' (${purpose}): ${(error as Error).message}`);
  }
}
