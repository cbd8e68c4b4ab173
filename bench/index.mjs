// segloss benchmark: median forward + backward time and peak tensor memory of every case of
// perf-cases.json on the cpu and wasm backends — segloss (fused kernels), segloss with the fused
// kernels switched off (composite path, closed-form gradients), and the naive op-by-op version —
// plus PyTorch (single thread) when /usr/bin/python3 has torch, and time growth with input size.
// Times are medians of wall-clock and of process CPU time per call; the ratios use CPU time,
// which stays meaningful when other work shares the machine (the load average is printed).
//
// Run:  npm run bench            (builds first; imports the built dist/esm/index.js)
// Env:  BACKENDS=cpu,wasm  TORCH=0 (skip PyTorch)  GROWTH=0 (skip growth)  QUICK=1 (fewer runs)
//       ONLY=diceLoss,bceLoss (only these cases)
//       TORCH_REF=<dir of perf_torch.py and reference.py> (default ../shared/reference)
//       JSON=<file> (also write the results as JSON)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as segloss from '../dist/esm/index.js';
import { setFusedKernels } from '../dist/esm/kernels/register.js';
import { naiveFor } from './naive.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// glibc's malloc hands large blocks back to the OS on free by default, so each fresh 2 MB array
// (every cpu-backend tensor) pays page faults; the benchmark runs with the same malloc settings
// as the PyTorch timings (re-running itself with them when they are not set).
if (process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
  const run = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1073741824' },
  });
  process.exit(run.status ?? 1);
}
const BACKENDS = (process.env.BACKENDS ?? 'cpu,wasm').split(',');
const QUICK = process.env.QUICK === '1';
const ONLY = process.env.ONLY?.split(',');
// perf-cases-v13.json: the v1.3 losses (no fused kernels: "fusedKernels": false skips the composite column).
const CASES = ['perf-cases.json', 'perf-cases-v13.json']
  .flatMap((file) => JSON.parse(readFileSync(join(here, file), 'utf8')))
  .filter((c) => !ONLY || ONLY.includes(c.fn));
const TORCH_REF = resolve(process.env.TORCH_REF ?? join(here, '..', '..', 'shared', 'reference'));
const results = { date: new Date().toISOString(), machine: machine(), cases: [], growth: [] };

function machine() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.version.tfjs}`;
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const shortOptions = (o) => JSON.stringify(o, (k, v) => (k === 'distanceMatrix' ? `${v.length}×${v.length}` : v));
const label = (c) => `${c.fn}${Object.keys(c.options).length ? ' ' + shortOptions(c.options) : ''} [${c.shape}]`;

/** Inputs of a case: logits ~ N(0, 3²), binary targets with 10 % positives or uniform labels. */
function inputs(c, seed = 1) {
  return tf.tidy(() => {
    const yPred = tf.mul(tf.randomNormal(c.shape, 0, 1, 'float32', seed), 3);
    if (c.target === 'binary') return { yTrue: tf.cast(tf.less(tf.randomUniform(c.shape, 0, 1, 'float32', seed + 1), 0.1), 'float32'), yPred };
    const C = c.shape[c.shape.length - 1];
    return { yTrue: tf.cast(tf.floor(tf.randomUniform(c.shape.slice(0, -1), 0, C - 1e-3, 'float32', seed + 1)), 'int32'), yPred };
  });
}

/** Median wall and CPU ms of forward + backward, and peak tensor bytes of one call / bytes of yPred. */
async function measure(loss, yTrue, yPred) {
  const step = () => tf.tidy(() => tf.grad((x) => loss(yTrue, x))(yPred));
  // Warm-up: JIT tiers (the WebAssembly kernels are recompiled optimised in the background after
  // their first calls) and the allocator settle.
  const warm = performance.now() + (QUICK ? 200 : 500);
  for (let i = 0; i < 3 || performance.now() < warm; i++) step().dispose();
  const times = [];
  const cpuTimes = [];
  const budget = performance.now() + (QUICK ? 1000 : 3000);
  while (times.length < (QUICK ? 3 : 5) || (performance.now() < budget && times.length < 30)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const g = step();
    g.dataSync();
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((c.user + c.system) / 1000);
    g.dispose();
  }
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => step());
  info.result.dispose();
  if (tf.memory().numTensors !== before) throw new Error('bench: a call leaked tensors');
  return { ms: median(times), cpuMs: median(cpuTimes), mem: info.peakBytes / (yPred.size * 4) };
}

function runTorch(cases) {
  if (process.env.TORCH === '0') return { note: 'PyTorch skipped (TORCH=0)' };
  if (!existsSync(join(TORCH_REF, 'reference.py'))) return { note: `PyTorch skipped: ${join(TORCH_REF, 'reference.py')} not found (set TORCH_REF)` };
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { note: 'PyTorch skipped: /usr/bin/python3 has no torch (apt-get install python3-torch)' };
  const file = join(mkdtempSync(join(tmpdir(), 'segloss-bench-')), 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const out = execFileSync('/usr/bin/python3', [join(here, 'torch_time.py'), TORCH_REF, file, '1'], {
    encoding: 'utf8',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1073741824', OMP_NUM_THREADS: '1' },
    maxBuffer: 1 << 24,
  });
  return { rows: out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}

const fmt = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(1)}×`);

async function main() {
  console.log(`segloss bench — ${results.date}\n${results.machine}\nload average at start: ${load()}\n`);
  const available = CASES.filter((c) => typeof segloss[c.fn] === 'function');
  for (const c of CASES) if (!available.includes(c)) console.log(`note: ${c.fn} is not exported by segloss yet — skipped`);

  console.log('PyTorch (1 thread) …');
  const torch = runTorch(available);
  if (torch.note) console.log(torch.note);
  const torchRows = torch.rows ?? [];

  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    await tf.ready();
    console.log(`\n## ${backend} (load average ${load()})`);
    console.log('Times: median ms per forward + backward, CPU time (wall-clock in brackets). Memory: peak tensor bytes / bytes of yPred.');
    console.log('| case | fused | composite | naive | PyTorch 1 thread | fused / PyTorch | naive / fused | memory fused · composite · naive |');
    console.log('| --- | --: | --: | --: | --: | --: | --: | --- |');
    for (const [i, c] of available.entries()) {
      const { yTrue, yPred } = inputs(c);
      const loss = segloss[c.fn](c.options);
      setFusedKernels(true);
      const fused = await measure(loss, yTrue, yPred);
      let composite = fused;
      if (c.fusedKernels !== false) {
        setFusedKernels(false);
        composite = await measure(loss, yTrue, yPred);
        setFusedKernels(true);
      }
      const naiveFn = naiveFor(c);
      const naive = naiveFn ? await measure(naiveFn, yTrue, yPred) : undefined;
      tf.dispose([yTrue, yPred]);
      const torchRow = torchRows[i];
      results.cases.push({ backend, case: label(c), fused, composite, naive, torch: torchRow, load: load() });
      const both = (m) => (m ? `${fmt(m.cpuMs)} (${fmt(m.ms)})` : '—');
      console.log(
        `| ${label(c)} | ${both(fused)} | ${both(composite)} | ${both(naive)} | ${torchRow ? `${fmt(torchRow.cpuMs, 2)} (${fmt(torchRow.ms, 2)})` : '—'} | ${ratio(fused.cpuMs, torchRow?.cpuMs)} | ${ratio(naive?.cpuMs, fused.cpuMs)} | ${fmt(fused.mem)} · ${fmt(composite.mem)} · ${fmt(naive?.mem)} |`,
      );
    }
  }

  if (process.env.GROWTH !== '0') await growth();
  if (process.env.JSON) writeFileSync(process.env.JSON, JSON.stringify(results, null, 2));
}

/** Time per element as the input grows (segloss, fused path where the backend has it). */
async function growth() {
  const shapes = [
    [1, 64, 64, 4],
    [2, 128, 128, 4],
    [4, 192, 192, 4],
    [1, 96, 96, 96, 4],
  ];
  const families = [
    { name: 'diceLoss multilabel (region, sigmoid)', fn: 'diceLoss', options: { mode: 'multilabel' }, target: 'binary' },
    { name: 'focalLoss multilabel (elementwise, sigmoid)', fn: 'focalLoss', options: { mode: 'multilabel' }, target: 'binary' },
    { name: 'crossEntropyLoss (softmax)', fn: 'crossEntropyLoss', options: {}, target: 'index' },
    { name: 'diceLoss multiclass (region, softmax)', fn: 'diceLoss', options: { mode: 'multiclass' }, target: 'index' },
    { name: 'lovaszHingeLoss (n log n)', fn: 'lovaszHingeLoss', options: {}, target: 'binary', C: 1 },
    { name: 'lovaszSoftmaxLoss (n log n)', fn: 'lovaszSoftmaxLoss', options: {}, target: 'index' },
  ].filter((f) => typeof segloss[f.fn] === 'function');
  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    await tf.ready();
    console.log(`\n## growth with input size on ${backend} (segloss; median CPU ms per forward + backward; load average ${load()})`);
    console.log(`| loss | ${shapes.map((s) => `[${s}]`).join(' | ')} |`);
    console.log(`| --- | ${shapes.map(() => '--:').join(' | ')} |`);
    for (const f of families) {
      const cells = [];
      for (const s of shapes) {
        const shape = f.C ? [...s.slice(0, -1), f.C] : s;
        const c = { ...f, shape };
        const { yTrue, yPred } = inputs(c);
        const m = await measure(segloss[f.fn](f.options), yTrue, yPred);
        tf.dispose([yTrue, yPred]);
        results.growth.push({ backend, loss: f.name, shape, ms: m.ms, mem: m.mem });
        cells.push(`${fmt(m.cpuMs)} ms (${fmt((m.cpuMs * 1e6) / yPred.size, 1)} ns/el)`);
      }
      console.log(`| ${f.name} | ${cells.join(' | ')} |`);
    }
  }
}

await main();
