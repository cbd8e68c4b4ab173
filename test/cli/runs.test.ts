/**
 * compare's runs end to end: `--jobs 2` (worker threads) gives the records of `--jobs 1` bit for
 * bit; an interrupted compare (a test hook, and a real SIGINT to a child process) keeps its
 * finished runs and writes an incomplete report, and `--resume` finishes with the results of an
 * uninterrupted run; `--resume` refuses runs made with other settings; `--budget` excludes
 * `--epochs`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../../src/cli/node/env.js';
import { parseRunFile } from '../../src/cli/orchestrate/runStore.js';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { run } from '../../src/cli/run.js';
import { cli, TEST_ENV } from './runCli.js';

const root = mkdtempSync(join(tmpdir(), 'segloss-runs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const repo = join(__dirname, '..', '..');

/** 2 losses × 2 repeats on 8 synthetic 32² images, a 4-wide U-Net of depth 1, 1 epoch of 2 batches. */
const COMPARE = ['compare', '--losses', 'diceLoss,bceLoss', '--repeats', '2', '--synthetic-count', '8', '--synthetic-size', '32',
  '--width', '4', '--depth', '1', '--epochs', '1', '--steps', '2', '--batch-size', '4', '--backend', 'cpu', '--quiet'];
/** Generous: these tests train 4 to 8 small runs each, and the machine may be shared. */
const SLOW = 400_000;
const RUN_FILES = ['bceLoss--r0.json', 'bceLoss--r1.json', 'diceLoss--r0.json', 'diceLoss--r1.json'];

/** The records in `out/runs`, by file name, without their wall-clock times. */
function records(out: string): Record<string, RunRecord> {
  const found: Record<string, RunRecord> = {};
  for (const name of readdirSync(join(out, 'runs')).sort()) {
    const r = parseRunFile(readFileSync(join(out, 'runs', name), 'utf8'))!.record;
    found[name] = { ...r, seconds: 0, history: r.history.map((h) => ({ ...h, seconds: 0 })) };
  }
  return found;
}

let reference: Promise<Record<string, RunRecord>> | undefined;
/** The uninterrupted `--jobs 1` run, computed once. */
function uninterrupted() {
  reference ??= cli(...COMPARE, '--jobs', '1', '--out', join(root, 'jobs1')).then((r) => {
    expect(r.code).toBe(0);
    return records(join(root, 'jobs1'));
  });
  return reference;
}

describe('compare --jobs', () => {
  it('--jobs 2 (worker threads) gives the records of --jobs 1, per-image scores bit for bit', async () => {
    const one = await uninterrupted();
    const out = join(root, 'jobs2');
    const two = await cli(...COMPARE, '--jobs', '2', '--out', out);
    expect(two.err).toBe('');
    expect(two.code).toBe(0);
    expect(Object.keys(one)).toEqual(RUN_FILES);
    expect(records(out)).toEqual(one);
    for (const name of RUN_FILES) expect(JSON.stringify(records(out)[name].perImage)).toBe(JSON.stringify(one[name].perImage));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.losses.map((l: { runs: { seed: number }[] }) => l.runs.map((r) => r.seed))).toEqual([[42, 43], [42, 43]]);
  }, SLOW);
});

describe('compare --resume', () => {
  it('an interrupt after two runs writes their report, marked incomplete (exit 130); --resume finishes as an uninterrupted run', async () => {
    const out = join(root, 'hooked');
    let err = '';
    const io = { out: { write: () => true }, err: { write: (s: string) => (err += s), isTTY: false } };
    const env = nodeEnv(io, TEST_ENV);
    let interrupt = () => {};
    env.onInterrupt = (handler) => ((interrupt = handler), () => {});
    const write = env.files.writeText;
    let written = 0;
    env.files = { ...env.files, writeText: (path, text) => (write(path, text), path.includes('runs') && ++written === 2 && interrupt()) };
    const code = await run([...COMPARE, '--jobs', '1', '--out', out], io, env);
    expect(code).toBe(130);
    expect(err).toMatch(/^segloss compare: interrupted: 2 of 4 runs ended; their report \(marked incomplete\) is in .*hooked\. Run the same command with --resume to finish\.\n$/);
    const partial = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(partial.incomplete).toEqual({ runsDone: 2, runsPlanned: 4 });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('interrupted after 2 of 4 runs');
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['bceLoss--r0.json', 'diceLoss--r0.json']);

    const resumed = await cli(...COMPARE, '--jobs', '1', '--out', out, '--resume');
    expect(resumed.code).toBe(0);
    expect(records(out)).toEqual(await uninterrupted());
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).incomplete).toBeUndefined();
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('Incomplete');
  }, SLOW);

  it('Ctrl-C (SIGINT) to a running compare with --jobs 2 keeps the finished runs; --resume completes them', async () => {
    const out = join(root, 'signalled');
    const child = spawn(process.execPath, ['--import', './test/helpers/tsRegister.mjs', 'src/cli/main.ts', ...COMPARE, '--jobs', '2', '--out', out], { cwd: repo });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!(existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).some((f) => f.endsWith('.json')))) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(err).toMatch(/interrupted: \d of 4 runs ended; their report \(marked incomplete\)/);
    expect(code).toBe(130);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).incomplete.runsPlanned).toBe(4);
    const resumed = await cli(...COMPARE, '--jobs', '2', '--out', out, '--resume');
    expect(resumed.code).toBe(0);
    expect(records(out)).toEqual(await uninterrupted());
  }, SLOW);

  it('refuses runs stored with other settings, naming the setting', async () => {
    await uninterrupted();
    const r = await cli(...COMPARE, '--lr', '0.01', '--jobs', '1', '--out', join(root, 'jobs1'), '--resume');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^segloss compare: --resume: .*diceLoss--r0\.json was trained with lr 0\.001, this command has 0\.01; run the same command, or leave out --resume to start over\.\n$/);
  }, SLOW);
});

describe('compare --budget', () => {
  it('trains each run for the budget (batches only), then scores its last epoch', async () => {
    const out = join(root, 'budget');
    const argv = COMPARE.filter((a, i) => !['--epochs', '--repeats'].includes(a) && !['--epochs', '--repeats'].includes(COMPARE[i - 1]));
    const r = await cli(...argv, '--losses', 'diceLoss', '--repeats', '1', '--budget', '0.02', '--jobs', '1', '--out', out);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const [run] = Object.values(records(out));
    expect(results.settings.budgetMinutes).toBe(0.02);
    expect(results.settings.epochs).toBe(run.history.length);
    const parsed = parseRunFile(readFileSync(join(out, 'runs', 'diceLoss--r0.json'), 'utf8'))!.record;
    expect(parsed.seconds).toBeGreaterThanOrEqual(1.2); // the batches alone took the 0.02 minutes
    expect(run.scores.dice).toBe(run.history[run.history.length - 1].valDice);
    expect(run.perImage).toHaveLength(2);
  }, SLOW);

  it('excludes --epochs', async () => {
    const r = await cli('compare', '--budget', '2', '--epochs', '3');
    expect(r.code).toBe(2);
    expect(r.err).toBe('segloss compare: --budget and --epochs exclude each other: --budget 2 trains every run for 2 minutes, --epochs 3 for 3 epochs.\n');
  });
});
