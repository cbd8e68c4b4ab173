/// <reference types="node" />
/**
 * The file system as the CLI uses it: read files, and write output folders
 * atomically (into a temporary sibling first, renamed into place at the end, so an interrupted
 * run leaves nothing half-written) without ever replacing a folder segloss did not write.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, UsageError } from '../errors.js';

/** The bytes of `file`; a failure names the file. */
export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Refuses to replace a folder that holds anything but an earlier output of the same kind (one holding a marker). */
export function checkOutFolder(out: string, marker: string | readonly string[]): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder.`);
  const names = readdirSync(out);
  const markers = typeof marker === 'string' ? [marker] : marker;
  if (names.length > 0 && !markers.some((m) => names.includes(m))) {
    throw new UsageError(`--out ${out} is a non-empty folder without ${markers.join(' or ')}; choose another --out (segloss only replaces its own output).`);
  }
}

/** Writes `text` to `path` whole or not at all: into a temporary sibling, then renamed (its folder is created). */
export function writeTextAtomic(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The text of `path`, or undefined when there is no such file. */
export function readTextIfAny(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Writes `files` into `out` atomically: into a temporary sibling first, then swapped in with
 * renames (an older output there is replaced only at the end).
 */
export function writeFolder(out: string, files: Record<string, string | Uint8Array>, marker: string | readonly string[]): string {
  const target = resolve(out);
  checkOutFolder(target, marker);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), content);
    }
    if (existsSync(target)) {
      const old = join(parent, `.${basename(target)}.old-${process.pid}`);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
