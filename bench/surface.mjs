// Median wall time of HD95 (hausdorffDistance with percentile 95) on a 512×512 pair and a 96³
// pair of random-blob masks, next to scipy on the very same masks in the same run: MONAI's
// recipe (boundaries by binary_erosion, scipy.ndimage.distance_transform_edt, np.percentile,
// cropped to the box around both masks as MONAI's get_mask_edges does by default), timed by
// /usr/bin/python3 when it has scipy; otherwise those columns say it skipped.
// MONAI itself is not installable here (no torch); its surface metrics call the same scipy
// functions, so the scipy column is what MONAI costs on CPU minus its own overhead.
// Run: npm run bench:surface   (builds first; imports the built dist/esm/index.js)
// Options: REPS=n (timed runs, default 15 for 2-D and 7 for 3-D), PYTHON=/path/to/python3
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { hausdorffDistance } from '../dist/esm/index.js';
import { medianTimes, rng } from './timing.mjs';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';


/** 1 inside a union of balls, 0 elsewhere. */
function paint(shape, balls) {
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Uint8Array(n);
  const x = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let a = shape.length - 1; a >= 0; a--) {
      x[a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    mask[i] = balls.some(({ c, rad }) => x.reduce((s, v, a) => s + (v - c[a]) ** 2, 0) <= rad * rad) ? 1 : 0;
  }
  return mask;
}

/** A target of `count` balls and a prediction with each ball moved and resized a little, plus one stray. */
function maskPair(shape, count, radius, seed) {
  const r = rng(seed);
  const balls = Array.from({ length: count }, () => ({ c: shape.map((d) => r() * d), rad: radius[0] + r() * (radius[1] - radius[0]) }));
  const moved = balls.map(({ c, rad }) => ({ c: c.map((v) => v + (r() - 0.5) * 6), rad: rad + (r() - 0.5) * 4 }));
  moved.push({ c: shape.map((d) => r() * d), rad: radius[0] });
  return { target: paint(shape, balls), prediction: paint(shape, moved) };
}

function timeJs(shape, target, prediction, reps) {
  const yTrue = tf.tensor(Float32Array.from(target), [1, ...shape, 1]);
  const yPred = tf.tensor(Float32Array.from(prediction), [1, ...shape, 1]);
  const run = () => {
    const t = hausdorffDistance(yTrue, yPred, { percentile: 95, fromLogits: false });
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  };
  const { value, wall, cpu } = medianTimes(run, reps);
  tf.dispose([yTrue, yPred]);
  return { value, ms: wall, cpuMs: cpu };
}

const PY = `
import sys, time, json
import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt
shape = tuple(json.loads(sys.argv[3])); reps = int(sys.argv[4])
g = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(shape).astype(bool)
p = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(shape).astype(bool)
def hd95(g, p):
    idx = np.nonzero(g | p)
    box = tuple(slice(i.min(), i.max() + 1) for i in idx)
    g, p = g[box], p[box]
    eg = g & ~binary_erosion(g)   # cross-shaped element, outside = background
    ep = p & ~binary_erosion(p)
    d_pg = distance_transform_edt(~eg)[ep]
    d_gp = distance_transform_edt(~ep)[eg]
    return max(np.percentile(d_pg, 95), np.percentile(d_gp, 95))
value = hd95(g, p)
times, cpu = [], []
for _ in range(reps):
    t0, c0 = time.perf_counter(), time.process_time()
    hd95(g, p)
    times.append((time.perf_counter() - t0) * 1000); cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({"value": float(value), "ms": float(np.median(times)), "cpuMs": float(np.median(cpu)), "scipy": __import__("scipy").__version__}))
`;

function scipyAvailable() {
  try {
    execFileSync(PYTHON, ['-c', 'import scipy.ndimage, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function scipyVersion() {
  return execFileSync(PYTHON, ['-c', 'import scipy; print(scipy.__version__)'], { encoding: 'utf8' }).trim();
}

function timeScipy(dir, name, shape, target, prediction, reps) {
  const [gFile, pFile, script] = [join(dir, `${name}-g.bin`), join(dir, `${name}-p.bin`), join(dir, 'hd95.py')];
  writeFileSync(gFile, target);
  writeFileSync(pFile, prediction);
  writeFileSync(script, PY);
  return JSON.parse(execFileSync(PYTHON, [script, gFile, pFile, JSON.stringify(shape), String(reps)], { encoding: 'utf8' }));
}

await tf.setBackend('cpu');
await tf.ready();
const haveScipy = scipyAvailable();
const dir = mkdtempSync(join(tmpdir(), 'segloss-surface-'));
console.log(`HD95 benchmark: median wall time (and CPU time of the process, steadier on a busy machine) of one image pair, Node ${process.version} (tfjs cpu backend), ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start.`);
console.log(haveScipy ? `scipy ${scipyVersion()}: ${PYTHON}, same masks, MONAI's recipe (see the header of bench/surface.mjs).` : `scipy: skipped (${PYTHON} has no scipy; try apt-get install -y python3-scipy).`);
console.log('MONAI: not installable here (needs torch); it computes HD95 with the scipy calls of the scipy column.\n');
console.log('| masks | elements | foreground | segloss hausdorffDistance | scipy (MONAI recipe) | segloss / scipy | HD95 segloss | HD95 scipy |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
try {
  for (const { name, shape, count, radius, reps } of [
    { name: '512×512', shape: [512, 512], count: 24, radius: [8, 40], reps: Number(process.env.REPS ?? 15) },
    { name: '96³', shape: [96, 96, 96], count: 12, radius: [4, 16], reps: Number(process.env.REPS ?? 7) },
  ]) {
    const { target, prediction } = maskPair(shape, count, radius, 7);
    const n = target.length;
    const fg = target.reduce((a, b) => a + b, 0) / n;
    const js = timeJs(shape, target, prediction, reps);
    const py = haveScipy ? timeScipy(dir, name.replace(/\W/g, ''), shape, target, prediction, reps) : undefined;
    const time = (t) => `${t.ms.toFixed(1)} ms (${t.cpuMs.toFixed(1)} ms CPU)`;
    const cells = py
      ? [time(py), `${(js.ms / py.ms).toFixed(2)}× (${(js.cpuMs / py.cpuMs).toFixed(2)}× CPU)`, js.value.toFixed(4), py.value.toFixed(4)]
      : ['skipped', '–', js.value.toFixed(4), 'skipped'];
    console.log(`| ${name} | ${n} | ${(100 * fg).toFixed(1)} % | ${time(js)} | ${cells.join(' | ')} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
