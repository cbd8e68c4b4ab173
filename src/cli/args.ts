/// <reference types="node" />
/**
 * Command-line options of each command (parsed with `node:util` `parseArgs`), their defaults,
 * checks and `--help` text.
 */
import { parseArgs } from 'node:util';
import { nearest } from '../core/validate.js';
import { CliError } from './errors.js';
import { BACKEND_CHOICES } from './tf.js';

export const COMMANDS = ['compare', 'train', 'eval'] as const;
export type Command = (typeof COMMANDS)[number];

interface OptionDef {
  name: string;
  /** Placeholder of the value, or undefined for a boolean flag. */
  value?: string;
  help: string;
  /** The default as shown in --help (and, unless `shownOnly`, the value used). */
  default?: string;
  short?: string;
}

/** The losses `compare` trains by default (the demo's set). */
export const DEFAULT_LOSSES = 'bceLoss,diceLoss,bceDiceLoss,focalLoss,tverskyLoss{alpha:0.3,beta:0.7},lovaszHingeLoss';

const DATA: OptionDef[] = [
  { name: 'data', value: 'DIR', help: 'folder with images/ and masks/ (PNG, paired by file name)', default: 'the built-in synthetic set' },
  { name: 'size', value: 'N', help: 'resize images and masks to N×N (N divisible by 2^depth)', default: '64' },
  { name: 'mode', value: 'MODE', help: 'binary | multiclass', default: 'binary' },
  { name: 'classes', value: 'K', help: 'multiclass: number of classes (mask values 0..K-1)', default: 'largest mask value + 1' },
  { name: 'foreground', value: 'V', help: 'binary: the mask value that is foreground (others are background)', default: '1 or 255 (0 is background)' },
  { name: 'ignore-index', value: 'V', help: 'mask value to ignore (no loss, not scored)', default: 'none' },
  { name: 'synthetic-count', value: 'N', help: 'synthetic set: number of images', default: '48' },
  { name: 'fg-fraction', value: 'F', help: 'synthetic set: mean foreground fraction per image', default: '0.03' },
];
const SPLIT: OptionDef[] = [
  { name: 'val', value: 'DIR', help: 'held-out folder (images/ + masks/)', default: 'the last --val-split of --data' },
  { name: 'val-split', value: 'F', help: 'fraction held out: the last files in name order (a contiguous block)', default: '0.25' },
];
const TRAINING: OptionDef[] = [
  { name: 'epochs', value: 'N', help: 'training epochs per loss', default: '15' },
  { name: 'batch-size', value: 'N', help: 'images per batch', default: '4' },
  { name: 'lr', value: 'F', help: 'Adam learning rate', default: '0.003' },
  { name: 'width', value: 'N', help: 'U-Net filters at the first level (doubling per level)', default: '8' },
  { name: 'depth', value: 'N', help: 'U-Net levels (poolings)', default: '2' },
  { name: 'seed', value: 'N', help: 'seed of the synthetic data, initial weights and batch order', default: '42' },
];
const RUN: OptionDef[] = [
  { name: 'backend', value: 'NAME', help: 'auto | wasm | cpu | tensorflow (auto: tfjs-node if installed, else wasm)', default: 'auto' },
  { name: 'quiet', short: 'q', help: 'no progress output (for logs and CI); still prints the output path' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const SPECS: Record<Command, { summary: string; usage: string; options: OptionDef[]; notes: string }> = {
  compare: {
    summary: 'Train the same small U-Net once per loss and compare them on held-out images.',
    usage: 'segloss compare [--data DIR] [--losses LIST] [options]',
    options: [
      { name: 'losses', value: 'LIST', help: 'comma-separated loss names, each with optional {key:value,...} options', default: DEFAULT_LOSSES },
      ...DATA,
      ...SPLIT,
      ...TRAINING,
      { name: 'samples', value: 'N', help: 'held-out images shown with predictions in the report', default: '4' },
      { name: 'out', value: 'DIR', help: 'report folder (index.html, results.json, results.csv)', default: 'segloss-report' },
      ...RUN,
    ],
    notes: `Loss options: --losses 'diceLoss,focalLoss{gamma:1.5,alpha:0.25},tverskyLoss{alpha:0.3,beta:0.7}'
  Values: numbers, true/false/null, words or 'quoted strings', [lists]. mode and ignoreIndex
  are set from --mode and --ignore-index. Quote the list in the shell.

Examples:
  segloss compare                                   # built-in synthetic set
  segloss compare --data ./my-data --size 128 --foreground 255
  segloss compare --data ./em --foreground 0 --val-split 0.2 --losses diceLoss,lovaszHingeLoss`,
  },
  train: {
    summary: 'Train the U-Net with one loss and save it (model.json + weights.bin + segloss.json).',
    usage: 'segloss train [--data DIR] [--loss SPEC] [options]',
    options: [
      { name: 'loss', value: 'SPEC', help: 'one loss name with optional {key:value,...} options', default: 'bceDiceLoss' },
      ...DATA,
      ...SPLIT,
      ...TRAINING,
      { name: 'out', value: 'DIR', help: 'model folder', default: 'segloss-model' },
      ...RUN,
    ],
    notes: `Example:
  segloss train --data ./my-data --loss 'focalLoss{gamma:2}' --out my-model
  segloss eval --model my-model --data ./my-test-data`,
  },
  eval: {
    summary: 'Load a model saved by `segloss train` and report Dice, IoU, precision and recall.',
    usage: 'segloss eval --model DIR [--data DIR] [options]',
    options: [
      { name: 'model', value: 'DIR', help: 'folder written by segloss train (required)' },
      { name: 'data', value: 'DIR', help: 'folder with images/ and masks/; every pair is scored', default: 'a fresh synthetic set (the model’s seed + 1)' },
      { name: 'synthetic-count', value: 'N', help: 'synthetic set: number of images', default: '16' },
      { name: 'batch-size', value: 'N', help: 'images per batch', default: '8' },
      { name: 'json', value: 'FILE', help: 'also write the scores as JSON to FILE', default: 'none' },
      ...RUN,
    ],
    notes: 'Size, mode, classes, foreground and ignore index come from the model folder (segloss.json).',
  },
};

export const MAIN_HELP = `segloss — which loss for my segmentation problem?

Usage: segloss <command> [options]

Commands:
  compare   ${SPECS.compare.summary}
  train     ${SPECS.train.summary}
  eval      ${SPECS.eval.summary}

Run \`segloss <command> --help\` for a command's options and defaults.
TensorFlow.js is an optional peer dependency: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm`;

/** The `--help` text of a command: every option with its default. */
export function helpText(command: Command): string {
  const spec = SPECS[command];
  const rows = spec.options.map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`];
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nOptions:\n${rows.map(([a, b]) => `  ${a.padEnd(w)}${b}`).join('\n')}\n\n${spec.notes}`;
}

export type Raw = Record<string, string | boolean | undefined>;

/** Parses `argv` (after the command) strictly; unknown flags get a did-you-mean. */
export function parseCommand(command: Command, argv: string[]): Raw {
  const spec = SPECS[command];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const o of spec.options) options[o.name] = { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    if (positionals.length > 0 && !values.help) {
      throw new CliError(`segloss ${command}: unexpected argument '${positionals[0]}' (options start with --; see segloss ${command} --help).`, true);
    }
    return values as Raw;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const flag = unknown[1].replace(/^-+/, '');
      const hint = nearest(flag, spec.options.map((o) => o.name));
      throw new CliError(
        `segloss ${command}: unknown option '${unknown[1]}'${hint ? ` (did you mean '--${hint}'?)` : ''}; see segloss ${command} --help.`,
        true,
      );
    }
    const missing = /Option '(-{1,2}[^']+?)(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new CliError(`segloss ${command}: option '${missing[1].replace(/^-\w, /, '')}' needs a value; see segloss ${command} --help.`, true);
    throw new CliError(`segloss ${command}: ${message}`, true);
  }
}

/** The default of option `name` of `command`, as a string. */
export function defaultOf(command: Command, name: string): string | undefined {
  return SPECS[command].options.find((o) => o.name === name)?.default;
}

/** Reads an integer option, checked against [min, max]. */
export function intOption(command: Command, raw: Raw, name: string, min: number, max = Number.MAX_SAFE_INTEGER, fallback?: number): number {
  const text = raw[name] ?? (fallback !== undefined ? String(fallback) : defaultOf(command, name));
  const v = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
    throw new CliError(`segloss ${command}: --${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got '${text}'.`, true);
  }
  return v;
}

/** Reads a number option in an interval; `open` excludes the ends. */
export function numberOption(command: Command, raw: Raw, name: string, min: number, max: number, open = false): number {
  const text = raw[name] ?? defaultOf(command, name);
  const v = Number(text);
  const ok = typeof text === 'string' && text.trim() !== '' && Number.isFinite(v) && (open ? v > min && v < max : v >= min && v <= max);
  if (!ok) throw new CliError(`segloss ${command}: --${name} must be a number in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}, got '${text}'.`, true);
  return v;
}

/** Reads an option that must be one of `allowed`. */
export function enumOption<T extends string>(command: Command, raw: Raw, name: string, allowed: readonly T[]): T {
  const text = (raw[name] ?? defaultOf(command, name)) as string;
  if (!allowed.includes(text as T)) {
    const hint = nearest(text, allowed);
    throw new CliError(`segloss ${command}: --${name} must be one of ${allowed.join(', ')}, got '${text}'${hint ? ` (did you mean '${hint}'?)` : ''}.`, true);
  }
  return text as T;
}

export { BACKEND_CHOICES };
