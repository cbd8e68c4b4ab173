// Peak memory of a short `segloss compare` on a folder of N 512² images (ISBI 2012's 30 sections
// repeated under new names by symbolic links in a temporary folder outside the repository; nothing
// is copied). Runs the CLI under /usr/bin/time -v and reports its maximum resident set size, for
// each N given, so the growth with the number of images shows. Usage:
//   node bench/memory.mjs [--cli dist/esm/cli/main.js] [--counts 30,300] [--steps 4]
// Run `npm run build` first. A 1-epoch, 1-loss, 1-repeat compare (see ARGS); results in docs/data.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { cli: { type: 'string', default: 'dist/esm/cli/main.js' }, counts: { type: 'string', default: '30,300' }, steps: { type: 'string', default: '4' } } });
const ISBI = resolve('..', 'shared', 'data', 'isbi2012-em');
const STEMS = Array.from({ length: 30 }, (_, i) => `em_${String(i).padStart(2, '0')}`);

/** `count` image/mask pairs linking to ISBI's files, named em_XX_rK. */
function folder(root, count) {
  const dir = join(root, `isbi-${count}`);
  for (const sub of ['images', 'masks']) mkdirSync(join(dir, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const stem = STEMS[i % STEMS.length];
    const name = `${stem}_r${String(Math.floor(i / STEMS.length)).padStart(2, '0')}.png`;
    for (const sub of ['images', 'masks']) symlinkSync(join(ISBI, sub, `${stem}.png`), join(dir, sub, name));
  }
  return dir;
}

const ARGS = ['--foreground', '0', '--losses', 'diceLoss', '--repeats', '1', '--epochs', '1', '--steps', values.steps, '--width', '8', '--depth', '2',
  '--val-split', '0.05', '--samples', '2', '--jobs', '1', '--backend', 'wasm', '--quiet'];

const root = mkdtempSync(join(tmpdir(), 'segloss-memory-'));
try {
  for (const count of values.counts.split(',').map(Number)) {
    const data = folder(root, count);
    const started = Date.now();
    const load = loadavg()[0].toFixed(2);
    const run = spawnSync('/usr/bin/time', ['-v', process.execPath, values.cli, 'compare', '--data', data, ...ARGS, '--out', join(root, `out-${count}`)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`compare failed (${run.status}): ${run.stderr}`);
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)[1]);
    console.log(`${values.cli}: ${count} images: max RSS ${(kb / 1024).toFixed(0)} MiB, ${((Date.now() - started) / 1000).toFixed(0)} s (load ${load})`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
