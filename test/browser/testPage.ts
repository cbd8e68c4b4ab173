/**
 * Builds the browser test page (./page) with Vite's JS API against the BUILT package (segloss
 * resolves through package.json's `exports` to dist/esm, as in a user's bundle), serves it and
 * the golden fixtures from 127.0.0.1, and opens it in Chromium with WebGL2 and WebGPU on
 * SwiftShader. Needs `npm run build` first (`npm test` does it).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium, SOFTWARE_GPU } from '../helpers/chromium';
import { FIXTURE_DIR } from '../helpers/fixtures';
import { serveStatic, type StaticServer } from '../helpers/staticServer';
import type { PageApi, ReplayRow } from './page/pageApi';

const REPO = resolve(__dirname, '../..');
const DIST = join(REPO, 'dist/esm/index.js');

/** The newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    t = Math.max(t, s.isDirectory() ? newest(path) : s.mtimeMs);
  }
  return t;
}

/** A built, served page and a browser to open it in. */
export interface TestPage {
  /** Opens the page with `query` (e.g. `?backend=webgpu`) and waits until its backend is ready. */
  open(query: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startTestPage(): Promise<TestPage> {
  if (!existsSync(DIST)) throw new Error(`browser tests: ${DIST} is missing; run npm run build first`);
  if (newest(join(REPO, 'src')) > statSync(DIST).mtimeMs) {
    throw new Error('browser tests: src/ is newer than dist/; run npm run build first (the page bundles the built package)');
  }
  const outDir = mkdtempSync(join(tmpdir(), 'segloss-browser-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    await build({
      configFile: false,
      root: join(__dirname, 'page'),
      base: './',
      logLevel: 'error',
      resolve: { alias: [{ find: /^segloss$/, replacement: REPO }] },
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000, target: 'es2022' },
    });
    server = await serveStatic({ '/page/': outDir, '/fixtures/': FIXTURE_DIR });
    browser = await launchChromium(SOFTWARE_GPU);
  } catch (e) {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
  const origin = server.origin;
  const b = browser;
  return {
    async open(query: string): Promise<Page> {
      const page = await b.newPage();
      page.on('pageerror', (e) => console.error(`browser page error: ${e.message}`));
      await page.goto(`${origin}/page/index.html${query}`);
      await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.error !== undefined, null, { timeout: 60_000 });
      const error = await page.evaluate(() => document.body.dataset.error);
      if (error !== undefined) throw new Error(`browser test page (${query}) did not start: ${error}`);
      return page;
    },
    async close(): Promise<void> {
      await b.close();
      await server!.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Calls the page's `window.__segloss[name](...args)`. */
export function callPage<K extends keyof PageApi>(page: Page, name: K, ...args: Parameters<PageApi[K]>): Promise<Awaited<ReturnType<PageApi[K]>>> {
  return page.evaluate(
    ([n, a]) => (window as unknown as { __segloss: Record<string, (...x: unknown[]) => unknown> }).__segloss[n as string](...(a as unknown[])),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
}

/**
 * Replays every case of `files` on the page opened with `query`, in as few pages as it takes: when
 * a case throws and the backend cannot restart, the rest run in a fresh page.
 */
export async function replayAll(testPage: TestPage, query: string, files: string[]): Promise<ReplayRow[]> {
  const rows: ReplayRow[] = [];
  for (;;) {
    const page = await testPage.open(query);
    try {
      const more = await callPage(page, 'replay', files, rows.length);
      rows.push(...more);
      if (more.length === 0 || !more[more.length - 1].threw || rows.length === (await callPage(page, 'caseCount', files))) return rows;
    } finally {
      await page.close();
    }
  }
}
