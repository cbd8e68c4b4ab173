/// <reference types="node" />
/**
 * The `segloss` commands: `compare`, `train`, `eval`. `run(argv, io)` returns the exit status
 * (0 ok, 1 failure, 2 bad command line); it never calls `process.exit`, so tests run it in process.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import {
  COMMANDS,
  MAIN_HELP,
  BACKEND_CHOICES,
  enumOption,
  helpText,
  intOption,
  numberOption,
  parseCommand,
  DEFAULT_LOSSES,
  type Command,
  type Raw,
} from './args.js';
import { loadFolders, splitTail, type Dataset, type LabelOptions } from './data.js';
import { CliError } from './errors.js';
import { buildLoss, parseLosses, type LossSpec } from './lossSpec.js';
import { Progress, formatSeconds } from './progress.js';
import { checkOutFolder, renderHtml, resultsCsv, writeFolder, type LossResult, type Overlay, type Results } from './report.js';
import { syntheticDataset } from './synthetic.js';
import { loadTf, type Tf } from './tf.js';
import { evaluate, predictLabels, toTensors, trainOne, type TrainSettings } from './train.js';
import { nearest } from '../core/validate.js';
import type { Scores } from './metrics.js';

/** Where the CLI writes: `out` for results and paths, `err` for progress and errors. */
export interface Io {
  out: { write(text: string): unknown };
  err: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

interface DataSettings {
  label: LabelOptions;
  size: number;
  train: Dataset;
  val: Dataset;
  summary: Record<string, unknown>;
}

function optionalInt(command: Command, raw: Raw, name: string, min: number, max: number): number | undefined {
  return raw[name] === undefined ? undefined : intOption(command, raw, name, min, max);
}

function foregroundFraction(d: Dataset): number {
  let fg = 0;
  let n = 0;
  for (const s of d.samples) for (const v of s.mask) if (v >= 0) { n++; if (v > 0) fg++; }
  return n ? fg / n : 0;
}

/** Reads the data options shared by compare and train, and loads (or generates) the data. */
function readData(command: Command, raw: Raw, depth: number): DataSettings {
  const size = intOption(command, raw, 'size', 4, 2048);
  if (size % 2 ** depth !== 0) {
    throw new CliError(`segloss ${command}: --size must be divisible by 2^depth = ${2 ** depth} (the U-Net pools ${depth} times), got ${size}.`, true);
  }
  const mode = enumOption(command, raw, 'mode', ['binary', 'multiclass'] as const);
  const classes = optionalInt(command, raw, 'classes', 2, 256);
  if (mode === 'binary' && classes !== undefined && classes !== 2) {
    throw new CliError(`segloss ${command}: --classes must be 2 (or left out) in binary mode, got ${classes}; use --mode multiclass for more classes.`, true);
  }
  const foreground = optionalInt(command, raw, 'foreground', 0, 255);
  if (mode === 'multiclass' && foreground !== undefined) {
    throw new CliError(`segloss ${command}: --foreground applies to --mode binary only (multiclass masks hold class indices).`, true);
  }
  const ignoreIndex = optionalInt(command, raw, 'ignore-index', 0, 255);
  if (ignoreIndex !== undefined && ignoreIndex === foreground) {
    throw new CliError(`segloss ${command}: --ignore-index and --foreground must differ, got ${ignoreIndex} for both.`, true);
  }
  const valSplit = numberOption(command, raw, 'val-split', 0, 1, true);
  const label: LabelOptions = { mode, classes, foreground, ignoreIndex };
  if (raw.data === undefined) {
    if (raw.val !== undefined) throw new CliError(`segloss ${command}: --val needs --data (the synthetic set is split with --val-split).`, true);
    const count = intOption(command, raw, 'synthetic-count', 2, 100000);
    const fgFraction = numberOption(command, raw, 'fg-fraction', 0, 0.5, true);
    const seed = intOption(command, raw, 'seed', 0, 2 ** 31 - 1);
    const K = mode === 'multiclass' ? classes ?? 3 : 2;
    const all: Dataset = { size, channels: 1, classes: K, samples: syntheticDataset({ count, size, fgFraction, seed, classes: K }) };
    const [train, val] = splitTail(all, valSplit);
    return {
      label: { ...label, classes: K },
      size,
      train,
      val,
      summary: { data: 'synthetic', syntheticCount: count, fgFraction, valSplit },
    };
  }
  for (const name of ['synthetic-count', 'fg-fraction'] as const) {
    if (raw[name] !== undefined) throw new CliError(`segloss ${command}: --${name} applies to the synthetic set only, not with --data.`, true);
  }
  const dataDir = String(raw.data);
  if (raw.val !== undefined) {
    const [train, val] = loadFolders([dataDir, String(raw.val)], size, label);
    return { label: { ...label, classes: train.classes }, size, train, val, summary: { data: resolve(dataDir), val: resolve(String(raw.val)) } };
  }
  const [all] = loadFolders([dataDir], size, label);
  const [train, val] = splitTail(all, valSplit);
  return {
    label: { ...label, classes: all.classes },
    size,
    train,
    val,
    summary: { data: resolve(dataDir), valSplit, valFiles: val.samples.map((s) => s.name) },
  };
}

function readTraining(command: Command, raw: Raw, mode: 'binary' | 'multiclass'): TrainSettings {
  return {
    mode,
    epochs: intOption(command, raw, 'epochs', 1, 100000),
    batchSize: intOption(command, raw, 'batch-size', 1, 4096),
    lr: numberOption(command, raw, 'lr', 0, 10, true),
    width: intOption(command, raw, 'width', 1, 256),
    depth: intOption(command, raw, 'depth', 0, 6),
    seed: intOption(command, raw, 'seed', 0, 2 ** 31 - 1),
  };
}

/** Scores of predicting every valid pixel as foreground (binary), from the labels alone. */
function allForeground(val: Dataset): Scores {
  let tp = 0;
  let fp = 0;
  for (const s of val.samples) for (const v of s.mask) if (v === 1) tp++; else if (v === 0) fp++;
  return { dice: tp + fp === 0 ? 1 : (2 * tp) / (2 * tp + fp), iou: tp + fp === 0 ? 1 : tp / (tp + fp), precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: 1 };
}

function tfVersion(tf: Tf): string {
  return (tf.version as Record<string, string>)['tfjs'] ?? (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown';
}

function shapeOf(d: DataSettings) {
  return { size: d.size, inChannels: d.train.channels, outChannels: d.label.mode === 'binary' ? 1 : d.train.classes };
}

function taskOf(d: DataSettings) {
  return { mode: d.label.mode, ...(d.label.ignoreIndex !== undefined ? { ignoreIndex: -1 } : {}) };
}

function commonSettings(d: DataSettings, t: TrainSettings, backend: string, tf: Tf): Record<string, unknown> {
  return {
    ...d.summary,
    trainImages: d.train.samples.length,
    valImages: d.val.samples.length,
    size: d.size,
    channels: d.train.channels,
    mode: d.label.mode,
    classes: d.train.classes,
    ...(d.label.mode === 'binary' ? { foreground: d.label.foreground ?? '1 or 255' } : {}),
    ignoreIndex: d.label.ignoreIndex ?? null,
    trainForegroundFraction: Number(foregroundFraction(d.train).toFixed(4)),
    valForegroundFraction: Number(foregroundFraction(d.val).toFixed(4)),
    model: `U-Net, width ${t.width}, depth ${t.depth}`,
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: 'adam',
    lr: t.lr,
    seed: t.seed,
    threshold: 0.5,
    backend,
    tfjs: tfVersion(tf),
  };
}

async function compare(argv: string[], io: Io): Promise<number> {
  const raw = parseCommand('compare', argv);
  if (raw.help) {
    io.out.write(`${helpText('compare')}\n`);
    return 0;
  }
  const backendChoice = enumOption('compare', raw, 'backend', BACKEND_CHOICES);
  const depth = intOption('compare', raw, 'depth', 0, 6);
  const specs = parseLosses(String(raw.losses ?? DEFAULT_LOSSES));
  const samplesShown = intOption('compare', raw, 'samples', 0, 64);
  const out = String(raw.out ?? 'segloss-report');
  checkOutFolder(resolve(out), 'results.json');
  const data = readData('compare', raw, depth);
  const settings = readTraining('compare', raw, data.label.mode);
  const losses = specs.map((s) => buildLoss(s, taskOf(data))); // every option error before any training
  const progress = new Progress(io.err as NodeJS.WriteStream, Boolean(raw.quiet));
  const { tf, backend } = await loadTf(backendChoice);
  progress.log(
    `segloss compare: ${specs.length} losses, ${data.train.samples.length} training / ${data.val.samples.length} held-out images ${data.size}×${data.size}, ${settings.epochs} epochs, backend ${backend}`,
  );
  const train = toTensors(tf, data.train);
  const val = toTensors(tf, data.val);
  const results: LossResult[] = [];
  const overlays: Overlay[] = data.val.samples.slice(0, samplesShown).map((s) => ({ name: s.name, image: s.image, truth: s.mask, predictions: {} }));
  try {
    specs.forEach((spec, i) => {
      const r = trainOne(tf, `[${i + 1}/${specs.length}] ${spec.label}`, losses[i], train, val, settings, shapeOf(data), progress);
      predictLabels(tf, r.model, val.x, data.label.mode, samplesShown).forEach((p, k) => (overlays[k].predictions[spec.label] = p));
      r.model.dispose();
      results.push({ loss: spec.name, label: spec.label, options: spec.options, ...r.scores, seconds: r.seconds, history: r.history });
      progress.log(
        `${spec.label.padEnd(28)} Dice ${r.scores.dice.toFixed(3)}  IoU ${r.scores.iou.toFixed(3)}  precision ${r.scores.precision.toFixed(3)}  recall ${r.scores.recall.toFixed(3)}  (${formatSeconds(r.seconds)})`,
      );
    });
  } finally {
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
  const best = results.reduce((a, b) => (b.dice > a.dice ? b : a)).label;
  const report: Results = {
    tool: 'segloss compare',
    command: ['segloss', 'compare', ...argv].join(' '),
    createdAt: new Date().toISOString(),
    settings: { ...commonSettings(data, settings, backend, tf), losses: specs.map((s) => s.label) },
    best,
    baselines: data.label.mode === 'binary' ? { 'all foreground': allForeground(data.val) } : {},
    losses: results,
  };
  const html = renderHtml(report, overlays, { size: data.size, channels: data.train.channels, mode: data.label.mode });
  const path = writeFolder(out, { 'index.html': html, 'results.json': `${JSON.stringify(report, null, 2)}\n`, 'results.csv': resultsCsv(report) }, 'results.json');
  progress.log(`best held-out Dice: ${best}`);
  io.out.write(`${join(path, 'index.html')}\n`);
  return 0;
}

/** The preprocessing a saved model needs, stored as segloss.json beside model.json. */
interface ModelCard {
  format: 'segloss-model';
  version: 1;
  size: number;
  channels: 1 | 3;
  mode: 'binary' | 'multiclass';
  classes: number;
  foreground?: number;
  ignoreIndex?: number;
  seed: number;
  fgFraction?: number;
  loss: { name: string; label: string; options: Record<string, unknown> };
  settings: Record<string, unknown>;
  scores: Scores;
  history: unknown[];
}

async function saveModel(tf: Tf, model: TF.LayersModel): Promise<{ json: string; weights: Uint8Array }> {
  let saved: { json: string; weights: Uint8Array } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData as ArrayBuffer;
      saved = {
        json: JSON.stringify({
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tfVersion(tf)}`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
        weights: new Uint8Array(weightData),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

async function trainCommand(argv: string[], io: Io): Promise<number> {
  const raw = parseCommand('train', argv);
  if (raw.help) {
    io.out.write(`${helpText('train')}\n`);
    return 0;
  }
  const backendChoice = enumOption('train', raw, 'backend', BACKEND_CHOICES);
  const depth = intOption('train', raw, 'depth', 0, 6);
  const specs: LossSpec[] = parseLosses(String(raw.loss ?? 'bceDiceLoss'));
  if (specs.length !== 1) throw new CliError(`segloss train: --loss takes one loss, got ${specs.length} (${specs.map((s) => s.label).join(', ')}); use segloss compare for several.`, true);
  const [spec] = specs;
  const out = String(raw.out ?? 'segloss-model');
  checkOutFolder(resolve(out), 'segloss.json');
  const data = readData('train', raw, depth);
  const settings = readTraining('train', raw, data.label.mode);
  const loss = buildLoss(spec, taskOf(data));
  const progress = new Progress(io.err as NodeJS.WriteStream, Boolean(raw.quiet));
  const { tf, backend } = await loadTf(backendChoice);
  const train = toTensors(tf, data.train);
  const val = toTensors(tf, data.val);
  try {
    const r = trainOne(tf, spec.label, loss, train, val, settings, shapeOf(data), progress);
    const { json, weights } = await saveModel(tf, r.model);
    r.model.dispose();
    const card: ModelCard = {
      format: 'segloss-model',
      version: 1,
      size: data.size,
      channels: data.train.channels,
      mode: data.label.mode,
      classes: data.train.classes,
      ...(data.label.foreground !== undefined ? { foreground: data.label.foreground } : {}),
      ...(data.label.ignoreIndex !== undefined ? { ignoreIndex: data.label.ignoreIndex } : {}),
      seed: settings.seed,
      ...(data.summary.fgFraction !== undefined ? { fgFraction: data.summary.fgFraction as number } : {}),
      loss: { name: spec.name, label: spec.label, options: spec.options },
      settings: commonSettings(data, settings, backend, tf),
      scores: r.scores,
      history: r.history,
    };
    const path = writeFolder(out, { 'model.json': json, 'weights.bin': weights, 'segloss.json': `${JSON.stringify(card, null, 2)}\n` }, 'segloss.json');
    progress.log(`${spec.label}: held-out Dice ${r.scores.dice.toFixed(3)}  IoU ${r.scores.iou.toFixed(3)}  precision ${r.scores.precision.toFixed(3)}  recall ${r.scores.recall.toFixed(3)}`);
    io.out.write(`${path}\n`);
  } finally {
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
  return 0;
}

async function evalCommand(argv: string[], io: Io): Promise<number> {
  const raw = parseCommand('eval', argv);
  if (raw.help) {
    io.out.write(`${helpText('eval')}\n`);
    return 0;
  }
  const backendChoice = enumOption('eval', raw, 'backend', BACKEND_CHOICES);
  if (raw.model === undefined) throw new CliError('segloss eval: --model DIR is required (a folder written by segloss train).', true);
  const dir = String(raw.model);
  const cardFile = join(dir, 'segloss.json');
  for (const f of [cardFile, join(dir, 'model.json'), join(dir, 'weights.bin')]) {
    if (!existsSync(f)) throw new CliError(`segloss eval: ${f} is missing; --model must be a folder written by segloss train.`);
  }
  let card: ModelCard;
  try {
    card = JSON.parse(readFileSync(cardFile, 'utf8')) as ModelCard;
  } catch (error) {
    throw new CliError(`segloss eval: ${cardFile} is not valid JSON: ${(error as Error).message}`);
  }
  if (card.format !== 'segloss-model') throw new CliError(`segloss eval: ${cardFile} is not a segloss model card (format '${String(card.format)}').`);
  const batchSize = intOption('eval', raw, 'batch-size', 1, 4096);
  const label: LabelOptions = { mode: card.mode, classes: card.classes, foreground: card.foreground, ignoreIndex: card.ignoreIndex };
  let data: Dataset;
  if (raw.data !== undefined) {
    [data] = loadFolders([String(raw.data)], card.size, label);
    if (data.channels !== card.channels) {
      throw new CliError(`segloss eval: the model takes ${card.channels === 1 ? 'gray' : 'RGB'} images but ${String(raw.data)} holds ${data.channels === 1 ? 'gray' : 'RGB'} ones.`);
    }
  } else {
    if (card.channels !== 1) throw new CliError(`segloss eval: the model takes RGB images; give --data (the synthetic set is gray).`, true);
    const count = intOption('eval', raw, 'synthetic-count', 1, 100000);
    data = {
      size: card.size,
      channels: 1,
      classes: card.classes,
      samples: syntheticDataset({ count, size: card.size, fgFraction: card.fgFraction ?? 0.03, seed: card.seed + 1, classes: card.classes }),
    };
  }
  const { tf, backend } = await loadTf(backendChoice);
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, 'weights.bin'));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const tensors = toTensors(tf, data);
  let scores: Scores;
  try {
    scores = evaluate(tf, model, tensors, card.mode, batchSize).scores;
  } finally {
    tf.dispose([tensors.x, tensors.y]);
    model.dispose();
  }
  const result = {
    tool: 'segloss eval',
    model: resolve(dir),
    loss: card.loss.label,
    data: raw.data !== undefined ? resolve(String(raw.data)) : 'synthetic',
    images: data.samples.length,
    size: card.size,
    mode: card.mode,
    backend,
    ...scores,
  };
  io.out.write(
    `${card.loss.label} on ${result.images} images (${result.data}): Dice ${scores.dice.toFixed(4)}  IoU ${scores.iou.toFixed(4)}  precision ${scores.precision.toFixed(4)}  recall ${scores.recall.toFixed(4)}\n`,
  );
  if (raw.json !== undefined) {
    writeFileSync(String(raw.json), `${JSON.stringify(result, null, 2)}\n`);
  }
  return 0;
}

/** Runs the CLI with `argv` (without node and the script). Returns the exit status. */
export async function run(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out.write(`${MAIN_HELP}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!COMMANDS.includes(command as Command)) {
      const hint = nearest(command, COMMANDS);
      throw new CliError(`segloss: unknown command '${command}'${hint ? ` (did you mean '${hint}'?)` : ''}; commands are ${COMMANDS.join(', ')}.`, true);
    }
    if (command === 'compare') return await compare(rest, io);
    if (command === 'train') return await trainCommand(rest, io);
    return await evalCommand(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err.write(`${error.message}\n`);
      return error.usage ? 2 : 1;
    }
    io.err.write(`segloss ${command}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
