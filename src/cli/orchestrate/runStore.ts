/**
 * compare's finished runs on disk, for `--resume`: each run is written as it ends to
 * `<out>/runs/<loss label>--r<k>.json` (its record, predictions run-length encoded, and the
 * settings it was trained with), whole or not at all. This folder is the one exception to the
 * rule that an output folder is written atomically at the end: it grows while compare runs, so an
 * interrupted compare loses no finished run. `--resume` reads the runs whose settings equal the
 * new command's and trains the others; a stored run with other settings is refused.
 */
import type { EnvFiles } from '../env.js';
import { UsageError } from '../errors.js';
import type { ComparePlan } from '../options/plan.js';
import type { RunRecord, RunTask } from '../pipeline/runRecord.js';
import type { LoadedData } from './loadData.js';
import { keptPredictions } from './runOne.js';

/** The folder of the run files inside `--out`. */
export const RUNS_FOLDER = 'runs';

/** A file name part made safe (path separators and odd characters become `_`). */
function safe(part: string): string {
  return part.replace(/[^\w.+=-]+/g, '_').replace(/^\.+/, '_');
}

/** `runs/<loss label>--r<k>.json`. */
export function runFileName(label: string, repeat: number): string {
  return `${RUNS_FOLDER}/${safe(label)}--r${repeat}.json`;
}

/** Run-length encoding of a label map: `[value, count, value, count, …]`. */
export function encodeLabels(labels: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; ) {
    let j = i + 1;
    while (j < labels.length && labels[j] === labels[i]) j++;
    out.push(labels[i], j - i);
    i = j;
  }
  return out;
}

export function decodeLabels(rle: readonly number[]): Int32Array {
  let n = 0;
  for (let i = 1; i < rle.length; i += 2) n += rle[i];
  const out = new Int32Array(n);
  let at = 0;
  for (let i = 0; i < rle.length; i += 2) {
    out.fill(rle[i], at, at + rle[i + 1]);
    at += rle[i + 1];
  }
  return out;
}

/** JSON keeps every finite number exactly; Infinity and NaN (HD95 of an empty mask) become `{ "$number": "Infinity" }`. */
const replacer = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v);
const reviver = (_key: string, v: unknown) =>
  v !== null && typeof v === 'object' && Object.keys(v).length === 1 && typeof (v as { $number?: unknown }).$number === 'string'
    ? Number((v as { $number: string }).$number)
    : v;

/**
 * Everything a run's result depends on, as plain data: the data and how they are read, the
 * training settings, the run's seed and loss, the NSD tolerance, the predictions kept and the
 * backend. `--jobs`, `--repeats` and the other losses are not in it, so a resume may add repeats
 * or losses.
 */
export function runSettingsKey(plan: ComparePlan, data: LoadedData, task: RunTask, files: Pick<EnvFiles, 'resolve'>): Record<string, unknown> {
  const { source, label, maskSuffix, resolution, patch, augment, valSplit, palette } = plan.data;
  const { budget, epochs, steps, batchSize, lr, width, depth } = plan.training;
  const spec = plan.losses[task.loss].spec;
  return {
    source: source.kind === 'synthetic' ? source : { data: files.resolve(source.data), val: source.val === undefined ? null : files.resolve(source.val) },
    label,
    palette: palette ?? null,
    maskSuffix,
    resolution,
    patch,
    augment,
    valSplit: source.kind === 'folder' && source.val !== undefined ? null : valSplit,
    ...(budget !== undefined ? { budget } : { epochs }),
    steps: steps ?? null,
    batchSize,
    lr,
    width,
    depth,
    seed: task.seed,
    loss: { name: spec.name, label: spec.label, options: spec.options },
    nsdTolerance: plan.nsdTolerance,
    predictionsKept: keptPredictions(plan, data.heldOut.count),
    backend: plan.backend,
  };
}

/** The text of a run file. */
export function runFileText(record: RunRecord, settings: Record<string, unknown>): string {
  const stored = { ...record, predictions: record.predictions.map(encodeLabels) };
  return `${JSON.stringify({ format: 'segloss-run', version: 1, settings, record: stored }, replacer)}\n`;
}

/** A run file's settings and record (predictions decoded); undefined when the text is not a run file. */
export function parseRunFile(text: string): { settings: Record<string, unknown>; record: RunRecord } | undefined {
  let parsed: { format?: string; settings?: Record<string, unknown>; record?: RunRecord & { predictions: number[][] } };
  try {
    parsed = JSON.parse(text, reviver) as typeof parsed;
  } catch {
    return undefined; // a file cut short: the run is trained again
  }
  if (parsed.format !== 'segloss-run' || !parsed.settings || !parsed.record) return undefined;
  const record = { ...parsed.record, predictions: parsed.record.predictions.map(decodeLabels) };
  return { settings: parsed.settings, record };
}

/** The first setting that differs (`key`, stored value, new value), or undefined when they agree. */
export function settingsDiffer(stored: Record<string, unknown>, now: Record<string, unknown>): [string, string, string] | undefined {
  for (const key of new Set([...Object.keys(stored), ...Object.keys(now)])) {
    const a = JSON.stringify(stored[key] ?? null);
    const b = JSON.stringify(now[key] ?? null);
    if (a !== b) return [key, a, b];
  }
  return undefined;
}

/**
 * The records of `tasks` already stored in `out` (with `--resume`), checked against the settings
 * of this command.
 * @throws UsageError when a stored run was trained with other settings.
 */
export function storedRuns(files: EnvFiles, out: string, keyOf: (task: RunTask) => Record<string, unknown>, plan: ComparePlan, tasks: readonly RunTask[]): Map<RunTask, RunRecord> {
  const found = new Map<RunTask, RunRecord>();
  for (const task of tasks) {
    const path = files.join(out, runFileName(plan.losses[task.loss].spec.label, task.repeat));
    const text = files.readText(path);
    const stored = text === undefined ? undefined : parseRunFile(text);
    if (!stored) continue;
    const differ = settingsDiffer(stored.settings, keyOf(task));
    if (differ) {
      throw new UsageError(
        `--resume: ${path} was trained with ${differ[0]} ${differ[1]}, this command has ${differ[2]}; run the same command, or leave out --resume to start over.`,
      );
    }
    found.set(task, stored.record);
  }
  return found;
}
