// Times compare.html on all 30 ISBI 2012 sections in Debian's chromium (headless, wasm, page
// served with COOP/COEP), with the flags of test/cli/isbi.test.ts, once per worker count given:
//   node playground/scripts/measureIsbi.mjs [jobs ...]      (default: 1 2)
// Prints one line per run: workers, backend, seconds, each loss's held-out Dice.
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const REPO = resolve(import.meta.dirname, '../..');
const ISBI = resolve(REPO, '..', 'shared', 'data', 'isbi2012-em');
const jobsList = process.argv.slice(2).map(Number);
const FIELDS = { foreground: '0', losses: 'bceDiceLoss,diceLoss', epochs: '4', 'val-split': '0.2', repeats: '1', scale: '0.25', patch: '64', width: '8', depth: '2', lr: '0.003' };
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const out = mkdtempSync(join(tmpdir(), 'segloss-measure-'));
await build({ configFile: resolve(REPO, 'playground/vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
const server = createServer((req, res) => {
  const file = join(out, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!file.startsWith(out) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({ executablePath: process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/compare.html?backend=wasm`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const names = readdirSync(join(ISBI, 'images')).filter((f) => f.endsWith('.png')).sort();
  await page.getByTestId('images-input').setInputFiles(names.map((f) => join(ISBI, 'images', f)));
  await page.getByTestId('masks-input').setInputFiles(names.map((f) => join(ISBI, 'masks', f)));
  await page.locator('details summary').click();
  for (const [id, value] of Object.entries(FIELDS)) await page.getByTestId(id).fill(value);
  for (const jobs of jobsList.length ? jobsList : [1, 2]) {
    await page.getByTestId('jobs').fill(String(jobs));
    await page.getByTestId('run-compare').click();
    await page.waitForFunction(() => ['done', 'error'].includes(window.__segloss_compare.status), null, { timeout: 1_800_000, polling: 1000 });
    const s = await page.evaluate(() => window.__segloss_compare);
    if (s.status !== 'done') throw new Error(s.error);
    const dice = s.results.losses.map((l) => `${l.label} ${l.dice.toFixed(6)}`).join(', ');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    console.log(`workers ${jobs} (navigator.hardwareConcurrency ${cores}), ${s.results.settings.backend}: ${s.seconds.toFixed(1)} s; held-out Dice: ${dice}`);
  }
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
