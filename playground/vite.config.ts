import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

// The page imports segloss from ../src (TypeScript, bundled by Vite) and tfjs from node_modules.
export default defineConfig({
  root,
  base: './', // relative asset paths: dist/ works from any static server or sub-folder
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { fs: { allow: [repo] } },
});
