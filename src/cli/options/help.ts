/** The `--help` texts, generated from the flag table plus each command's summary and examples. */
import { COMPARE_FLAGS, EVAL_FLAGS, TRAIN_FLAGS, flagName, type FlagTable } from './flags.js';

export const COMMANDS = ['compare', 'train', 'eval'] as const;
export type Command = (typeof COMMANDS)[number];

interface CommandHelp {
  summary: string;
  usage: string;
  flags: FlagTable;
  notes: string;
}

export const COMMAND_HELP: Record<Command, CommandHelp> = {
  compare: {
    summary: 'Train the same small U-Net with each loss (--repeats times) and compare them on held-out images.',
    usage: 'segloss compare [--data DIR] [--losses LIST] [options]',
    flags: COMPARE_FLAGS,
    notes: `Loss options: --losses 'diceLoss,focalLoss{gamma:1.5,alpha:0.25},tverskyLoss{alpha:0.3,beta:0.7}'
  Values: numbers, true/false/null, words or 'quoted strings', [lists]. mode and ignoreIndex
  are set from --mode and --ignore-index. Quote the list in the shell.

Data: images/ and masks/ paired by file stem (PNG, JPEG, TIFF, WebP; masks lossless). Training
  uses random --patch patches at native resolution (or --scale), flipped and rotated; held-out
  images are predicted whole by sliding window and scored at their masks' own size.
  --size N is the old quick look: every image resized to N×N.

Runs: every loss trains --repeats times; run k of every loss starts from the same weights and
  sees the same patches (seed + k), and is scored at its last epoch (or when --budget runs out;
  --val is never used to choose anything). --jobs runs that many at once in worker threads with
  identical results. Each finished run is saved in <out>/runs/ at once: after Ctrl-C (which
  writes a report of the finished runs, marked incomplete) or a crash, the same command with
  --resume trains only the missing runs.

Examples:
  segloss compare                                   # built-in synthetic set
  segloss compare --repeats 5 --jobs 2 --budget 3   # 5 runs per loss, 3 minutes each, 2 at a time
  segloss compare --data ./em --foreground 0 --val-split 0.2 --losses bceDiceLoss,diceLoss
  segloss compare --data ./kvasir --mask-suffix _mask --scale 0.5 --save-predictions
  segloss compare --data ./camvid --val ./camvid/val --mode multiclass --classes 11 --ignore-index 11 \
    --losses 'crossEntropyLoss,diceLoss,lovaszSoftmaxLoss'`,
  },
  train: {
    summary: 'Train the U-Net with one loss and save it (model.json + weights.bin + segloss.json).',
    usage: 'segloss train [--data DIR] [--loss SPEC] [options]',
    flags: TRAIN_FLAGS,
    notes: `Example:
  segloss train --data ./my-data --loss 'focalLoss{gamma:2}' --out my-model
  segloss eval --model my-model --data ./my-test-data`,
  },
  eval: {
    summary: 'Load a model saved by `segloss train` and report Dice, IoU, precision and recall.',
    usage: 'segloss eval --model DIR [--data DIR] [options]',
    flags: EVAL_FLAGS,
    notes: `Resolution, patch, mode, classes, foreground, ignore index, mask suffix and palette come from the
model folder (segloss.json); every score is computed at the masks' own size.

Example:
  segloss eval --model my-model --data ./my-test-data --save-predictions my-predictions`,
  },
};

export const MAIN_HELP = `segloss — which loss for my segmentation problem?

Usage: segloss <command> [options]

Commands:
  compare   ${COMMAND_HELP.compare.summary}
  train     ${COMMAND_HELP.train.summary}
  eval      ${COMMAND_HELP.eval.summary}

Run \`segloss <command> --help\` for a command's options and defaults.
TensorFlow.js is an optional peer dependency: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm`;

/** The `--help` text of a command: every flag with its default. */
export function helpText(command: Command): string {
  const spec = COMMAND_HELP[command];
  const rows = Object.entries(spec.flags).map(([key, def]) => {
    const short = def.kind === 'boolean' && def.short ? `-${def.short}, ` : '    ';
    const flag = `${short}--${flagName(key)}${def.kind === 'boolean' ? '' : ` ${def.value}`}`;
    const shown = def.shown ?? (def.kind !== 'boolean' && def.default !== undefined ? String(def.default) : undefined);
    return [flag, `${def.help}${shown !== undefined ? ` (default: ${shown})` : ''}`];
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nOptions:\n${rows.map(([a, b]) => `  ${a.padEnd(w)}${b}`).join('\n')}\n\n${spec.notes}`;
}
