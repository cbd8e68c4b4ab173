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

/** The same set for `--mode multiclass`: cross-entropy and Lovász-softmax in place of the binary-only BCE and Lovász hinge. */
export const MULTICLASS_LOSSES = 'crossEntropyLoss,diceLoss,bceDiceLoss,focalLoss,tverskyLoss{alpha:0.3,beta:0.7},lovaszSoftmaxLoss';

export const SEED_MAX = 2 ** 31 - 1;

export const DATA = {
  data: { kind: 'string', value: 'DIR', help: 'folder with images/ and masks/ (PNG, JPEG, TIFF or WebP, paired by file stem)', shown: 'the built-in synthetic set' },
  maskSuffix: { kind: 'string', value: 'S', default: '', help: "mask stem = image stem + S (e.g. _mask: images/a.jpg ↔ masks/a_mask.png)", shown: 'none' },
  palette: { kind: 'string', value: 'COLOURS', help: "RGB mask colours in class order ('0,0,0; 128,0,0', '#000000 #800000', a JSON list, or a file such as class_dict.csv)", shown: 'none: masks hold class values' },
  classNames: { kind: 'string', value: 'LIST', help: 'comma-separated class names for the report', shown: "the palette's names, else none" },
  mode: { kind: 'enum', value: 'MODE', choices: CLI_MODES, default: 'binary', help: 'binary | multiclass' },
  classes: { kind: 'int', value: 'K', min: 2, max: 256, help: 'multiclass: number of classes (mask values 0..K-1)', shown: "the palette's length, else largest mask value + 1" },
  foreground: { kind: 'int', value: 'V', min: 0, max: 65535, help: 'binary: the mask value that is foreground (others are background)', shown: '1, 255 or 65535 (0 is background)' },
  ignoreIndex: { kind: 'int', value: 'V', min: 0, max: 65535, help: 'mask value (with --palette: class) to ignore (no loss, not scored)', shown: 'none' },
  scale: { kind: 'number', value: 'F', min: 0, max: 8, open: true, default: 1, help: 'resolution the model works at, relative to the files (0.5 halves both sides, aspect kept); scores stay at the masks\u2019 size' },
  patch: { kind: 'int', value: 'N', min: 4, max: 4096, default: 128, help: 'side of the square training patches and of the sliding inference window (divisible by 2^depth)' },
  noAugment: { kind: 'boolean', help: 'no random flips and 90° rotations of the training patches' },
  size: { kind: 'int', value: 'N', min: 4, max: 4096, help: 'old quick-look mode: resize every image to N×N, train on whole images (scores still at the masks\u2019 size)', shown: 'none: native resolution (--scale)' },
  syntheticCount: { kind: 'int', value: 'N', min: 2, max: 100000, default: 48, help: 'synthetic set: number of images' },
  syntheticSize: { kind: 'int', value: 'N', min: 4, max: 4096, default: 64, help: 'synthetic set: image side in pixels' },
  fgFraction: { kind: 'number', value: 'F', min: 0, max: 0.5, open: true, default: 0.03, help: 'synthetic set: mean foreground fraction per image' },
} as const satisfies FlagTable;

export const SPLIT = {
  val: { kind: 'string', value: 'DIR', help: 'held-out folder (images/ + masks/)', shown: 'the last --val-split of --data' },
  valSplit: { kind: 'number', value: 'F', min: 0, max: 1, open: true, default: 0.25, help: 'fraction held out: the last files in name order (a contiguous block)' },
} as const satisfies FlagTable;

export const TRAINING = {
  epochs: { kind: 'int', value: 'N', min: 1, max: 100000, default: 6, help: 'training epochs per loss (held-out scores after each)' },
  steps: { kind: 'int', value: 'N', min: 1, max: 1000000, help: 'batches per epoch', shown: 'one pass over the training pixels: ⌈pixels / (batch-size · patch²)⌉' },
  batchSize: { kind: 'int', value: 'N', min: 1, max: 4096, default: 8, help: 'patches per batch' },
  lr: { kind: 'number', value: 'F', min: 0, max: 10, open: true, default: 0.001, help: "Adam's initial learning rate (poly decay to 0: lr·(1 − step/steps)^0.9)" },
  width: { kind: 'int', value: 'N', min: 1, max: 256, default: 16, help: 'U-Net filters at the first level (doubling per level)' },
  depth: { kind: 'int', value: 'N', min: 0, max: 6, default: 3, help: 'U-Net levels (poolings)' },
  seed: { kind: 'int', value: 'N', min: 0, max: SEED_MAX, default: 42, help: 'seed of the synthetic data, initial weights and patches' },
} as const satisfies FlagTable;

export const RUN = {
  backend: { kind: 'enum', value: 'NAME', choices: BACKEND_CHOICES, default: 'auto', help: 'auto | wasm | cpu | tensorflow (auto: tfjs-node if installed, else wasm)' },
  quiet: { kind: 'boolean', short: 'q', help: 'no progress output (for logs and CI); still prints the output path and warnings' },
  help: { kind: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies FlagTable;

export const COMPARE_FLAGS = {
  losses: {
    kind: 'string',
    value: 'LIST',
    default: DEFAULT_LOSSES,
    help: 'comma-separated loss names, each with optional {key:value,...} options',
    shown: `${DEFAULT_LOSSES}; with --mode multiclass: ${MULTICLASS_LOSSES}`,
  },
  ...DATA,
  ...SPLIT,
  ...TRAINING,
  budget: {
    kind: 'number',
    value: 'M',
    min: 0,
    max: 100000,
    open: true,
    help: 'minutes of training per run in place of --epochs (the clock is checked before every batch; every loss gets the same compute; not bit-reproducible across machines or loads)',
    shown: 'none: --epochs',
  },
  repeats: { kind: 'int', value: 'N', min: 1, max: 1000, default: 3, help: 'training runs per loss; run k uses seed + k for the initial weights and patches, the same for every loss (1: one run per loss)' },
  jobs: { kind: 'int', value: 'J', min: 1, max: 1024, help: 'training runs at once, each in its own worker thread (1: one after another in this thread); the results do not depend on it', shown: 'the number of cores' },
  resume: { kind: 'boolean', help: 'continue an interrupted compare: runs already in --out/runs/ are kept, the others are trained (same command and --out)' },
  nsdTolerance: { kind: 'number', value: 'PX', min: 0, max: 4096, default: 1, help: 'tolerance τ of the normalized surface Dice (NSD) of every held-out image, in pixels of the masks' },
  samples: { kind: 'int', value: 'N', min: 0, max: 64, default: 4, help: 'held-out images shown with predictions in the report' },
  savePredictions: { kind: 'boolean', help: 'also write every held-out prediction as predictions/<loss label>/<image stem>.png, at the mask size (binary 0/255, multiclass class index)' },
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
  maskSuffix: { kind: 'string', value: 'S', help: DATA.maskSuffix.help, shown: 'the model’s' },
  palette: { kind: 'string', value: 'COLOURS', help: DATA.palette.help, shown: 'the model’s' },
  syntheticCount: { ...DATA.syntheticCount, min: 1, default: 16 },
  savePredictions: { kind: 'string', value: 'DIR', help: 'also write every prediction as DIR/<image stem>.png, at the mask size', shown: 'none' },
  nsdTolerance: { kind: 'number', value: 'PX', min: 0, max: 4096, default: 1, help: 'tolerance τ of the normalized surface Dice (NSD), in pixels of the masks' },
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
