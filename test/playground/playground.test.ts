/**
 * The playground page in a real browser: builds it with Vite's JS API, serves the static files
 * from a sub-folder of a tiny local server (so the relative `base` is exercised), and drives
 * Debian's chromium with playwright-core. Every loss value the page shows is recomputed here in
 * Node with segloss from the masks and logits the page exposes in `window.__segloss_state`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index';
import { presetMask } from '../../playground/src/masks';
import { useBackend } from '../helpers/backends';
import { launchChromium } from '../helpers/chromium';
import { serveStatic, type StaticServer } from '../helpers/staticServer';

const REPO = resolve(__dirname, '../..');
const ARTIFACTS = resolve(REPO, process.env.SEGLOSS_ARTIFACTS ?? '.tmp/test-artifacts/playground');
const SCREENSHOT = resolve(REPO, 'docs/playground.png');

interface PageState {
  version: number;
  sweepVersion: number;
  backend: string;
  lang: string;
  B: number;
  H: number;
  W: number;
  yTrue: number[];
  logits: number[];
  losses: { fn: string; options: Record<string, number | boolean>; value: number }[];
  numTensors: number;
}

type Factory = (options?: Record<string, unknown>) => (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** The value segloss computes in Node (cpu backend) for a loss the page shows. */
function nodeValue(state: PageState, fn: string, options: Record<string, unknown>): number {
  const factory = (segloss as unknown as Record<string, Factory>)[fn];
  return tf.tidy(() => {
    const shape: [number, number, number, number] = [state.B, state.H, state.W, 1];
    return factory(options)(tf.tensor4d(state.yTrue, shape), tf.tensor4d(state.logits, shape)).dataSync()[0];
  });
}

let outDir: string;
let server: StaticServer;
let base: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function state(p: Page = page): Promise<PageState> {
  return p.evaluate(() => (window as unknown as { __segloss_state: PageState }).__segloss_state);
}

/** Runs `action` and waits until the page has recomputed. */
async function andWait(action: () => Promise<unknown>): Promise<PageState> {
  const before = (await state()).version;
  await action();
  await page.waitForFunction((v) => ((window as unknown as { __segloss_state: PageState }).__segloss_state?.version ?? 0) > v, before);
  return state();
}

async function shownValues(p: Page = page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const el of await p.locator('[data-testid^="loss-value-"]').all()) {
    out[(await el.getAttribute('data-testid'))!.slice('loss-value-'.length)] = Number(await el.textContent());
  }
  return out;
}

async function gradMaps(): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-testid^="grad-map-"]'), (c) => [c.dataset.testid!.slice('grad-map-'.length), c.toDataURL()]),
    ),
  );
}

/** Every shown value matches the page's own full-precision value and segloss in Node within 1e-4. */
async function expectShownValuesMatchNode(p: Page = page): Promise<PageState> {
  const s = await state(p);
  const shown = await shownValues(p);
  expect(Object.keys(shown).sort()).toEqual(s.losses.map((l) => l.fn).sort());
  for (const { fn, options, value } of s.losses) {
    const want = nodeValue(s, fn, options);
    const error = await p.locator(`.card[data-fn="${fn}"] .error`).textContent();
    expect(error, `${fn} shows no error`).toBe('');
    expect(Number.isFinite(want), `${fn} is finite in Node`).toBe(true);
    expect(Math.abs(shown[fn] - want), `${fn}: shown ${shown[fn]}, Node ${want}`).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(value - want), `${fn}: page ${value}, Node ${want}`).toBeLessThanOrEqual(1e-4);
  }
  return s;
}

beforeAll(async () => {
  await useBackend('cpu');
  mkdirSync(ARTIFACTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), 'segloss-playground-'));
  await build({
    configFile: resolve(REPO, 'playground/vite.config.ts'),
    mode: 'production',
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  // Serve the build under /sub/ so that the page must use relative asset paths.
  server = await serveStatic({ '/sub/': outDir });
  base = `${server.origin}/sub/`;
  browser = await launchChromium(['--disable-gpu']);
  // The interactive checks run on cpu: in this container WebGL is SwiftShader (software), where
  // they take minutes. The default backend is checked on a page of its own.
  page = await openPage('?backend=cpu');
});

/** Opens the page with a query string, recording console errors, and waits until it is ready. */
async function openPage(query: string): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => consoleErrors.push(e.message));
  p.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()}`));
  await p.goto(`${base}index.html${query}`);
  await p.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return p;
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('playground page', () => {
  it('loads from a sub-folder and runs on webgl by default where WebGL exists (else wasm), naming the backend', async () => {
    const p = await openPage('');
    try {
      const s = await state(p);
      const shown = await p.getByTestId('backend').textContent();
      const webgl = await p.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
      expect(shown).toBe(webgl ? 'webgl' : 'wasm');
      expect(s.backend).toBe(shown);
      expect(await p.getByTestId('to-compare').getAttribute('href')).toBe('./compare.html');
      expect(s.H * s.W * s.B).toBe(s.yTrue.length);
      expect(s.logits.length).toBe(s.yTrue.length);
    } finally {
      await p.close();
    }
  });

  it('shows, for a preset, the loss values segloss computes in Node for the same masks', async () => {
    const s = await andWait(() => page.getByTestId('preset-small').click());
    expect(s.yTrue).toEqual(Array.from(presetMask('small', s.H, s.W).data));
    expect(s.losses.map((l) => l.fn)).toEqual(expect.arrayContaining(['diceLoss', 'bceLoss', 'focalLoss', 'tverskyLoss']));
    await expectShownValuesMatchNode();
    const several = await andWait(() => page.getByTestId('preset-several').click());
    expect(several.yTrue).toEqual(Array.from(presetMask('several', s.H, s.W).data));
    await expectShownValuesMatchNode();
    await page.waitForFunction(() => (window as unknown as { __segloss_state: PageState }).__segloss_state.sweepVersion > 0);
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(ARTIFACTS, 'playground.png'), png);
    // The committed README image is only rewritten on request, so that a test run leaves the checkout clean.
    if (process.env.SEGLOSS_UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) writeFileSync(SCREENSHOT, png);
  });

  it('shows every available loss, each matching Node, with one gradient map per loss', async () => {
    const toggles = await page.locator('input[data-testid^="toggle-"]').all();
    for (const toggle of toggles) await toggle.check();
    await page.waitForFunction((n) => (window as unknown as { __segloss_state: PageState }).__segloss_state.losses.length === n, toggles.length);
    const s = await expectShownValuesMatchNode();
    const fns = s.losses.map((l) => l.fn);
    expect(fns).toEqual(expect.arrayContaining(['diceLoss', 'jaccardLoss', 'tverskyLoss', 'focalTverskyLoss', 'focalLoss', 'bceLoss', 'bceDiceLoss', 'comboLoss', 'lovaszHingeLoss', 'clDiceLoss', 'generalizedDiceLoss']));
    expect(Object.keys(await gradMaps()).sort()).toEqual([...fns].sort());
  });

  it('changes every value and every gradient map when the shift slider moves', async () => {
    const values = await shownValues();
    const maps = await gradMaps();
    const logits = (await state()).logits;
    const tensorsBefore = (await state()).numTensors;
    const s = await andWait(() => page.getByTestId('slider-shift').fill('9'));
    // Every loss value, gradient and sweep point is disposed: no tensor outlives an update.
    expect(s.numTensors).toBe(tensorsBefore);
    expect(s.logits).not.toEqual(logits);
    const after = await shownValues();
    const afterMaps = await gradMaps();
    for (const fn of Object.keys(values)) {
      expect(after[fn], fn).not.toBe(values[fn]);
      expect(afterMaps[fn], fn).not.toBe(maps[fn]);
    }
    await expectShownValuesMatchNode();
    // clDiceLoss is the slowest (about 0.25 s per gradient on cpu); the later steps go without it.
    const after2 = await andWait(() => page.getByTestId('toggle-clDiceLoss').uncheck());
    expect(after2.losses.map((l) => l.fn)).not.toContain('clDiceLoss');
  });

  it('passes loss options and a two-image batch through to segloss', async () => {
    await andWait(() => page.getByTestId('opt-tverskyLoss-beta').fill('0.9'));
    await andWait(() => page.getByTestId('opt-focalLoss-gamma').fill('0'));
    await andWait(() => page.getByTestId('opt-diceLoss-logLoss').check());
    await andWait(() => page.getByTestId('batch2').check());
    const perImage = await andWait(() => page.getByTestId('opt-jaccardLoss-perImage').check());
    expect(perImage.B).toBe(2);
    const options = Object.fromEntries(perImage.losses.map((l) => [l.fn, l.options]));
    expect(options.tverskyLoss.beta).toBe(0.9);
    expect(options.focalLoss.gamma).toBe(0);
    expect(options.diceLoss.logLoss).toBe(true);
    expect(options.jaccardLoss.perImage).toBe(true);
    await expectShownValuesMatchNode();
    // With an empty second image predicted empty, the per-image Jaccard average differs from the batch one.
    const batchJaccard = nodeValue(perImage, 'jaccardLoss', { ...options.jaccardLoss, perImage: false });
    expect(Math.abs(batchJaccard - perImage.losses.find((l) => l.fn === 'jaccardLoss')!.value)).toBeGreaterThan(1e-3);
  });

  it('draws the sweep chart with one line per chosen loss, for both sweeps', async () => {
    const fns = (await state()).losses.map((l) => l.fn);
    for (const sweep of ['sweep-fraction', 'sweep-shift']) {
      const before = (await state()).sweepVersion;
      await page.getByTestId(sweep).check();
      await page.waitForFunction((v) => (window as unknown as { __segloss_state: PageState }).__segloss_state.sweepVersion > v, before);
      for (const fn of fns) {
        const d = await page.getByTestId(`sweep-line-${fn}`).getAttribute('d');
        // At least two points (M x,y L x,y ...).
        expect((d ?? '').split('L').length, fn).toBeGreaterThan(2);
      }
    }
    const line = page.getByTestId('sweep-line-bceLoss');
    const raw = await line.getAttribute('d');
    const before = (await state()).sweepVersion;
    await page.getByTestId('sweep-normalise').check();
    await page.waitForFunction((v) => (window as unknown as { __segloss_state: PageState }).__segloss_state.sweepVersion > v, before);
    expect(await line.getAttribute('d')).not.toBe(raw);
  });

  it('switches the explanations and labels to Chinese and back', async () => {
    const summary = page.locator('.card[data-fn="diceLoss"] .summary');
    const english = await summary.textContent();
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await summary.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.locator('h1').textContent()).toMatch(/交互演示/);
    expect(await page.getByTestId('preset-small').textContent()).toBe('小目标');
    writeFileSync(join(ARTIFACTS, 'playground-zh.png'), await page.screenshot({ fullPage: true }));
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => summary.textContent()).toBe(english);
  });

  it('lists the multiclass-only losses below the cards with one line each, in English and Chinese', async () => {
    const list = page.getByTestId('multiclass-only');
    expect(await list.textContent()).toMatch(/generalizedWassersteinDiceLoss: multiclass Dice .*distance matrix/);
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => list.textContent()).toMatch(/generalizedWassersteinDiceLoss: .*距离矩阵/);
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('paints the target with the brush, erases it with the eraser, and paints a drawn prediction', async () => {
    await andWait(() => page.getByTestId('preset-empty').click());
    const canvas = page.getByTestId('truth-canvas');
    const box = (await canvas.boundingBox())!;
    const stroke = async (target: typeof canvas, from: [number, number], to: [number, number]) => {
      const b = (await target.boundingBox())!;
      await page.mouse.move(b.x + from[0] * b.width, b.y + from[1] * b.height);
      await page.mouse.down();
      await page.mouse.move(b.x + to[0] * b.width, b.y + to[1] * b.height, { steps: 4 });
      await page.mouse.up();
    };
    expect(box.width).toBeGreaterThan(0);
    await stroke(canvas, [0.2, 0.5], [0.8, 0.5]);
    await page.waitForFunction(() => (window as unknown as { __segloss_state: PageState }).__segloss_state.yTrue.some((v) => v === 1));
    await page.waitForTimeout(100);
    const painted = (await state()).yTrue.reduce((a, b) => a + b, 0);
    // A horizontal stroke across 60 % of the 64-px image, at least one pixel thick.
    expect(painted).toBeGreaterThanOrEqual(38);
    await page.getByTestId('tool-eraser').check();
    await stroke(canvas, [0.1, 0.5], [0.9, 0.5]);
    await expect.poll(async () => (await state()).yTrue.reduce((a, b) => a + b, 0)).toBe(0);
    await page.locator('input[name="tool"][value="brush"]').check();
    await andWait(() => page.getByTestId('source-drawn').check());
    const before = (await state()).logits;
    await stroke(page.getByTestId('pred-canvas'), [0.5, 0.2], [0.5, 0.8]);
    await expect.poll(async () => (await state()).logits.filter((x, i) => x > before[i] + 1).length).toBeGreaterThanOrEqual(38);
    expect((await state()).yTrue.reduce((a, b) => a + b, 0)).toBe(0);
    await expectShownValuesMatchNode();
  });

  it('computes on webgl when asked and WebGL exists (software WebGL here), with the values segloss gives in Node', async () => {
    const p = await openPage('?backend=webgl');
    try {
      const webgl = await p.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
      expect(await p.getByTestId('backend').textContent()).toBe(webgl ? 'webgl' : 'cpu');
      await expectShownValuesMatchNode(p);
    } finally {
      await p.close();
    }
  });

  it('computes on wasm when asked, with the values segloss gives in Node', async () => {
    const p = await openPage('?backend=wasm');
    try {
      expect(await p.getByTestId('backend').textContent()).toBe('wasm');
      await expectShownValuesMatchNode(p);
    } finally {
      await p.close();
    }
  });

  it('falls back to cpu when the requested backend cannot start', async () => {
    const p = await openPage('?backend=nosuchbackend');
    try {
      expect(await p.getByTestId('backend').textContent()).toBe('cpu');
      expect((await state(p)).losses.length).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });

  it('logged no console error, page error or failed request', () => {
    expect(consoleErrors).toEqual([]);
  });
});
