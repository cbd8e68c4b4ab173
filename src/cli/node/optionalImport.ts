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

/** The error says that `name` itself is not installed (not one of its own dependencies). */
function isMissingPackage(error: unknown, name: string): boolean {
  return isMissing(error) && String((error as Error).message).includes(name);
}

/**
 * `import(name)`, or undefined when `name` is not installed; any other failure (a broken install,
 * a missing dependency of `name`) is a CliError naming the package.
 */
export async function tryImport<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissingPackage(error, name)) return undefined;
    throw new CliError(`could not load '${name}': ${(error as Error).message}`);
  }
}

/**
 * `import(name)`, or a CliError naming `npm install <name>` and `purpose` when it is not installed.
 * Other failures (a broken install, a missing native binary) are passed on with the package named.
 */
export async function importOptional<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissingPackage(error, name)) {
      throw new CliError(`${purpose} needs the optional package '${name}'; install it with \`npm install ${name}\`.`);
    }
    throw new CliError(`could not load '${name}' (${purpose}): ${(error as Error).message}`);
  }
}
