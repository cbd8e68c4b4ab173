// Times two builds of segloss case by case in the same process, interleaved, and prints the
// medians side by side: the check that a refactoring left the speed where it was.
//
// Run:  node bench/compare.mjs <distA> <distB>     (each a dist/ folder built by `npm run build`)
//       e.g. node bench/compare.mjs /tmp/seams-base/dist dist
// Env:  BACKENDS=cpu,wasm  ROUNDS=15 (alternations per case)  ONLY=diceLoss,bceLoss  WHY=jsFast,general
//       (WHY keeps only the strategy cases below with that `why`)
//
// Both builds register the same `Segloss*` kernel names, and a build registers a kernel only when
// none is registered yet; so before each timing the kernels are unregistered and the build under
// test registers its own. Each round times A then B or B then A (alternating), a few calls each,
// so that drift in the machine's load hits both alike. Cases: bench/perf-cases.json, plus one
// case per strategy of the sigmoid kernels that those do not reach (lanes, JavaScript fast loop,
// general loop). Times are per-call CPU-time medians of forward + backward with their interquartile
// range, and the wall-clock median; on a loaded machine, compare B / A across runs, not one run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The same malloc settings as bench/index.mjs (see there).
if (process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
  const run = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1073741824' },
  });
  process.exit(run.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
const [distA, distB] = process.argv.slice(2);
if (!distA || !distB) {
  console.error('usage: node bench/compare.mjs <distA> <distB>');
  process.exit(2);
}
const BACKENDS = (process.env.BACKENDS ?? 'cpu,wasm').split(',');
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const CALLS = 2;
const ONLY = process.env.ONLY?.split(',');
const WHY = process.env.WHY?.split(',');
const EXTRA = [
  { fn: 'diceLoss', options: { mode: 'multilabel' }, shape: [4, 128, 128, 4], target: 'binary', why: 'lanes' },
  { fn: 'focalLoss', options: { mode: 'multilabel' }, shape: [4, 128, 128, 4], target: 'binary', why: 'lanes' },
  { fn: 'bceLoss', options: { mode: 'multilabel' }, shape: [4, 128, 128, 3], target: 'binary', why: 'jsFast' },
  { fn: 'diceLoss', options: { squared: true }, shape: [8, 256, 256, 1], target: 'binary', why: 'general' },
  { fn: 'focalLoss', options: { fromLogits: false }, shape: [8, 256, 256, 1], target: 'binary', why: 'general' },
];
const CASES = [...JSON.parse(readFileSync(join(here, 'perf-cases.json'), 'utf8')), ...EXTRA].filter((c) => (!ONLY || ONLY.includes(c.fn)) && (!WHY || WHY.includes(c.why)));

async function load(dist) {
  const root = resolve(dist, 'esm');
  const url = (f) => pathToFileURL(join(root, f)).href;
  const [api, reg] = await Promise.all([import(url('index.js')), import(url('kernels/register.js'))]);
  return { name: dist, api, reg };
}

/** Makes `build`'s kernels the registered ones for the active backend. */
function use(build) {
  const backendName = tf.getBackend();
  for (const kernelName of build.reg.SEGLOSS_KERNELS) if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  build.reg.registerSeglossKernels();
}

function inputs(c) {
  return tf.tidy(() => {
    const yPred = tf.mul(tf.randomNormal(c.shape, 0, 1, 'float32', 1), 3);
    const p = c.options.fromLogits === false ? tf.sigmoid(yPred) : yPred;
    if (c.target === 'binary') return { yTrue: tf.cast(tf.less(tf.randomUniform(c.shape, 0, 1, 'float32', 2), 0.1), 'float32'), yPred: p };
    const C = c.shape[c.shape.length - 1];
    return { yTrue: tf.cast(tf.floor(tf.randomUniform(c.shape.slice(0, -1), 0, C - 1e-3, 'float32', 2)), 'int32'), yPred: p };
  });
}

/** The q-quantile of xs (linear interpolation). */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = q * (s.length - 1);
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
const median = (xs) => quantile(xs, 0.5);

function timeCalls(loss, yTrue, yPred, into) {
  const step = () => tf.tidy(() => tf.grad((x) => loss(yTrue, x))(yPred));
  step().dispose(); // warm after the kernel switch
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const g = step();
    g.dataSync();
    const c = process.cpuUsage(c0);
    into.ms.push(performance.now() - t0);
    into.cpu.push((c.user + c.system) / 1000);
    g.dispose();
  }
}

const builds = [await load(distA), await load(distB)];
const c0 = cpus();
console.log(`segloss compare — ${new Date().toISOString()}\n${c0.length} × ${c0[0]?.model}, Node ${process.version}, tfjs ${tf.version.tfjs}`);
console.log(`A = ${distA}\nB = ${distB}\n${ROUNDS} rounds × ${CALLS} calls per build and case, interleaved`);
console.log('CPU ms per forward + backward: median [interquartile range] (wall-clock median)');
for (const backend of BACKENDS) {
  await tf.setBackend(backend);
  await tf.ready();
  console.log(`\n## ${backend} (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  console.log('| case | A ms | B ms | B / A |');
  console.log('| --- | --: | --: | --: |');
  for (const c of CASES) {
    const { yTrue, yPred } = inputs(c);
    const losses = builds.map((b) => b.api[c.fn](c.options));
    const samples = builds.map(() => ({ ms: [], cpu: [] }));
    // Warm-up (JIT tiers, the WebAssembly kernels' optimised recompilation, the allocator).
    for (const k of [0, 1]) {
      use(builds[k]);
      const until = performance.now() + 400;
      while (performance.now() < until) timeCalls(losses[k], yTrue, yPred, { ms: [], cpu: [] });
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of r % 2 ? [1, 0] : [0, 1]) {
        use(builds[k]);
        timeCalls(losses[k], yTrue, yPred, samples[k]);
      }
    }
    tf.dispose([yTrue, yPred]);
    const [a, b] = samples.map((s) => ({ cpu: median(s.cpu), lo: quantile(s.cpu, 0.25), hi: quantile(s.cpu, 0.75), ms: median(s.ms) }));
    const cell = (m) => `${m.cpu.toFixed(1)} [${m.lo.toFixed(1)}–${m.hi.toFixed(1)}] (${m.ms.toFixed(1)})`;
    const label = `${c.fn}${Object.keys(c.options).length ? ' ' + JSON.stringify(c.options) : ''} [${c.shape}]${c.why ? ` (${c.why})` : ''}`;
    console.log(`| ${label} | ${cell(a)} | ${cell(b)} | ${(b.cpu / a.cpu).toFixed(2)} |`);
  }
}
