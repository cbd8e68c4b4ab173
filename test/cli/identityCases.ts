/**
 * Test helper: small compares whose run records must not depend on how the data are held
 * (decoded once and kept, or decoded on demand through a bounded cache). Three cases: six ISBI
 * sections (gray, binary, `--scale 0.25`), four CamVid frames (RGB, multiclass, ignore index,
 * `--scale 0.25`) and the synthetic set. `eagerRecords.json` holds their records as computed by
 * the eager loader of commit 811f4fa (before lazy decoding), reduced by {@link snapshot}.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeEnv } from '../../src/cli/node/env.js';
import { COMPARE_FLAGS } from '../../src/cli/options/flags.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { comparePlan, type ComparePlan } from '../../src/cli/options/plan.js';
import { planTasks, runOne } from '../../src/cli/orchestrate/runOne.js';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import type { ProgressSink, Tf } from '../../src/cli/pipeline/types.js';

const SHARED = resolve(__dirname, '..', '..', '..', 'shared', 'data');
export const ISBI = join(SHARED, 'isbi2012-em');
export const CAMVID = join(SHARED, 'camvid');

/** `images/` + `masks/` of `stems` from `from`, as symbolic links under `dir` (nothing copied). */
export function linkFolder(from: string, dir: string, stems: readonly string[]): string {
  for (const sub of ['images', 'masks']) {
    mkdirSync(join(dir, sub), { recursive: true });
    for (const stem of stems) symlinkSync(join(from, sub, `${stem}.png`), join(dir, sub, `${stem}.png`));
  }
  return dir;
}

const TINY = ['--width', '4', '--depth', '2', '--epochs', '2', '--steps', '3', '--batch-size', '3', '--backend', 'cpu', '--repeats', '1', '--samples', '2'];

/** The cases: a name and the flags of `segloss compare` (data folders made under `root`). */
export function identityCases(root: string): { name: string; argv: string[] }[] {
  const isbi = linkFolder(ISBI, join(root, 'isbi'), ['em_00', 'em_01', 'em_02', 'em_03', 'em_04', 'em_05']);
  const camvid = linkFolder(CAMVID, join(root, 'camvid'), ['0001TP_006690', '0001TP_006990', '0001TP_007290', '0001TP_007590']);
  return [
    { name: 'isbi', argv: [...TINY, '--data', isbi, '--foreground', '0', '--scale', '0.25', '--patch', '32', '--val-split', '0.34', '--losses', 'bceDiceLoss', '--save-predictions'] },
    { name: 'camvid', argv: [...TINY, '--data', camvid, '--mode', 'multiclass', '--classes', '11', '--ignore-index', '11', '--scale', '0.25', '--patch', '32', '--val-split', '0.25', '--losses', 'crossEntropyLoss'] },
    { name: 'synthetic', argv: [...TINY, '--synthetic-count', '8', '--synthetic-size', '40', '--patch', '32', '--losses', 'diceLoss'] },
  ];
}

/** The plan of `segloss compare <argv>`. */
export function planOf(argv: string[]): ComparePlan {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
  return comparePlan(flags, given);
}

/** FNV-1a over the label values: a prediction's fingerprint. */
function fingerprint(labels: Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < labels.length; i++) h = Math.imul(h ^ (labels[i] & 0xffff), 0x01000193) >>> 0;
  return `${labels.length}:${h.toString(16)}`;
}

/** Numbers as JSON keeps them exactly; non-finite ones as strings (JSON has no Infinity). */
function exact(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

/** Everything of a record but its wall-clock times, with predictions as fingerprints. */
export function snapshot(r: RunRecord): unknown {
  return exact({
    task: r.task,
    label: r.label,
    scores: r.scores,
    perImage: r.perImage,
    history: r.history.map((h) => ({ ...h, seconds: 0 })),
    steps: r.steps,
    confusion: r.confusion ?? null,
    predictions: r.predictions.map(fingerprint),
  });
}

const quiet: ProgressSink = { update: () => {}, epochDone: () => {}, log: () => {}, warn: () => {} };
export const silentEnv = () => nodeEnv({ out: { write: () => true }, err: { write: () => true } });

/** The snapshots of every task of `plan` run on `data`. */
export async function snapshots<D>(tf: Tf, data: D, plan: ComparePlan): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const task of planTasks(plan)) out.push(snapshot(await runOne(tf, data as never, plan, task, { progress: quiet })));
  return out;
}
