// What segloss adds to a browser app's bundle: each case is a one-line app bundled the way Vite 8
// builds for production (rolldown, the browser's resolve conditions, minified with oxc), with
// @tensorflow/* external, against the built package (`npm run build` first). Prints, per case,
// the minified and gzipped bytes a page loads at start and those of the chunks it loads only on
// demand (the fused cpu/wasm kernels); exits 1 when a case loads more at start than its budget.
//
// Run:  npm run size            (builds first)
//       node scripts/size.mjs --json
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Vite 8's resolve conditions for a production client build. */
export const BROWSER_CONDITIONS = ['import', 'module', 'browser', 'production', 'default'];

/**
 * The cases: the app's source, and the most minified bytes it may load at start. The budgets leave
 * some room above the sizes measured when they were set (README, "Bundle size").
 */
export const SIZE_CASES = [
  { name: 'diceLoss alone', source: "import { diceLoss } from 'segloss';\nexport const loss = diceLoss();", budget: 24_000 },
  { name: 'the whole API (every loss and metric)', source: "export * from 'segloss';", budget: 100_000 },
  {
    name: 'diceLoss, kernels at start',
    source: "import 'segloss/kernels';\nimport { diceLoss } from 'segloss';\nexport const loss = diceLoss();",
    budget: 110_000,
  },
  { name: 'the whole API, kernels at start', source: "import 'segloss/kernels';\nexport * from 'segloss';", budget: 175_000 },
];

const bytes = (code) => ({ min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });
const add = (a, b) => ({ min: a.min + b.min, gzip: a.gzip + b.gzip });

/**
 * Bundles one app and splits its chunks into those loaded at start (the entry and what it imports
 * statically) and those loaded on demand (behind a dynamic `import()`).
 */
export async function measure(source, cwd) {
  const input = join(cwd, `app-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(input, source);
  const bundle = await rolldown({
    input,
    cwd,
    platform: 'browser',
    external: (id) => id.startsWith('@tensorflow/'),
    resolve: { conditionNames: BROWSER_CONDITIONS },
    logLevel: 'silent',
  });
  try {
    const { output } = await bundle.generate({ format: 'es', minify: true });
    const chunks = output.filter((o) => o.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const entry = chunks.find((c) => c.isEntry);
    const atStart = new Set();
    const visit = (c) => {
      if (atStart.has(c.fileName)) return;
      atStart.add(c.fileName);
      for (const name of c.imports) if (byName.has(name)) visit(byName.get(name));
    };
    visit(entry);
    const zero = { min: 0, gzip: 0 };
    const start = chunks.filter((c) => atStart.has(c.fileName));
    const onDemand = chunks.filter((c) => !atStart.has(c.fileName));
    return {
      start: start.map((c) => bytes(c.code)).reduce(add, zero),
      onDemand: onDemand.map((c) => bytes(c.code)).reduce(add, zero),
      startCode: start.map((c) => c.code).join('\n'),
      onDemandCode: onDemand.map((c) => c.code).join('\n'),
    };
  } finally {
    await bundle.close();
    rmSync(input);
  }
}

/** A throw-away project whose node_modules/segloss is this repository (as `npm install` would place the package). */
export function consumerProject() {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-size-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'segloss'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'size-app', private: true, type: 'module' }));
  return dir;
}

/** Measures every case of {@link SIZE_CASES}. */
export async function measureAll() {
  const dir = consumerProject();
  try {
    const rows = [];
    for (const c of SIZE_CASES) {
      const { start, onDemand } = await measure(c.source, dir);
      rows.push({ name: c.name, budget: c.budget, start, onDemand, over: start.min > c.budget });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kB = (n) => (n / 1000).toFixed(1);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measureAll();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('| app | loaded at start, min (gzip) kB | loaded on first cpu/wasm call, min (gzip) kB | budget at start, min kB |');
    console.log('|---|---|---|---|');
    for (const r of rows) {
      const later = r.onDemand.min ? `${kB(r.onDemand.min)} (${kB(r.onDemand.gzip)})` : '—';
      console.log(`| ${r.name} | ${kB(r.start.min)} (${kB(r.start.gzip)}) | ${later} | ${kB(r.budget)} |`);
    }
  }
  const over = rows.filter((r) => r.over);
  for (const r of over) console.error(`scripts/size.mjs: ${r.name} must load at most ${r.budget} bytes at start, got ${r.start.min}.`);
  process.exit(over.length ? 1 : 0);
}
