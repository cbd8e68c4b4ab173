// Peak memory of a short compare in compare.html (Chromium, wasm) on N 512² images: ISBI 2012's 30
// sections repeated under new names by symbolic links in a temporary folder outside the repository.
// Builds the playground of `--root` with Vite's API, serves it with the two cross-origin-isolation
// headers, drives Debian's chromium with playwright-core, and samples every Chromium process's
// proportional set size (PSS, /proc/<pid>/smaps_rollup, so shared pages count once) every 500 ms
// while the page loads the data, trains and reports. The page's Web Workers live in its renderer
// process; the largest process's peak is reported beside the sum. Usage:
//   node bench/pageMemory.mjs [--root .] [--counts 30,300] [--jobs 1] [--site DIR]
// (`--root` may be another checkout whose node_modules resolves, to measure an older version;
// `--site DIR` builds the pages into DIR once and reuses them on later calls.)
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const { values } = parseArgs({ options: { root: { type: 'string', default: '.' }, counts: { type: 'string', default: '30,300' }, jobs: { type: 'string', default: '1' }, site: { type: 'string' } } });
const say = (text) => console.error(`${new Date().toISOString().slice(11, 19)} ${text}`);
const ROOT = resolve(values.root);
const ISBI = resolve('..', 'shared', 'data', 'isbi2012-em');
const STEMS = Array.from({ length: 30 }, (_, i) => `em_${String(i).padStart(2, '0')}`);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.wasm': 'application/wasm' };

/** `count` image/mask pairs linking to ISBI's files, named em_XX_rK.png; returns their paths. */
function folder(root, count) {
  const dir = join(root, `isbi-${count}`);
  const files = { images: [], masks: [] };
  for (const sub of ['images', 'masks']) mkdirSync(join(dir, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const stem = STEMS[i % STEMS.length];
    const name = `${stem}_r${String(Math.floor(i / STEMS.length)).padStart(2, '0')}.png`;
    for (const sub of ['images', 'masks']) {
      symlinkSync(join(ISBI, sub, `${stem}.png`), join(dir, sub, name));
      files[sub].push(join(dir, sub, name));
    }
  }
  return files;
}

/** The process ids under `pid` (itself included). */
function tree(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended
    }
  }
  const out = [];
  const walk = (p) => (out.push(p), (children.get(p) ?? []).forEach(walk));
  walk(pid);
  return out;
}

/** PSS of a process in MiB (0 once it ended). */
function pss(pid) {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
  } catch {
    return 0;
  }
}

const work = mkdtempSync(join(tmpdir(), 'segloss-pagememory-'));
const outDir = values.site ? resolve(values.site) : join(work, 'site');
if (!existsSync(join(outDir, 'compare.html'))) {
  await build({ root: join(ROOT, 'playground'), configFile: join(ROOT, 'playground', 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } });
  say(`built ${outDir}`);
}
const server = createServer((req, res) => {
  const file = join(outDir, normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
  if (!file.startsWith(outDir) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/compare.html?backend=wasm`;
// Launched (not connected to) so that file inputs get paths, not the files' bytes over the protocol.
const browser = await chromium.launch({ executablePath: process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
// The browser process is the one child of this process that runs chromium.
const browserPid = readdirSync('/proc')
  .filter((name) => /^\d+$/.test(name))
  .find((name) => {
    try {
      return Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('chrom');
    } catch {
      return false;
    }
  });
if (!browserPid) throw new Error('pageMemory: cannot find the chromium process started by this script.');
try {
  for (const count of values.counts.split(',').map(Number)) {
    const files = folder(work, count);
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    say(`page ready: ${await page.getByTestId('backend').textContent()}`);
    const load = loadavg()[0].toFixed(2);
    let peak = { sum: 0, largest: 0 };
    let pids = [];
    let listed = 0;
    const sample = () => {
      if (listed++ % 10 === 0) pids = tree(Number(browserPid)); // new processes are few: list them every 10 samples
      const sizes = pids.map(pss);
      peak = { sum: Math.max(peak.sum, sizes.reduce((a, b) => a + b, 0)), largest: Math.max(peak.largest, ...sizes) };
    };
    sample();
    const idle = { ...peak };
    const timer = setInterval(sample, 500);
    const started = Date.now();
    await page.getByTestId('images-input').setInputFiles(files.images);
    await page.getByTestId('masks-input').setInputFiles(files.masks);
    await page.locator('details summary').click();
    const fill = { foreground: '0', losses: 'diceLoss', epochs: '', budget: '0.1', 'val-split': '0.02', repeats: '1', width: '8', depth: '2', jobs: values.jobs };
    for (const [id, value] of Object.entries(fill)) await page.getByTestId(id).fill(value);
    await page.getByTestId('run-compare').click();
    say(`${count} pairs picked, running`);
    for (;;) {
      if (await page.getByTestId('verdict').isVisible()) break;
      if (await page.getByTestId('error').isVisible()) throw new Error(`the page failed: ${await page.getByTestId('error').textContent()}`);
      if (Date.now() - started > 590_000) throw new Error('no verdict after 590 s');
      await new Promise((ok) => setTimeout(ok, 500));
    }
    clearInterval(timer);
    sample();
    console.log(
      `${ROOT}: ${count} images, ${values.jobs} worker(s): peak PSS ${peak.sum.toFixed(0)} MiB over all Chromium processes (${idle.sum.toFixed(0)} MiB with the page open, idle), largest process ${peak.largest.toFixed(0)} MiB; ${((Date.now() - started) / 1000).toFixed(0)} s (load ${load})`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(work, { recursive: true, force: true });
}
