// Old vs new training kernels of enableWasmTraining(), side by side in one process: each kernel at
// the shapes of one training step of the CLI's default U-Net (width 16, depth 3, batch 8 × 128² × 1),
// then whole training steps of that network (bceDiceLoss, Adam) with the old and the new kernels
// alternating. "old" = the kernels as of segloss 811f4fa (bench/wasmKernelsBaseline.mjs) and the wasm
// backend's own SplitV/Concat; "new" = src/wasm as built in dist/. Times are medians of process CPU
// time (user + system; the wasm backend runs one thread in Node), with wall time beside them.
// Run: npm run bench:wasm-kernels   (or node bench/wasmKernels.mjs after a build; options: --repeats 5 --steps 5 --no-step)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

// glibc returns freed blocks to the OS without these, and JS-side copies then pay page faults
// (the same settings as bench/index.mjs).
if (process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
  const child = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1073741824' },
  });
  process.exit(child.status ?? 1);
}

const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
const { conv2DBackpropFilterConv, conv2DBackpropInputZeroInsertion } = await import('./wasmKernelsBaseline.mjs');
const { enableWasmTraining, bceDiceLoss } = await import(process.env.SEGLOSS_ENTRY ?? '../dist/esm/index.js');
const { buildUNet } = await import('../dist/esm/cli/pipeline/model.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const REPEATS = Number(arg('repeats', '5'));
const STEPS = Number(arg('steps', '5'));
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const loadBefore = load();

tf.enableProdMode();
await tf.setBackend('wasm');
await tf.ready();
const own = { SplitV: tf.getKernel('SplitV', 'wasm'), Concat: tf.getKernel('Concat', 'wasm') };
enableWasmTraining();
const NAMES = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'SplitV', 'Concat'];
const fresh = Object.fromEntries(NAMES.map((n) => [n, tf.getKernel(n, 'wasm')]));
const OLD = {
  Conv2DBackpropFilter: conv2DBackpropFilterConv,
  Conv2DBackpropInput: conv2DBackpropInputZeroInsertion,
  SplitV: own.SplitV.kernelFunc,
  Concat: own.Concat.kernelFunc,
};
/** Registers the old or the new kernel functions under the four names (setup functions kept). */
function use(which) {
  for (const n of NAMES) {
    tf.unregisterKernel(n, 'wasm');
    tf.registerKernel(which === 'new' ? fresh[n] : { ...fresh[n], kernelFunc: OLD[n] });
  }
}

const cpuMs = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
};
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** Median CPU and wall ms of `f` under the old and the new kernels, interleaved, after 2 warm-ups each. */
function timeBoth(f, repeats) {
  const rec = { old: { cpu: [], wall: [] }, new: { cpu: [], wall: [] } };
  for (let r = -2; r < repeats; r++) {
    for (const which of ['old', 'new']) {
      use(which);
      const c0 = cpuMs();
      const t0 = performance.now();
      f();
      const t1 = performance.now();
      const c1 = cpuMs();
      if (r >= 0) {
        rec[which].cpu.push(c1 - c0);
        rec[which].wall.push(t1 - t0);
      }
    }
  }
  const out = {};
  for (const w of ['old', 'new']) out[w] = { cpu: median(rec[w].cpu), wall: median(rec[w].wall) };
  return out;
}

// The calls of one training step of the default U-Net that these four names receive (for
// Conv2DBackpropInput only those that changed: 2×2 stride-2 and 1×1 filters).
const B = 8;
const conv = (x, dy, k, s, count = 1) => ({ x: [B, ...x], dy: [B, ...dy], k: [k, k, x[2], dy[2]], s, count });
const filterCases = [
  conv([128, 128, 1], [128, 128, 16], 3, 1),
  conv([128, 128, 16], [128, 128, 16], 3, 1, 2),
  conv([64, 64, 16], [64, 64, 32], 3, 1),
  conv([64, 64, 32], [64, 64, 32], 3, 1, 2),
  conv([32, 32, 32], [32, 32, 64], 3, 1),
  conv([32, 32, 64], [32, 32, 64], 3, 1, 2),
  conv([16, 16, 64], [16, 16, 128], 3, 1),
  conv([16, 16, 128], [16, 16, 128], 3, 1),
  conv([32, 32, 64], [16, 16, 128], 2, 2), // transposed convs: x is their output's gradient
  conv([32, 32, 128], [32, 32, 64], 3, 1),
  conv([64, 64, 32], [32, 32, 64], 2, 2),
  conv([64, 64, 64], [64, 64, 32], 3, 1),
  conv([128, 128, 16], [64, 64, 32], 2, 2),
  conv([128, 128, 32], [128, 128, 16], 3, 1),
  conv([128, 128, 16], [128, 128, 1], 1, 1),
];
const levels = [[128, 16], [64, 32], [32, 64]];
// Conv2DBackpropInput: the transposed convs' forward passes (dy = their input) and the 1×1 logits' gradient.
const inputCases = [
  { dy: [B, 16, 16, 128], k: [2, 2, 64, 128], x: [B, 32, 32, 64], s: 2 },
  { dy: [B, 32, 32, 64], k: [2, 2, 32, 64], x: [B, 64, 64, 32], s: 2 },
  { dy: [B, 64, 64, 32], k: [2, 2, 16, 32], x: [B, 128, 128, 16], s: 2 },
  { dy: [B, 128, 128, 1], k: [1, 1, 16, 1], x: [B, 128, 128, 16], s: 1 },
];

const rows = [];
function measure(kernel, label, count, make) {
  const inputs = make();
  const t = timeBoth(() => tf.tidy(() => {
    const out = tf.engine().runKernel(kernel, inputs.inputs, inputs.attrs);
    (Array.isArray(out) ? out : [out]).forEach((o) => o.dataSync());
  }), REPEATS);
  tf.dispose(Object.values(inputs.inputs));
  rows.push({ kernel, label, count, ...t });
  console.error(`${kernel} ${label}: old ${t.old.cpu.toFixed(1)} ms, new ${t.new.cpu.toFixed(1)} ms`);
}
for (const c of filterCases) {
  measure('Conv2DBackpropFilter', `x [${c.x}], dy [${c.dy}], ${c.k[0]}×${c.k[1]} stride ${c.s}`, c.count, () => ({
    inputs: { x: tf.randomNormal(c.x), dy: tf.randomNormal(c.dy) },
    attrs: { strides: [c.s, c.s], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: c.k },
  }));
}
for (const c of inputCases) {
  measure('Conv2DBackpropInput', `dy [${c.dy}], filter [${c.k}], stride ${c.s}`, 1, () => ({
    inputs: { dy: tf.randomNormal(c.dy), filter: tf.randomNormal(c.k) },
    attrs: { strides: [c.s, c.s], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: c.x },
  }));
}
for (const [size, ch] of levels) {
  measure('SplitV', `[${B},${size},${size},${2 * ch}] into 2 × ${ch} channels`, 1, () => ({
    inputs: { x: tf.randomNormal([B, size, size, 2 * ch]) }, attrs: { numOrSizeSplits: [ch, ch], axis: 3 } }));
  measure('Concat', `2 × [${B},${size},${size},${ch}] on channels`, 1, () => ({
    inputs: [tf.randomNormal([B, size, size, ch]), tf.randomNormal([B, size, size, ch])], attrs: { axis: 3 } }));
}

let step = null;
if (!process.argv.includes('--no-step')) {
  const model = buildUNet(tf, { inChannels: 1, outChannels: 1, width: 16, depth: 3, seed: 1 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([B, 128, 128, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([B, 128, 128, 1], 0, 1, 'float32', 2), 0.7), 'float32'));
  const loss = bceDiceLoss();
  step = timeBoth(() => {
    const c = opt.minimize(() => loss(y, model.apply(x, { training: true })), true);
    c.dataSync();
    c.dispose();
  }, STEPS);
  console.error(`training step: old ${step.old.cpu.toFixed(0)} ms, new ${step.new.cpu.toFixed(0)} ms`);
}

const f = (v) => v.toFixed(1);
console.log(`Old vs new wasm training kernels, Node ${process.version}, tfjs ${tf.version.tfjs}, medians of ${REPEATS} ` +
  `(kernels) and ${STEPS} (steps) after 2 warm-ups, CPU ms (wall ms); load average before ${loadBefore}, after ${load()}:`);
console.log('');
console.log('| kernel | shape (× calls per step) | old | new | new / old |');
console.log('|---|---|--:|--:|--:|');
const totals = {};
for (const r of rows) {
  console.log(`| \`${r.kernel}\` | ${r.label}${r.count > 1 ? ` (× ${r.count})` : ''} | ${f(r.old.cpu)} (${f(r.old.wall)}) | ` +
    `${f(r.new.cpu)} (${f(r.new.wall)}) | ${(r.new.cpu / r.old.cpu).toFixed(2)} |`);
  const t = (totals[r.kernel] ??= { old: 0, new: 0 });
  t.old += r.count * r.old.cpu;
  t.new += r.count * r.new.cpu;
}
for (const [k, t] of Object.entries(totals)) {
  console.log(`| **\`${k}\`, one step's calls** | | **${f(t.old)}** | **${f(t.new)}** | **${(t.new / t.old).toFixed(2)}** |`);
}
if (step) {
  console.log(`| **training step** (U-Net 16/3, batch 8 × 128², bceDiceLoss, Adam) | | **${step.old.cpu.toFixed(0)} (${step.old.wall.toFixed(0)})** | ` +
    `**${step.new.cpu.toFixed(0)} (${step.new.wall.toFixed(0)})** | **${(step.new.cpu / step.old.cpu).toFixed(2)}** |`);
}
