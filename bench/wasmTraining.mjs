// One training epoch of a small U-Net (width 8: 8-16-32 channels, BatchNorm, max pooling,
// nearest upsampling, skip concatenations) on 24 random images, on the cpu backend, on the wasm
// backend with enableWasmTraining(), and in PyTorch on one thread (bench/unet_torch.py, the same
// network) when /usr/bin/python3 has torch; median wall time of a few epochs after one warm-up batch.
// Run: npm run bench:wasm   (builds first)
// Options: --sizes 64,128 --repeats 3 --cpu-repeats 1 --no-cpu --no-torch --python /usr/bin/python3
//          --cpu-max-seconds 120 (skip cpu at a size whose epoch, estimated from the previous size
//          by pixel count, would take longer)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { enableWasmTraining } = await import(process.env.SEGLOSS_ENTRY ?? '../dist/esm/index.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '64,128').split(',').map(Number);
const repeats = Number(arg('repeats', '3'));
const cpuRepeats = Number(arg('cpu-repeats', '1'));
const cpuMaxSeconds = Number(arg('cpu-max-seconds', '120'));
const withCpu = !process.argv.includes('--no-cpu');
const withTorch = !process.argv.includes('--no-torch');
const PYTHON = arg('python', '/usr/bin/python3');
const N = 24;
const BATCH = 8;

function uNet(size, width = 8) {
  const block = (x, filters) => {
    for (let k = 0; k < 2; k++) {
      x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x);
      x = tf.layers.batchNormalization().apply(x);
      x = tf.layers.activation({ activation: 'relu' }).apply(x);
    }
    return x;
  };
  const input = tf.input({ shape: [size, size, 1] });
  const e1 = block(input, width);
  const e2 = block(tf.layers.maxPooling2d({ poolSize: 2 }).apply(e1), 2 * width);
  const b = block(tf.layers.maxPooling2d({ poolSize: 2 }).apply(e2), 4 * width);
  const d2 = block(tf.layers.concatenate().apply([tf.layers.upSampling2d({ size: [2, 2] }).apply(b), e2]), 2 * width);
  const d1 = block(tf.layers.concatenate().apply([tf.layers.upSampling2d({ size: [2, 2] }).apply(d2), e1]), width);
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(d1);
  return tf.model({ inputs: input, outputs: out });
}

function data(size) {
  return tf.tidy(() => {
    const x = tf.randomNormal([N, size, size, 1], 0, 1, 'float32', 1);
    const y = tf.cast(tf.greater(tf.avgPool(x, 5, 1, 'same'), 0), 'float32');
    return { x, y };
  });
}

async function epochSeconds(backend, size, runs) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = uNet(size);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const { x, y } = data(size);
  const xb = x.slice([0, 0, 0, 0], [BATCH, size, size, 1]);
  const yb = y.slice([0, 0, 0, 0], [BATCH, size, size, 1]);
  await model.trainOnBatch(xb, yb); // warm-up: kernels, XNNPACK operators, optimizer slots
  const times = [];
  let loss = NaN;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const h = await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    times.push((performance.now() - t0) / 1000);
    loss = h.history.loss[0];
  }
  tf.dispose([x, y, xb, yb]);
  model.dispose();
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], runs, loss };
}

// PyTorch side: same network, data recipe, batch, optimizer and loss (bench/unet_torch.py), 1 thread.
function torchEpochs() {
  if (!withTorch) return { note: 'PyTorch skipped (--no-torch).' };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { note: `PyTorch skipped: ${PYTHON} has no torch (apt-get install python3-torch, or pip install torch).` };
  }
  const script = join(dirname(fileURLToPath(import.meta.url)), 'unet_torch.py');
  const run = spawnSync(PYTHON, [script, '--sizes', sizes.join(','), '--repeats', String(repeats), '--threads', '1'], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1073741824', OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) return { note: `PyTorch run failed: ${(run.stderr || String(run.error)).trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const loadBefore = load();
const torch = torchEpochs();
if (torch.note) console.error(torch.note);
else console.error(`PyTorch ${torch.torch}, ${torch.threads} thread: ${sizes.map((s) => `${s}×${s} ${torch.sizes[s].median.toFixed(2)} s`).join(', ')}`);

enableWasmTraining();
const rows = [];
const notes = [];
let lastCpu = null;
for (const size of [...sizes].sort((a, b) => a - b)) {
  const wasm = await epochSeconds('wasm', size, repeats);
  let cpu = null;
  if (withCpu) {
    const estimate = lastCpu ? lastCpu.median * (size / lastCpu.size) ** 2 : 0;
    if (estimate > cpuMaxSeconds) {
      notes.push(`cpu at ${size}×${size} not run: estimated ≈ ${estimate.toFixed(0)} s per epoch ` +
        `(${lastCpu.size}×${lastCpu.size} time × pixel ratio), over --cpu-max-seconds ${cpuMaxSeconds}.`);
    } else {
      cpu = await epochSeconds('cpu', size, cpuRepeats);
      lastCpu = { ...cpu, size };
    }
  }
  rows.push({ size, wasm, cpu, torch: torch.sizes?.[size] ?? null });
  console.error(`${size}×${size}: wasm ${wasm.median.toFixed(2)} s${cpu ? `, cpu ${cpu.median.toFixed(2)} s` : ''}`);
}
const torchName = torch.note ? 'PyTorch' : `PyTorch ${torch.torch.replace(/a0$/, '')}, 1 thread`;
console.log(`One epoch, ${N} images, batch ${BATCH}, U-Net width 8 (Adam, BCE), Node ${process.version}, tfjs ${tf.version.tfjs}; ` +
  `load average before ${loadBefore}, after ${load()}:`);
console.log('');
console.log(`| image size | cpu backend | wasm + \`enableWasmTraining()\` | ${torchName} | cpu / wasm | wasm / PyTorch |`);
console.log('|---|---|---|---|---|---|');
for (const { size, wasm, cpu, torch: pt } of rows) {
  const c = cpu ? `${cpu.median.toFixed(2)} s (${cpu.runs === 1 ? '1 epoch' : `median of ${cpu.runs}`})` : 'not run';
  const p = pt ? `${pt.median.toFixed(2)} s (median of ${pt.runs})` : 'not run';
  console.log(`| ${size}×${size} | ${c} | ${wasm.median.toFixed(2)} s (median of ${wasm.runs}) | ${p} | ` +
    `${cpu ? `${(cpu.median / wasm.median).toFixed(0)}×` : '–'} | ${pt ? `${(wasm.median / pt.median).toFixed(1)}×` : '–'} |`);
}
for (const note of [...notes, ...(torch.note ? [torch.note] : [])]) console.log(`\n${note}`);
