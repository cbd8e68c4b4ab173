// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from src/ with the TypeScript compiler.
// Each output folder gets a package.json naming its module type, so Node reads both correctly.
// Then bundles the ready-made browser builds into dist/browser (scripts/browserBuild.mjs).
// First compiles the SIMD kernels (src/kernels/simd/seglossSimd.wat) into a generated module.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

execFileSync(process.execPath, [join('scripts', 'wasm.mjs')], { stdio: 'inherit' });
const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(
  process.execPath,
  [tsc, '-p', 'tsconfig.json', '--module', 'commonjs', '--moduleResolution', 'node', '--outDir', 'dist/cjs'],
  { stdio: 'inherit' },
);
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');

// CommonJS type declarations must be .d.cts next to a "type": "module" package root.
function renameDts(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) renameDts(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8').replace(/from '(\.[^']*)\.js'/g, "from '$1.cjs'");
      writeFileSync(path.replace(/\.d\.ts$/, '.d.cts'), text);
      rmSync(path);
    }
  }
}
renameDts('dist/cjs');

// The browser builds (dist/browser): an ES module for CDNs and a global `segloss` script.
const { buildBrowser } = await import('./browserBuild.mjs');
await buildBrowser('dist');
