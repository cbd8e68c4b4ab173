/// <reference types="node" />
/**
 * Reads a command's flags from argv with `node:util` `parseArgs` (strict), then checks and
 * converts every value against the flag table: unknown flags and enum values get a
 * did-you-mean, ranges come from the table. `node:util` is pure JavaScript; this file runs
 * wherever argv exists.
 */
import { parseArgs } from 'node:util';
import { nearest } from '../../core/validate.js';
import { UsageError } from '../errors.js';
import { flagName, type FlagDef, type FlagTable, type Flags } from './flags.js';

function readValue(key: string, def: FlagDef, text: string | boolean | undefined): unknown {
  const name = flagName(key);
  if (def.kind === 'boolean') return Boolean(text);
  if (def.kind === 'string') {
    if (text === undefined && def.required !== undefined) throw new UsageError(`--${name} ${def.value} is required (${def.required}).`);
    return text ?? def.default;
  }
  if (text === undefined && def.default === undefined) return undefined;
  const raw = typeof text === 'string' ? text : String(def.default);
  if (def.kind === 'enum') {
    if (!def.choices.includes(raw)) {
      const hint = nearest(raw, def.choices);
      throw new UsageError(`--${name} must be one of ${def.choices.join(', ')}, got '${raw}'${hint ? ` (did you mean '${hint}'?)` : ''}.`);
    }
    return raw;
  }
  const v = Number(raw);
  const blank = raw.trim() === '';
  if (def.kind === 'int') {
    const max = def.max ?? Number.MAX_SAFE_INTEGER;
    if (blank || !Number.isInteger(v) || v < def.min || v > max) {
      throw new UsageError(`--${name} must be an integer in [${def.min}, ${def.max === undefined ? '∞' : def.max}], got '${raw}'.`);
    }
    return v;
  }
  const inside = def.open ? v > def.min && v < def.max : v >= def.min && v <= def.max;
  if (blank || !Number.isFinite(v) || !inside) {
    throw new UsageError(`--${name} must be a number in ${def.open ? '(' : '['}${def.min}, ${def.max}${def.open ? ')' : ']'}, got '${raw}'.`);
  }
  return v;
}

/**
 * Parses `argv` (after the command) against `table`. `help` short-circuits the value checks,
 * so `--help` always works. Returns the typed flags plus which were given explicitly.
 */
export function parseFlags<T extends FlagTable>(command: string, table: T, argv: string[]): { flags: Flags<T>; given: Set<keyof T & string> } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [key, def] of Object.entries(table)) {
    options[flagName(key)] = { type: def.kind === 'boolean' ? 'boolean' : 'string', ...(def.kind === 'boolean' && def.short ? { short: def.short } : {}) };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    values = parsed.values;
    if (parsed.positionals.length > 0 && !values.help) {
      throw new UsageError(`unexpected argument '${parsed.positionals[0]}' (options start with --; see segloss ${command} --help).`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const hint = nearest(unknown[1].replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`unknown option '${unknown[1]}'${hint ? ` (did you mean '--${hint}'?)` : ''}; see segloss ${command} --help.`);
    }
    const missing = /Option '(-{1,2}[^']+?)(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new UsageError(`option '${missing[1].replace(/^-\w, /, '')}' needs a value; see segloss ${command} --help.`);
    throw new UsageError(message);
  }
  const flags: Record<string, unknown> = {};
  const given = new Set<keyof T & string>();
  for (const [key, def] of Object.entries(table)) {
    const text = values[flagName(key)];
    if (text !== undefined) given.add(key as keyof T & string);
    if (values.help && key !== 'help') continue;
    flags[key] = readValue(key, def, text);
  }
  return { flags: flags as Flags<T>, given };
}
