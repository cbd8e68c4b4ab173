/**
 * The one flag table: each flag's kind, range, default and help, grouped as in `--help`.
 * Parsing (`parse.ts`), range checks and the help text all read these entries; no call site
 * restates a range or a default. Keys are camelCase (`valSplit`); the flag is their kebab-case
 * (`--val-split`).
 */
import type { Mode } from '../../types.js';

/** Backends the CLI accepts. `auto`: tfjs-node if installed, else wasm. */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The task modes the CLI trains (the library's modes but multilabel). */
export const CLI_MODES = ['binary', 'multiclass'] as const satisfies readonly Mode[];
export type CliMode = (typeof CLI_MODES)[number];

interface Base {
  help: string;
  /** The default as --help shows it, when it is not a plain value (e.g. 'the built-in synthetic set'). */
  shown?: string;
}
/** An integer in [min, max]; `max` undefined means no upper bound. */
export interface IntFlag extends Base { kind: 'int'; value: string; min: number; max?: number; default?: number }
/** A number in [min, max], or (min, max) when `open`. */
export interface NumberFlag extends Base { kind: 'number'; value: string; min: number; max: number; open?: boolean; default?: number }
export interface EnumFlag extends Base { kind: 'enum'; value: string; choices: readonly string[]; default: string }
/** `required`: the flag must be given; the text says what it is (shown in the error). */
export interface StringFlag extends Base { kind: 'string'; value: string; default?: string; required?: string }
export interface BooleanFlag extends Base { kind: 'boolean'; short?: string }
export type FlagDef = IntFlag | NumberFlag | EnumFlag | StringFlag | BooleanFlag;
export type FlagTable = Record<string, FlagDef>;

/** The losses `compare` trains by default (the demo's set). */
export const DEFAULT_LOSSES = 'bceLoss,diceLoss,bceDiceLoss,focalLoss,tverskyLoss{alpha:0.3,beta:0.7},lovaszHingeLoss';

const SEED_MAX = 2 ** 31 - 1;

export const DATA = {
  data: { kind: 'string', value: 'DIR', help: 'folder with images/ and masks/ (PNG, paired by file name)', shown: 'the built-in synthetic set' },
  size: { kind: 'int', value: 'N', min: 4, max: 2048, default: 64, help: 'resize images and masks to N×N (N divisible by 2^depth)' },
  mode: { kind: 'enum', value: 'MODE', choices: CLI_MODES, default: 'binary', help: 'binary | multiclass' },
  classes: { kind: 'int', value: 'K', min: 2, max: 256, help: 'multiclass: number of classes (mask values 0..K-1)', shown: 'largest mask value + 1' },
  foreground: { kind: 'int', value: 'V', min: 0, max: 255, help: 'binary: the mask value that is foreground (others are background)', shown: '1 or 255 (0 is background)' },
  ignoreIndex: { kind: 'int', value: 'V', min: 0, max: 255, help: 'mask value to ignore (no loss, not scored)', shown: 'none' },
  syntheticCount: { kind: 'int', value: 'N', min: 2, max: 100000, default: 48, help: 'synthetic set: number of images' },
  fgFraction: { kind: 'number', value: 'F', min: 0, max: 0.5, open: true, default: 0.03, help: 'synthetic set: mean foreground fraction per image' },
} as const satisfies FlagTable;

export const SPLIT = {
  val: { kind: 'string', value: 'DIR', help: 'held-out folder (images/ + masks/)', shown: 'the last --val-split of --data' },
  valSplit: { kind: 'number', value: 'F', min: 0, max: 1, open: true, default: 0.25, help: 'fraction held out: the last files in name order (a contiguous block)' },
} as const satisfies FlagTable;

export const TRAINING = {
  epochs: { kind: 'int', value: 'N', min: 1, max: 100000, default: 15, help: 'training epochs per loss' },
  batchSize: { kind: 'int', value: 'N', min: 1, max: 4096, default: 4, help: 'images per batch' },
  lr: { kind: 'number', value: 'F', min: 0, max: 10, open: true, default: 0.003, help: 'Adam learning rate' },
  width: { kind: 'int', value: 'N', min: 1, max: 256, default: 8, help: 'U-Net filters at the first level (doubling per level)' },
  depth: { kind: 'int', value: 'N', min: 0, max: 6, default: 2, help: 'U-Net levels (poolings)' },
  seed: { kind: 'int', value: 'N', min: 0, max: SEED_MAX, default: 42, help: 'seed of the synthetic data, initial weights and batch order' },
} as const satisfies FlagTable;

export const RUN = {
  backend: { kind: 'enum', value: 'NAME', choices: BACKEND_CHOICES, default: 'auto', help: 'auto | wasm | cpu | tensorflow (auto: tfjs-node if installed, else wasm)' },
  quiet: { kind: 'boolean', short: 'q', help: 'no progress output (for logs and CI); still prints the output path' },
  help: { kind: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies FlagTable;

export const COMPARE_FLAGS = {
  losses: { kind: 'string', value: 'LIST', default: DEFAULT_LOSSES, help: 'comma-separated loss names, each with optional {key:value,...} options' },
  ...DATA,
  ...SPLIT,
  ...TRAINING,
  samples: { kind: 'int', value: 'N', min: 0, max: 64, default: 4, help: 'held-out images shown with predictions in the report' },
  out: { kind: 'string', value: 'DIR', default: 'segloss-report', help: 'report folder (index.html, results.json, results.csv)' },
  ...RUN,
} as const satisfies FlagTable;

export const TRAIN_FLAGS = {
  loss: { kind: 'string', value: 'SPEC', default: 'bceDiceLoss', help: 'one loss name with optional {key:value,...} options' },
  ...DATA,
  ...SPLIT,
  ...TRAINING,
  out: { kind: 'string', value: 'DIR', default: 'segloss-model', help: 'model folder' },
  ...RUN,
} as const satisfies FlagTable;

export const EVAL_FLAGS = {
  model: { kind: 'string', value: 'DIR', required: 'a folder written by segloss train', help: 'folder written by segloss train (required)' },
  data: { kind: 'string', value: 'DIR', help: 'folder with images/ and masks/; every pair is scored', shown: 'a fresh synthetic set (the model’s seed + 1)' },
  syntheticCount: { ...DATA.syntheticCount, min: 1, default: 16 },
  batchSize: { ...TRAINING.batchSize, default: 8 },
  json: { kind: 'string', value: 'FILE', help: 'also write the scores as JSON to FILE', shown: 'none' },
  ...RUN,
} as const satisfies FlagTable;

/** The value a flag reads as: numbers for int/number, the choice for enum, text, or a boolean. */
type ValueOf<F> = F extends { kind: 'int' | 'number' }
  ? number
  : F extends { kind: 'enum'; choices: readonly (infer C)[] }
    ? C
    : F extends { kind: 'boolean' }
      ? boolean
      : string;

/** The parsed flags of a table: a flag with a default (or a boolean) is always set. */
export type Flags<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { default: unknown } | { kind: 'boolean' } | { required: string } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** `valSplit` → `val-split`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
