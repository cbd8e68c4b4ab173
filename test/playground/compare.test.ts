/**
 * compare.html in a real browser: builds the playground with Vite's JS API, serves it from a
 * sub-folder of a tiny local server that sends the two cross-origin-isolation headers (COOP
 * `same-origin`, COEP `require-corp`, so wasm runs threaded), and drives Debian's chromium with
 * playwright-core. A short compare on six ISBI 2012 sections (../shared/data) runs in the page's
 * Web Workers on wasm; every score the page shows is recomputed here in Node from the masks on
 * disk and the predictions the page exposes.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { decode } from 'fast-png';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareState } from '../../playground/src/compare/page';

const REPO = resolve(__dirname, '../..');
const CHROMIUM = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(REPO, process.env.SEGLOSS_ARTIFACTS ?? '.tmp/test-artifacts/playground');
const SCREENSHOT = resolve(REPO, 'docs/compare.png');
const ISBI = resolve(REPO, '..', 'shared', 'data', 'isbi2012-em');
const STEMS = ['em_00', 'em_01', 'em_02', 'em_03', 'em_04', 'em_05'];
const ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'];

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.wasm': 'application/wasm' };
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

let outDir: string;
let server: Server;
let base: string;
let browser: Browser;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), 'segloss-compare-'));
  await build({ configFile: resolve(REPO, 'playground/vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/sub\/?/, '');
    const file = join(outDir, rel);
    if (!url.pathname.startsWith('/sub/') || !file.startsWith(outDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...ISOLATION });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sub/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function openPage(query = ''): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => consoleErrors.push(e.message));
  p.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()}`));
  await p.goto(`${base}compare.html${query}`);
  await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return p;
}

const compareState = (p: Page) => p.evaluate(() => (window as unknown as { __segloss_compare: CompareState }).__segloss_compare);

/** Binary labels of an ISBI mask: membrane (value 0) is the foreground. */
function truthOf(stem: string): Uint8Array {
  const png = decode(readFileSync(join(ISBI, 'masks', `${stem}.png`)));
  return Uint8Array.from(png.data as Uint8Array, (v) => (v === 0 ? 1 : 0));
}

/** Predicted labels from the page's 8-bit prediction PNG (0/255). */
function predictionOf(base64: string): Uint8Array {
  const png = decode(Buffer.from(base64, 'base64'));
  return Uint8Array.from(png.data as Uint8Array, (v) => (v === 255 ? 1 : 0));
}

/** TP, FP, FN of a prediction against its truth. */
function counts(truth: Uint8Array, pred: Uint8Array): [number, number, number] {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (pred[i] && truth[i]) tp++;
    else if (pred[i]) fp++;
    else if (truth[i]) fn++;
  }
  return [tp, fp, fn];
}

const dice = ([tp, fp, fn]: number[]) => (tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn));

describe('compare.html', () => {
  it('says nothing leaves the machine, is cross-origin isolated, and names the first backend of webgpu → webgl → wasm that starts', async () => {
    const page = await openPage();
    try {
      expect(await page.getByTestId('privacy').textContent()).toMatch(/Nothing leaves your machine/);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const s = await compareState(page);
      const shown = await page.getByTestId('backend').textContent();
      expect(shown).toBe(s.backend!.name);
      // Every backend before the one in use was tried and passed over, in order.
      const chosen = ORDER.indexOf(shown!);
      expect(chosen).toBeGreaterThanOrEqual(0);
      expect(s.backend!.skipped.map((line) => line.split(':')[0])).toEqual(ORDER.slice(0, chosen));
      expect(await page.getByTestId('to-playground').getAttribute('href')).toBe('./index.html');
    } finally {
      await page.close();
    }
  });

  it('runs a short ISBI compare on threaded wasm in workers, and every shown Dice equals a recomputation from the masks and predictions', async () => {
    const page = await openPage('?backend=wasm');
    try {
      expect(await page.getByTestId('backend').textContent()).toBe('wasm');
      expect(await page.getByTestId('backend-detail').textContent()).toMatch(/^\(threaded SIMD, \d+ threads?\)$/);
      await page.getByTestId('images-input').setInputFiles(STEMS.map((s) => join(ISBI, 'images', `${s}.png`)));
      await page.getByTestId('masks-input').setInputFiles(STEMS.map((s) => join(ISBI, 'masks', `${s}.png`)));
      expect(await page.getByTestId('pairs').textContent()).toMatch(/^6 /);
      const fill: Record<string, string> = { foreground: '0', losses: 'bceDiceLoss,diceLoss', epochs: '1', 'val-split': '0.34', repeats: '2', scale: '0.25', patch: '32', width: '4', depth: '2', lr: '0.003', jobs: '2' };
      await page.locator('details summary').click(); // the CLI's other options
      for (const [id, value] of Object.entries(fill)) await page.getByTestId(id).fill(value);
      await page.getByTestId('run-compare').click();
      await page.getByTestId('verdict').waitFor({ state: 'visible', timeout: 150_000 });
      const s = await compareState(page);
      expect(s.status, s.error).toBe('done');
      expect(s.argv).toEqual(expect.arrayContaining(['--foreground', '0', '--losses', 'bceDiceLoss,diceLoss', '--epochs', '1']));
      const results = s.results!;
      expect(results.settings.valFiles).toEqual(['em_04', 'em_05']);
      expect(results.settings.backend).toMatch(/^wasm \(threaded SIMD, \d+ threads?\)$/);
      expect(results).toMatchObject({ schema: 2, browser: { name: 'wasm', crossOriginIsolated: true, jobs: 2 }, settings: { repeats: 2 } });
      expect(s.files).toEqual(['index.html', 'results.json', 'results.csv', 'summary.csv']);

      // Each run's scores, recomputed from its predicted label maps and the mask files.
      const truths = { em_04: truthOf('em_04'), em_05: truthOf('em_05') } as Record<string, Uint8Array>;
      expect(s.records).toHaveLength(4);
      const pooledByLoss: Record<string, number[]> = {};
      for (const r of s.records!) {
        expect(r.task.seed).toBe(42 + r.task.repeat); // run k of every loss: the same seed (paired)
        expect(r.predictions.map((p) => [p.image, p.width, p.height])).toEqual([['em_04', 512, 512], ['em_05', 512, 512]]);
        const perImage = r.predictions.map((p) => counts(truths[p.image], predictionOf(p.png)));
        perImage.forEach((c, i) => expect(r.perImage[i].dice, `${r.label} ${r.perImage[i].image}`).toBeCloseTo(dice(c), 5));
        const pooled = perImage.reduce((a, c) => a.map((v, k) => v + c[k]), [0, 0, 0]);
        expect(r.scores.dice, `${r.label} seed ${r.task.seed}`).toBeCloseTo(dice(pooled), 5);
        pooledByLoss[r.label] = (pooledByLoss[r.label] ?? [0, 0, 0]).map((v, k) => v + pooled[k]);
      }

      // Each loss's shown Dice: the CLI's aggregate (counts pooled over both runs and both images),
      // the same as results.json, in [0, 1], inside its interval.
      const shown: Record<string, number> = {};
      for (const label of ['bceDiceLoss', 'diceLoss']) {
        const value = Number(await page.getByTestId(`result-${label}`).getAttribute('data-dice'));
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
        expect(value).toBeCloseTo(dice(pooledByLoss[label]), 5);
        const loss = results.losses.find((l) => l.label === label)!;
        expect(loss.dice).toBe(value);
        expect(loss.diceCI![0]).toBeLessThanOrEqual(value);
        expect(loss.diceCI![1]).toBeGreaterThanOrEqual(value);
        shown[label] = value;
      }
      const best = shown.bceDiceLoss >= shown.diceLoss ? 'bceDiceLoss' : 'diceLoss';
      expect(await page.getByTestId('verdict').getAttribute('data-best')).toBe(best);
      expect(await page.getByTestId('verdict').textContent()).toContain(best);
      expect(results.verdict.best).toBe(best);
      // Ties as the CLI states them: the other loss is tied exactly when results.json says so, and the page says it in words.
      const other = best === 'diceLoss' ? 'bceDiceLoss' : 'diceLoss';
      const tied = results.verdict.tiedWithBest.includes(other);
      expect(await page.getByTestId('verdict').getAttribute('data-tied')).toBe(tied ? other : '');
      if (tied) expect(await page.getByTestId('verdict').textContent()).toMatch(/tied/);

      // The same compare in one worker (all threads in it) gives the very same records.
      await page.getByTestId('jobs').fill('1');
      await page.getByTestId('run-compare').click();
      await expect.poll(async () => (await compareState(page)).status, { timeout: 150_000, intervals: [500] }).toBe('done');
      const single = await compareState(page);
      expect(single.jobs).toBe(1);
      const key = (r: (typeof s.records & object)[number]) => `${r.label}/${r.task.repeat}`;
      const strip = (r: (typeof s.records & object)[number]) => ({ ...r, seconds: 0, history: r.history.map((h) => ({ ...h, seconds: 0 })) });
      const byKey = new Map(s.records!.map((r) => [key(r), strip(r)]));
      for (const r of single.records!) expect(strip(r), key(r)).toEqual(byKey.get(key(r)));

      const png = await page.screenshot({ fullPage: false });
      writeFileSync(join(ARTIFACTS, 'compare.png'), png);
      // The committed README image is only rewritten on request, so that a test run leaves the checkout clean.
      if (process.env.SEGLOSS_UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) writeFileSync(SCREENSHOT, png);
      console.log(`compare.html ISBI runs on ${results.settings.backend}: ${s.seconds!.toFixed(1)} s in 2 workers, ${single.seconds!.toFixed(1)} s in 1`);
    } finally {
      await page.close();
    }
  });

  it("reports a mistake in the options with the CLI's message before any worker starts, in English and Chinese", async () => {
    const page = await openPage('?backend=cpu');
    try {
      await page.getByTestId('images-input').setInputFiles([join(ISBI, 'images', 'em_00.png'), join(ISBI, 'images', 'em_01.png')]);
      await page.getByTestId('masks-input').setInputFiles([join(ISBI, 'masks', 'em_00.png'), join(ISBI, 'masks', 'em_01.png')]);
      await page.getByTestId('losses').fill('diceLos');
      await page.getByTestId('run-compare').click();
      await expect.poll(() => page.getByTestId('error').textContent()).toMatch(/^segloss compare: .*diceLos.*did you mean 'diceLoss'/);
      expect((await compareState(page)).status).toBe('error');
      await page.getByTestId('lang-switch').click();
      expect(await page.locator('h1').textContent()).toMatch(/浏览器/);
      expect(await page.getByTestId('privacy').textContent()).toMatch(/不会离开/);
    } finally {
      await page.close();
    }
  });

  it('logged no console error, page error or failed request', () => {
    expect(consoleErrors).toEqual([]);
  });
});
