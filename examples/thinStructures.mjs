// Measured example (not a unit test): does adding clDice or Skeleton Recall help a tiny model
// keep thin structures connected? A synthetic task — noisy 32×32 images of thin lines and rings —
// is learnt four times by the same tiny conv net from the same initial weights: with diceLoss
// alone, with combineLosses([diceLoss(), [clDiceLoss(), 0.5]]), with bceDiceLoss alone and with
// combineLosses([bceDiceLoss(), [skeletonRecallLoss(), 1]]) (the paper's recipe: CE + Dice +
// skeleton recall; skeleton recall only rewards covering the target's tube, so it needs a term
// that penalises false positives beside it). On held-out images it reports Dice and
// skeleton recall (the fraction of the target's centre-line pixels that the predicted mask
// covers: a break in a predicted line shows up here, while Dice barely moves), pixel precision
// (the fraction of predicted pixels inside the target) and the training time per step.
//
// Run: npm run example:thin   (builds, then about 1–3 minutes on 2 CPU cores, cpu backend)
// Options: --seeds=N (repeat with N weight seeds; default 1), --epochs=N (default 25).
import * as tf from '@tensorflow/tfjs';
import { bceDiceLoss, clDiceLoss, combineLosses, diceLoss, skeletonRecallLoss } from 'segloss';
import { mulberry32 } from '../dist/esm/cli/pipeline/rng.js';

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const SIZE = 32;
const N_TRAIN = 32;
const N_TEST = 16;
const EPOCHS = arg('epochs', 25);
const SEEDS = arg('seeds', 1);
const BATCH = 8;
const STEPS = EPOCHS * Math.ceil(N_TRAIN / BATCH);

/** The project's seeded PRNG (mulberry32 from the seed itself): every run draws the same data. */
const rng = mulberry32;
const gauss = (r) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

/** Distance from (x, y) to the segment a–b. */
function segmentDistance(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const s = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - s * dx, y - ay - s * dy);
}

/**
 * One sample: 2–3 shapes (lines or rings), each given as a distance-to-centre-line function.
 * mask = within half the stroke width of a centre line; skeleton = within 0.5 px of it (a
 * 1-pixel-wide rasterised centre line, inside the mask); image = contrast·mask + noise.
 */
function sample(r) {
  const shapes = [];
  const count = 2 + Math.floor(r() * 2);
  for (let k = 0; k < count; k++) {
    const halfWidth = 0.6 + 0.5 * r();
    if (r() < 0.5) {
      const [ax, ay, bx, by] = [r(), r(), r(), r()].map((v) => 2 + v * (SIZE - 4));
      shapes.push({ halfWidth, d: (x, y) => segmentDistance(x, y, ax, ay, bx, by) });
    } else {
      const radius = 4 + r() * 7;
      const cx = radius + 1 + r() * (SIZE - 2 * radius - 2);
      const cy = radius + 1 + r() * (SIZE - 2 * radius - 2);
      shapes.push({ halfWidth, d: (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - radius) });
    }
  }
  const image = new Float32Array(SIZE * SIZE);
  const mask = new Float32Array(SIZE * SIZE);
  const skeleton = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = y * SIZE + x;
      for (const s of shapes) {
        const d = s.d(x, y);
        if (d <= s.halfWidth) mask[i] = 1;
        if (d < 0.5) skeleton[i] = 1;
      }
      image[i] = 0.8 * mask[i] + 0.45 * gauss(r);
    }
  }
  return { image, mask, skeleton };
}

function dataset(n, seed) {
  const r = rng(seed);
  const samples = Array.from({ length: n }, () => sample(r));
  const stack = (key) => tf.tensor4d(samples.flatMap((s) => Array.from(s[key])), [n, SIZE, SIZE, 1]);
  return { x: stack('image'), y: stack('mask'), skeletons: samples.map((s) => s.skeleton) };
}

/**
 * A tiny fully convolutional net: three 3×3 conv layers (receptive field 7×7), weights from
 * `seed`. Tiny because tfjs's cpu backend computes the filter gradient with a plain loop.
 */
function tinyModel(seed) {
  const model = tf.sequential();
  [6, 6].forEach((filters, k) =>
    model.add(
      tf.layers.conv2d({
        ...(k === 0 ? { inputShape: [SIZE, SIZE, 1] } : {}),
        filters,
        kernelSize: 3,
        activation: 'relu',
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + k }),
      }),
    ),
  );
  // logits
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + 2 }) }));
  return model;
}

/** Dice of the thresholded masks (p ≥ 0.5, i.e. logit ≥ 0) and skeleton recall over the test set. */
function evaluate(model, test) {
  const pred = tf.tidy(() => tf.greaterEqual(model.predict(test.x), 0).cast('float32').dataSync());
  const truth = test.y.dataSync();
  let inter = 0;
  let sumP = 0;
  let sumT = 0;
  let skelHit = 0;
  let skelAll = 0;
  for (let i = 0; i < truth.length; i++) {
    inter += pred[i] * truth[i];
    sumP += pred[i];
    sumT += truth[i];
  }
  test.skeletons.forEach((skel, b) => {
    for (let i = 0; i < skel.length; i++) {
      if (skel[i]) {
        skelAll += 1;
        skelHit += pred[b * skel.length + i];
      }
    }
  });
  return {
    dice: (2 * inter) / Math.max(sumP + sumT, 1),
    precision: inter / Math.max(sumP, 1),
    skeletonRecall: skelHit / Math.max(skelAll, 1),
  };
}

async function train(name, loss, seed, trainSet, testSet) {
  const model = tinyModel(seed);
  model.compile({ optimizer: tf.train.adam(0.01), loss });
  const start = Date.now();
  await model.fit(trainSet.x, trainSet.y, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0 });
  const seconds = (Date.now() - start) / 1000;
  const m = evaluate(model, testSet);
  model.dispose();
  return { name, seed, seconds, msPerStep: (1000 * seconds) / STEPS, ...m };
}

await tf.setBackend('cpu');
await tf.ready();
const trainSet = dataset(N_TRAIN, 1);
const testSet = dataset(N_TEST, 2);
const losses = {
  'diceLoss': () => diceLoss(),
  'diceLoss + 0.5·clDiceLoss': () => combineLosses([diceLoss(), [clDiceLoss(), 0.5]]),
  'bceDiceLoss': () => bceDiceLoss(),
  'bceDiceLoss + skeletonRecallLoss': () => combineLosses([bceDiceLoss(), [skeletonRecallLoss(), 1]]),
};
const rows = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  for (const [name, make] of Object.entries(losses)) {
    const row = await train(name, make(), seed, trainSet, testSet);
    rows.push(row);
    console.log(
      `${name.padEnd(32)} seed ${seed}: Dice ${row.dice.toFixed(3)}  skeleton recall ${row.skeletonRecall.toFixed(3)}  pixel precision ${row.precision.toFixed(3)}  (${row.seconds.toFixed(1)} s, ${row.msPerStep.toFixed(0)} ms/step)`,
    );
  }
}
console.log(`\n${N_TRAIN} training / ${N_TEST} test images ${SIZE}×${SIZE}, ${EPOCHS} epochs (${STEPS} steps), batch ${BATCH}, Adam 0.01, cpu backend`);
if (SEEDS > 1) console.log(`means over ${SEEDS} weight seeds:`);
console.log('| loss | Dice | skeleton recall | pixel precision | ms per step |');
console.log('| --- | --- | --- | --- | --- |');
for (const name of Object.keys(losses)) {
  const mine = rows.filter((r) => r.name === name);
  const mean = (k) => (mine.reduce((a, r) => a + r[k], 0) / mine.length).toFixed(3);
  console.log(`| ${name} | ${mean('dice')} | ${mean('skeletonRecall')} | ${mean('precision')} | ${(mine.reduce((a, r) => a + r.msPerStep, 0) / mine.length).toFixed(0)} |`);
}
tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
