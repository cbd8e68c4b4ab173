// Median wall time of the exact Euclidean distance transform (Felzenszwalb–Huttenlocher, linear
// time) on random-blob masks of 256×256 and 96³, and of what a loss call adds around it.
// Run with `npm run bench:edt` (builds first). Single-threaded, plain JavaScript: the numbers
// scale linearly with the element count and the number of axes.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { boundaryLoss, euclideanDistanceTransform, hausdorffDTLoss, signedDistanceMap } from '../dist/esm/index.js';
import { medianTimes, rng } from './timing.mjs';

/** 1 inside a union of `count` random balls (radii 4–16 px), 0 elsewhere. */
function blobs(shape, count, seed) {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Uint8Array(n);
  const balls = Array.from({ length: count }, () => ({ c: shape.map((d) => r() * d), rad: 4 + r() * 12 }));
  const x = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let a = shape.length - 1; a >= 0; a--) {
      x[a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    for (const { c, rad } of balls) {
      let d2 = 0;
      for (let a = 0; a < shape.length; a++) d2 += (x[a] - c[a]) ** 2;
      if (d2 <= rad * rad) {
        mask[i] = 1;
        break;
      }
    }
  }
  return mask;
}

/** Median wall and CPU time of `f` in ms. */
const median = (f, runs) => medianTimes(f, runs);

await tf.setBackend('cpu');
await tf.ready();
const rows = [];
for (const { name, shape, count, runs } of [
  { name: '256×256', shape: [256, 256], count: 12, runs: 21 },
  { name: '96³', shape: [96, 96, 96], count: 12, runs: 7 },
]) {
  const blobMask = blobs(shape, count, 7);
  const background = blobMask.map((v) => 1 - v);
  const n = blobMask.length;
  const fg = blobMask.reduce((a, b) => a + b, 0);
  // Inside the blobs (distance to the background) and outside (distance to the blobs).
  const inside = median(() => euclideanDistanceTransform(blobMask, shape), runs);
  const outside = median(() => euclideanDistanceTransform(background, shape), runs);
  const yTrue = tf.tensor(Float32Array.from(blobMask), [1, ...shape, 1]);
  const logits = tf.randomNormal([1, ...shape, 1], 0, 1, 'float32', 3);
  const sdm = median(() => signedDistanceMap(yTrue).dispose(), runs);
  const bl = boundaryLoss();
  const boundary = median(() => bl(yTrue, logits).dispose(), runs);
  const hd = hausdorffDTLoss();
  const hausdorff = median(() => hd(yTrue, logits).dispose(), runs);
  tf.dispose([yTrue, logits]);
  rows.push({ name, n, fg: fg / n, inside, outside, sdm, boundary, hausdorff });
}

const fmt = (t) => `${t.wall.toFixed(1)} ms (${t.cpu.toFixed(1)} ms CPU)`;
const perElement = (t, n) => ((t.cpu * 1e6) / n).toFixed(0);
console.log(`EDT benchmark: node ${process.version}, tfjs cpu backend for the tensor calls; median wall time (median CPU time of this process).\n`);
console.log('| mask | elements | blobs | EDT inside blobs | EDT of background | CPU ns / element | signedDistanceMap (2 EDTs) | boundaryLoss forward | hausdorffDTLoss forward (4 EDTs) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.n} | ${(100 * r.fg).toFixed(0)} % | ${fmt(r.inside)} | ${fmt(r.outside)} | ${perElement(r.inside, r.n)}–${perElement(r.outside, r.n)} | ${fmt(r.sdm)} | ${fmt(r.boundary)} | ${fmt(r.hausdorff)} |`,
  );
}
