// The ready-made browser builds in dist/browser, bundled by rolldown (Vite 8's bundler) from the
// ES modules that tsc wrote to dist/esm, minified, with TensorFlow.js left out:
//
// - segloss.esm.js: an ES module for `<script type="module">` (from a CDN or a server), importing
//   `@tensorflow/tfjs-core` by name (an import map says where it is). The fused cpu/wasm kernels
//   are in segloss-kernels.esm.js beside it, fetched only on a first loss call on cpu or wasm
//   (segloss-shared.esm.js holds the few modules both use).
// - segloss.min.js: a classic script that defines the global `segloss`, read after tfjs's own UMD
//   build (tf.min.js), whose global `tf` it uses. One file, so the kernels are in it, registered
//   when it runs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { rolldown } from 'rolldown';

const TFJS_CORE = '@tensorflow/tfjs-core';

/** Bundles one build; `output` takes rolldown's output options. */
async function bundle(input, output) {
  const build = await rolldown({
    input,
    platform: 'browser',
    external: (id) => {
      if (id === TFJS_CORE) return true;
      if (id.startsWith('@tensorflow/')) throw new Error(`scripts/browserBuild.mjs: ${input} must import tfjs only as '${TFJS_CORE}', got '${id}'.`);
      return false;
    },
    logLevel: 'warn',
  });
  try {
    await build.write({ minify: true, ...output });
  } finally {
    await build.close();
  }
}

/** Writes dist/browser from dist/esm (which must be built). */
export async function buildBrowser(dist = 'dist') {
  const out = join(dist, 'browser');
  rmSync(out, { recursive: true, force: true });
  await bundle(join(dist, 'esm', 'index.js'), {
    dir: out,
    format: 'es',
    entryFileNames: 'segloss.esm.js',
    // The kernels' chunk, and the few modules it shares with the entry (their dispatch).
    chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'segloss-kernels.esm.js' : 'segloss-shared.esm.js'),
  });
  await bundle(join(dist, 'esm', 'withKernels.js'), {
    file: join(out, 'segloss.min.js'),
    format: 'iife',
    name: 'segloss',
    globals: { [TFJS_CORE]: 'tf' },
    codeSplitting: false,
  });
}
