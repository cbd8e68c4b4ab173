// Audit of the wasm backend for training a tfjs-layers U-Net: for every op whose gradient such a
// model needs, compares value and gradients on wasm with the cpu backend on random (tie-free) data,
// once with the backend's own kernels and once after enableWasmTraining(). Resizing rows compare
// with an exact reference instead (cpu's gradient is wrong there).
// Run: npm run build && node bench/wasmAudit.mjs   (prints a markdown table)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mulberry32 } from '../dist/esm/cli/pipeline/rng.js';
const { enableWasmTraining } = await import(process.env.SEGLOSS_ENTRY ?? '../dist/esm/index.js');

/** The project's seeded PRNG (mulberry32 from the seed itself): deterministic random data. */
const rng = mulberry32;
const rand = (shape, seed, lo = -1, hi = 1) => {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * next()), shape);
};

const X = [2, 9, 8, 3];
const cases = [];
const add = (op, label, inputs, f, linear = false) => cases.push({ op, label, inputs, f, linear });
for (const [s, pad] of [[1, 'same'], [2, 'same'], [2, 'valid'], [[2, 1], 'same']]) {
  add('conv2d', `3×3 s${s} ${pad}`, [X, [3, 3, 3, 4]], (x, w) => tf.conv2d(x, w, s, pad));
}
add('conv2d', '1×3 s2 same, even height', [[2, 10, 9, 3], [1, 3, 3, 4]], (x, w) => tf.conv2d(x, w, 2, 'same'));
add('fused conv2d + bias + relu (layers Conv2D)', '3×3 s1 same', [X, [3, 3, 3, 4], [4]], (x, w, b) =>
  tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same', activation: 'relu' }));
for (const [s, pad] of [[2, 'same'], [1, 'valid']]) {
  add('conv2dTranspose', `3×3 s${s} ${pad}`, [[2, 5, 4, 4], [3, 3, 3, 4]], (x, w) =>
    tf.conv2dTranspose(x, w, [2, s === 2 ? 10 : 7, s === 2 ? 8 : 6, 3], s, pad));
}
add('conv2dTranspose', '2×2 s2 valid', [[2, 5, 4, 4], [2, 2, 3, 4]], (x, w) => tf.conv2dTranspose(x, w, [2, 10, 8, 3], 2, 'valid'));
for (const [s, pad] of [[1, 'same'], [2, 'same'], [2, 'valid']]) {
  add('depthwiseConv2d', `3×3 ×2 s${s} ${pad}`, [X, [3, 3, 3, 2]], (x, w) => tf.depthwiseConv2d(x, w, s, pad));
}
add('separableConv2d', '3×3 ×1 → 4, s1 same', [X, [3, 3, 3, 1], [1, 1, 3, 4]], (x, d, p) => tf.separableConv2d(x, d, p, 1, 'same'));
for (const [f, s, pad] of [[2, 2, 'valid'], [2, 2, 'same'], [3, 2, 'same'], [3, 1, 'same'], [[3, 1], 1, 'same']]) {
  add('maxPool', `${f}×${f} s${s} ${pad}`.replace('3,1×3,1', '3×1'), [X], (x) => tf.maxPool(x, f, s, pad));
  add('avgPool', `${f}×${f} s${s} ${pad}`.replace('3,1×3,1', '3×1'), [X], (x) => tf.avgPool(x, f, s, pad));
}
// Resizing is linear in x, so its exact gradient is Σ_o w[o]·resize(e_i)[o] over basis images e_i
// (forward passes only): the reference for these rows, because cpu's own gradients are wrong here.
const R = [2, 5, 4, 3];
for (const [size, ac, hp] of [[[10, 8], false, false], [[10, 8], false, true], [[10, 8], true, false], [[7, 9], false, true], [[3, 3], false, false]]) {
  const label = `[${R}] → ${size.join('×')}${ac ? ' alignCorners' : ''}${hp ? ' halfPixelCenters' : ''}${!ac && !hp ? ' (layers default)' : ''}`;
  add('resizeNearestNeighbor (UpSampling2D)', label, [R], (x) => tf.image.resizeNearestNeighbor(x, size, ac, hp), true);
  add('resizeBilinear (UpSampling2D bilinear)', label, [R], (x) => tf.image.resizeBilinear(x, size, ac, hp), true);
}
add('resizeBilinear (UpSampling2D bilinear)', '[2,4,4,3] → 8×8 (layers default, square)', [[2, 4, 4, 3]], (x) => tf.image.resizeBilinear(x, [8, 8]), true);
add('batchNorm (BatchNormalization)', 'x, mean, var, offset, scale', [X, [3], [3], [3], [3]], (x, m, v, o, s) =>
  tf.batchNorm(x, m, tf.add(tf.abs(v), 0.5), o, s, 1e-3));
add('moments + batchNorm (training mode)', 'x, offset, scale', [X, [3], [3]], (x, o, s) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, o, s, 1e-3);
});
add('relu', '', [X], (x) => tf.relu(x));
add('sigmoid', '', [X], (x) => tf.sigmoid(x));
add('softmax', 'last axis', [X], (x) => tf.softmax(x));
add('concat (Concatenate)', 'channels', [X, [2, 9, 8, 5]], (a, b) => tf.concat([a, b], -1));
add('dropout (Dropout)', 'rate 0.3, seeded', [X], (x) => tf.dropout(x, 0.3, undefined, 7));

/** Exact value and gradient of a one-input linear op, from forward passes on cpu. */
async function linearReference(c) {
  await tf.setBackend('cpu');
  return tf.tidy(() => {
    const x = rand(c.inputs[0], 10);
    const y = c.f(x);
    const w = rand(y.shape, 99);
    const n = x.size;
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const e = tf.buffer(c.inputs[0]);
      e.values[i] = 1;
      g[i] = tf.sum(tf.mul(c.f(e.toTensor()), w)).dataSync()[0];
    }
    return [y.dataSync(), g];
  });
}

async function gradsOn(backend, c) {
  await tf.setBackend(backend);
  await tf.ready();
  try {
    return tf.tidy(() => {
      const xs = c.inputs.map((s, k) => rand(s, 10 + k));
      const y = c.f(...xs);
      const w = rand(y.shape, 99);
      const gs = tf.grads((...a) => tf.sum(tf.mul(c.f(...a), w)))(xs);
      return [y.dataSync(), ...gs.map((g) => g.dataSync())];
    });
  } catch (e) {
    return String(e.message).split('\n')[0];
  }
}

function compare(got, want) {
  if (typeof want === 'string') return { text: `cpu fails: ${want}` };
  if (typeof got === 'string' && !got.includes('not registered')) return { text: `fails: ${got.slice(0, 90)}` };
  if (typeof got === 'string') return { text: got.includes('not registered') ? `missing: ${got}` : `error: ${got}` };
  let worst = 0;
  const parts = [];
  for (let k = 0; k < want.length; k++) {
    let max = 0, scale = 1e-6;
    for (let i = 0; i < want[k].length; i++) {
      max = Math.max(max, Math.abs(got[k][i] - want[k][i]));
      scale = Math.max(scale, Math.abs(want[k][i]));
    }
    worst = Math.max(worst, max / Math.max(1, scale));
    parts.push(max.toExponential(1));
  }
  return { ok: worst < 1e-4, text: `${worst < 1e-4 ? 'equal' : 'DIFFERS'} (max abs diff: ${k0(parts)})` };
}
const k0 = (parts) => `value ${parts[0]}, grads ${parts.slice(1).join(' / ')}`;

const rows = [];
for (const c of cases) {
  const cpu = await gradsOn('cpu', c);
  const ref = c.linear ? await linearReference(c) : cpu;
  rows.push({ c, cpu, ref, before: await gradsOn('wasm', c) });
}
enableWasmTraining();
for (const r of rows) r.after = await gradsOn('wasm', r.c);
console.log('| op | case | cpu | wasm as shipped | wasm + enableWasmTraining() |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const cpu = r.c.linear ? compare(r.cpu, r.ref).text : 'reference';
  console.log(`| ${r.c.op} | ${r.c.label} | ${cpu} | ${compare(r.before, r.ref).text} | ${compare(r.after, r.ref).text} |`);
}
