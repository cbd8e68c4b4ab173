// Median forward + backward time of lovaszHingeLoss and lovaszSoftmaxLoss on the cpu and wasm
// backends, at the sizes of shared/bench/perf-cases.json ([8,256,256,1] hinge, [4,128,128,8]
// softmax) and three smaller ones, to show the O(N log N) growth of the per-group sort: the fused
// kernels (what cpu and wasm run) and the composite tf.topk path (what webgl and webgpu run).
// Run: npm run bench:lovasz   (builds first; imports the built dist/esm/index.js)
// Options: REPS=n (timed runs per size, default 7), BACKENDS=cpu,wasm
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { lovaszHingeLoss, lovaszSoftmaxLoss } from '../dist/esm/index.js';
import { setFusedKernels } from '../dist/esm/kernels/register.js';

const REPS = Number(process.env.REPS ?? 7);
const BACKENDS = (process.env.BACKENDS ?? 'cpu,wasm').split(',');

const CASES = [
  ...[32, 64, 128, 256].map((s) => ({ name: 'lovaszHingeLoss', shape: [8, s, s, 1], make: () => lovaszHingeLoss() })),
  ...[16, 32, 64, 128].map((s) => ({ name: 'lovaszSoftmaxLoss', shape: [4, s, s, 8], make: () => lovaszSoftmaxLoss() })),
];

function inputs(name, shape) {
  return tf.tidy(() => {
    const yPred = tf.randomNormal(shape, 0, 2, 'float32', 1);
    if (name === 'lovaszHingeLoss') return { yTrue: tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 2), 0.7), 'float32'), yPred };
    const C = shape[shape.length - 1];
    return { yTrue: tf.cast(tf.floor(tf.randomUniform(shape.slice(0, -1), 0, C, 'float32', 2)), 'int32'), yPred };
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`Lovász losses, forward + backward (tf.valueAndGrad), median of ${REPS} runs after 1 warm-up, Node ${process.version},`);
console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start`);
console.log('| backend | loss | shape | sort rows × length | fused median ms | fused min ms | fused ms per N·log2 N ×1e6 | composite (topk) median ms | tensors leaked |');
console.log('| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const backend of BACKENDS) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const { name, shape, make } of CASES) {
    const loss = make();
    const { yTrue, yPred } = inputs(name, shape);
    const step = () => tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((x) => loss(yTrue, x))(yPred);
      value.dataSync();
      grad.dataSync();
    });
    const before = tf.memory().numTensors;
    const timesOf = (fused) => {
      setFusedKernels(fused);
      step();
      const times = [];
      for (let i = 0; i < REPS; i++) {
        const t0 = performance.now();
        step();
        times.push(performance.now() - t0);
      }
      setFusedKernels(true);
      return times;
    };
    const times = timesOf(true);
    const composite = timesOf(false);
    const leaked = tf.memory().numTensors - before;
    // Rows sorted per call: hinge perImage → B rows of H·W; softmax (batch) → C rows of B·H·W.
    const [rows, N] = name === 'lovaszHingeLoss' ? [shape[0], shape[1] * shape[2]] : [shape[3], shape[0] * shape[1] * shape[2]];
    const ms = median(times);
    const per = (ms / (rows * N * Math.log2(N))) * 1e6;
    console.log(`| ${backend} | ${name} | [${shape.join(',')}] | ${rows} × ${N} | ${ms.toFixed(1)} | ${Math.min(...times).toFixed(1)} | ${per.toFixed(1)} | ${median(composite).toFixed(1)} | ${leaked} |`);
    tf.dispose([yTrue, yPred]);
  }
}
