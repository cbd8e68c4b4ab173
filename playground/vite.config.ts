import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * The two headers that make a page cross-origin isolated (`crossOriginIsolated`), which the
 * threaded SIMD build of the wasm backend needs (SharedArrayBuffer). Any host of `dist/` must
 * send them for compare.html to run wasm on several threads; without them it runs single-threaded.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The pages import segloss (and the CLI's portable core) from ../src (TypeScript, bundled by
// Vite) and tfjs from node_modules. Two pages: the loss playground and the browser compare.
export default defineConfig({
  root,
  base: './', // relative asset paths: dist/ works from any static server or sub-folder
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { input: { index: `${root}index.html`, compare: `${root}compare.html` } },
  },
  resolve: {
    // The CLI's flag parser (src/cli/options/parse.ts) uses node:util's parseArgs; the page gets
    // a small stand-in with the same behaviour for the flags the CLI declares.
    alias: { 'node:util': `${root}src/compare/parseArgs.ts` },
  },
  // tfjs-backend-wasm starts its threads from the source text of its (bundled) module factory,
  // which the minifier must leave alone (renamed or folded, `typeof _scriptDir` guards break): the
  // worker bundle is not minified.
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  server: { fs: { allow: [repo] }, headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
