/**
 * The ready-made browser builds (dist/browser, `npm run build`) in Debian's Chromium, as a page
 * without a bundler uses them: served from a tiny local server with tfjs's own builds from
 * node_modules, driven by playwright-core.
 *
 * - segloss.min.js after tfjs's UMD build (tf.min.js) defines the global `segloss`, which reads
 *   the global `tf` and has the fused kernels registered from the start.
 * - segloss.esm.js from `<script type="module">`, with an import map pointing
 *   `@tensorflow/tfjs-core` at tfjs's ES module build (tf.fesm.min.js): on `webgl` the kernels'
 *   chunk is never fetched; on `cpu` the first call fetches it and the later calls run them.
 *
 * Each value and gradient equals the one segloss computes in Node on the cpu backend.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index';
import { useBackend } from '../helpers/backends';

const REPO = resolve(__dirname, '../..');
const CHROMIUM = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';
const TFJS = join(REPO, 'node_modules/@tensorflow/tfjs/dist');
const KERNELS_CHUNK = '/segloss/segloss-kernels.esm.js';

const PAGES: Record<string, string> = {
  '/global.html': `<!doctype html><meta charset="utf-8"><title>global</title>
<script src="/vendor/tf.min.js"></script>
<script src="/segloss/segloss.min.js"></script>`,
  '/esm.html': `<!doctype html><meta charset="utf-8"><title>esm</title>
<script type="importmap">{ "imports": { "@tensorflow/tfjs-core": "/vendor/tf.fesm.min.js" } }</script>
<script type="module">
  import * as tf from '@tensorflow/tfjs-core';
  import * as segloss from '/segloss/segloss.esm.js';
  Object.assign(window, { tf, segloss });
</script>`,
};

/** Where each served path comes from. */
function fileFor(path: string): string | null {
  if (path === '/vendor/tf.min.js' || path === '/vendor/tf.fesm.min.js') return join(TFJS, path.slice('/vendor/'.length));
  const m = /^\/segloss\/([\w.-]+\.js)$/.exec(path);
  return m ? join(REPO, 'dist/browser', m[1]) : null;
}

/** One loss call, as data the page can rebuild. */
interface Case {
  fn: 'diceLoss' | 'crossEntropyLoss';
  options: Record<string, unknown>;
  yTrue: number[];
  trueShape: number[];
  trueDtype: 'float32' | 'int32';
  logits: number[];
  predShape: number[];
}

interface Result {
  value: number;
  grad: number[];
  kernels: string[];
  leaked: number;
}

/** Deterministic inputs: logits in (−4, 4), a binary mask and 3-class labels. */
const CASES: Case[] = (() => {
  const logits = (n: number) => Array.from({ length: n }, (_, i) => 4 * Math.sin(1.7 * i + 0.3));
  const binary = Array.from({ length: 2 * 8 * 8 }, (_, i) => ((i * 7) % 11 < 4 ? 1 : 0));
  const labels = Array.from({ length: 2 * 8 * 8 }, (_, i) => (i * 5) % 3);
  return [
    { fn: 'diceLoss', options: {}, yTrue: binary, trueShape: [2, 8, 8, 1], trueDtype: 'float32', logits: logits(128), predShape: [2, 8, 8, 1] },
    { fn: 'crossEntropyLoss', options: { mode: 'multiclass' }, yTrue: labels, trueShape: [2, 8, 8], trueDtype: 'int32', logits: logits(384), predShape: [2, 8, 8, 3] },
  ];
})();

/** Runs the cases in the page on `backend`: value, gradient, the kernels the call ran, tensors left behind. */
async function runInPage(page: Page, backend: string): Promise<Result[]> {
  return page.evaluate(
    async ({ backend, cases }) => {
      type Tf = typeof import('@tensorflow/tfjs-core');
      const { tf, segloss } = window as unknown as { tf: Tf; segloss: Record<string, (o: unknown) => (a: unknown, b: unknown) => ReturnType<Tf['scalar']>> };
      if (!(await tf.setBackend(backend))) throw new Error(`page: could not initialise ${backend}`);
      const out = [];
      for (const c of cases) {
        const yTrue = tf.tensor(c.yTrue, c.trueShape, c.trueDtype);
        const yPred = tf.tensor(c.logits, c.predShape);
        const loss = segloss[c.fn](c.options);
        const before = tf.memory().numTensors;
        const info = await tf.profile(() => loss(yTrue, yPred));
        const value = (await (info.result as ReturnType<Tf['scalar']>).data())[0];
        (info.result as ReturnType<Tf['scalar']>).dispose();
        const g = tf.grad((x) => loss(yTrue, x))(yPred);
        const grad = Array.from(await g.data());
        g.dispose();
        const leaked = tf.memory().numTensors - before;
        tf.dispose([yTrue, yPred]);
        out.push({ value, grad, kernels: info.kernels.map((k) => k.name), leaked });
      }
      return out;
    },
    { backend, cases: CASES },
  );
}

/** The same cases in Node, on the cpu backend. */
function nodeResults(): { value: number; grad: number[] }[] {
  return CASES.map((c) =>
    tf.tidy(() => {
      const yTrue = tf.tensor(c.yTrue, c.trueShape, c.trueDtype);
      const yPred = tf.tensor(c.logits, c.predShape);
      const loss = (segloss[c.fn] as (o: unknown) => segloss.LossFn)(c.options);
      return { value: loss(yTrue, yPred).dataSync()[0], grad: Array.from(tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred).dataSync()) };
    }),
  );
}

/** Value within `rtol` of Node's, gradient within `rtol`·max|Node's gradient|, nothing leaked. */
function expectLikeNode(got: Result[], rtol: number): void {
  const want = nodeResults();
  got.forEach((r, i) => {
    const label = CASES[i].fn;
    expect(Math.abs(r.value - want[i].value), `${label}: page ${r.value}, Node ${want[i].value}`).toBeLessThanOrEqual(rtol * Math.abs(want[i].value));
    const scale = Math.max(...want[i].grad.map(Math.abs));
    const worst = Math.max(...r.grad.map((g, j) => Math.abs(g - want[i].grad[j])));
    expect(worst, `${label}: largest gradient difference`).toBeLessThanOrEqual(rtol * scale);
    expect(r.leaked, `${label}: tensors left behind`).toBe(0);
  });
}

const seglossKernels = (r: Result[]) => r.flatMap((x) => x.kernels.filter((k) => k.startsWith('Segloss')));

let server: Server;
let base: string;
let browser: Browser;
const requested: string[] = [];
const pageErrors: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${path}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${path}: ${m.text()}`);
  });
  await page.goto(base + path);
  await page.waitForFunction(() => 'segloss' in window && 'tf' in window);
  return page;
}

beforeAll(async () => {
  await useBackend('cpu');
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const page = PAGES[path];
    const file = fileFor(path);
    if (path === '/favicon.ico') res.writeHead(204).end();
    else if (page !== undefined) res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (file) res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // WebGL through SwiftShader (no GPU needed).
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

describe('dist/browser in Chromium', () => {
  it('segloss.min.js after tfjs’s tf.min.js defines the global segloss, whose losses run the fused kernels on cpu from the first call and equal Node’s', async () => {
    const page = await open('/global.html');
    expect(await page.evaluate(() => typeof (window as unknown as { segloss: { diceLoss: unknown } }).segloss.diceLoss)).toBe('function');
    const results = await runInPage(page, 'cpu');
    expect(seglossKernels(results)).toEqual(['SeglossSigmoidStats', 'SeglossSoftmaxStats']);
    expectLikeNode(results, 1e-5);
    await page.close();
    expect(requested).not.toContain(KERNELS_CHUNK);
    expect(pageErrors).toEqual([]);
  });

  it('segloss.esm.js with an import map computes Node’s values on webgl and never fetches the kernels’ chunk', async () => {
    const page = await open('/esm.html');
    const results = await runInPage(page, 'webgl');
    expect(await page.evaluate(() => (window as unknown as { tf: typeof tf }).tf.getBackend())).toBe('webgl');
    expect(seglossKernels(results)).toEqual([]);
    expectLikeNode(results, 1e-4);
    await page.close();
    expect(requested).toContain('/segloss/segloss.esm.js');
    expect(requested).not.toContain(KERNELS_CHUNK);
    expect(pageErrors).toEqual([]);
  });

  it('segloss.esm.js on cpu: the first call takes the composite path and fetches the kernels’ chunk, the later calls run the fused kernels; all equal Node’s', async () => {
    const page = await open('/esm.html');
    const first = await runInPage(page, 'cpu');
    expect(seglossKernels(first)).toEqual([]);
    expectLikeNode(first, 1e-5);
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/segloss-kernels.esm.js') && (e as PerformanceResourceTiming).responseEnd > 0));
    expect(requested).toContain(KERNELS_CHUNK);
    let later = await runInPage(page, 'cpu');
    // The chunk is fetched; its evaluation follows in a task of its own.
    for (let i = 0; i < 50 && seglossKernels(later).length === 0; i++) {
      await page.waitForTimeout(20);
      later = await runInPage(page, 'cpu');
    }
    expect(seglossKernels(later)).toEqual(['SeglossSigmoidStats', 'SeglossSoftmaxStats']);
    expectLikeNode(later, 1e-5);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
