// One training epoch of a small U-Net (width 8: 8-16-32 channels, BatchNorm, max pooling,
// nearest upsampling, skip concatenations) on 24 random images, on the cpu backend and on the wasm
// backend with enableWasmTraining(); median wall time of a few epochs after one warm-up batch.
// Run: npm run bench:wasm   (builds first)   Options: --sizes 64,128 --repeats 3 --cpu-repeats 1 --no-cpu
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const { enableWasmTraining } = await import(process.env.SEGLOSS_ENTRY ?? '../dist/esm/index.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '64,128').split(',').map(Number);
const repeats = Number(arg('repeats', '3'));
const cpuRepeats = Number(arg('cpu-repeats', '1'));
const cpuMaxSize = Number(arg('cpu-max-size', '64'));
const withCpu = !process.argv.includes('--no-cpu');
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

enableWasmTraining();
const rows = [];
for (const size of sizes) {
  const wasm = await epochSeconds('wasm', size, repeats);
  const cpu = withCpu && size <= cpuMaxSize ? await epochSeconds('cpu', size, cpuRepeats) : null;
  rows.push({ size, wasm, cpu });
  console.error(`${size}×${size}: wasm ${wasm.median.toFixed(2)} s${cpu ? `, cpu ${cpu.median.toFixed(2)} s` : ''}`);
}
console.log(`One epoch, ${N} images, batch ${BATCH}, U-Net width 8 (Adam, BCE), Node ${process.version}, tfjs ${tf.version.tfjs}:`);
console.log('');
console.log('| image size | cpu backend | wasm + enableWasmTraining() | speed-up |');
console.log('|---|---|---|---|');
for (const { size, wasm, cpu } of rows) {
  const c = cpu ? `${cpu.median.toFixed(2)} s (median of ${cpu.runs})` : 'not run';
  const s = cpu ? `${(cpu.median / wasm.median).toFixed(0)}×` : '–';
  console.log(`| ${size}×${size} | ${c} | ${wasm.median.toFixed(2)} s (median of ${wasm.runs}) | ${s} |`);
}
