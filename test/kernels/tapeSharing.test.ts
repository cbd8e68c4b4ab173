/**
 * The tape sharing of `customOp` (src/kernels/ops.ts: saved tensors shared, not cloned) leaks
 * nothing and gives the right gradients, on and off the gradient path, through intermediates,
 * variables and optimizers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { setFusedKernels } from '../../src/kernels/register.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

/** The largest |a_i|. */
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

// ------------------------------------------------------------------------------------------------
// Saved tensors shared on the tape (customOp in src/kernels/ops.ts).

describe.each(BACKENDS)('tape sharing of the fused ops on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => void setFusedKernels(true));

  const LOSSES: { name: string; loss: () => segloss.LossFn; inputs: () => { yTrue: tf.Tensor; yPred: tf.Tensor } }[] = [
    { name: 'diceLoss', loss: () => segloss.diceLoss(), inputs: () => ({ yTrue: randomMask([2, 9, 7, 1], 1), yPred: randomLogits([2, 9, 7, 1], 2) }) },
    { name: 'focalLoss', loss: () => segloss.focalLoss(), inputs: () => ({ yTrue: randomMask([2, 9, 7, 1], 3), yPred: randomLogits([2, 9, 7, 1], 4) }) },
    { name: 'crossEntropyLoss', loss: () => segloss.crossEntropyLoss({ ignoreIndex: 255 }), inputs: () => ({ yTrue: randomLabels([2, 6, 5], 4, 5), yPred: randomLogits([2, 6, 5, 4], 6) }) },
  ];

  /** Gradient of `f` at x, read back. */
  const gradOf = (f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): Float32Array => {
    const g = tf.tidy(() => tf.grad(f)(x));
    const out = g.dataSync().slice() as Float32Array;
    g.dispose();
    return out;
  };

  /** The composite path's gradient (no fused kernel, no customOp), as the reference. */
  const compositeGrad = (loss: segloss.LossFn, yTrue: tf.Tensor, x: tf.Tensor): Float32Array => {
    setFusedKernels(false);
    try {
      return gradOf((v) => loss(yTrue, v), x);
    } finally {
      setFusedKernels(true);
    }
  };

  const tol = (ref: ArrayLike<number>) => ({ rtol: 1e-3, atol: 1e-5 * Math.max(1, maxAbs(ref)) });

  for (const c of LOSSES) {
    it(`${c.name}(): tf.grad in a tidy leaves no tensor behind and gives the composite path's gradient`, () => {
      const { yTrue, yPred } = c.inputs();
      const loss = c.loss();
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grad((x: tf.Tensor) => loss(yTrue, x))(yPred);
      });
      expect(tf.memory().numTensors).toBe(before);
      const g = gradOf((x) => loss(yTrue, x), yPred);
      expect(tf.memory().numTensors).toBe(before);
      expectClose(g, compositeGrad(loss, yTrue, yPred), tol(g), `${c.name} grad`);
      tf.dispose([yTrue, yPred]);
    });

    it(`${c.name}(): a call off the gradient path (on a tensor not depending on x) changes nothing and leaks nothing`, () => {
      const { yTrue, yPred } = c.inputs();
      const other = tf.add(yPred, 0.5);
      const loss = c.loss();
      const before = tf.memory().numTensors;
      const both = gradOf((x) => tf.add(loss(yTrue, x), loss(yTrue, other)), yPred);
      const offFirst = gradOf((x) => tf.add(loss(yTrue, other), loss(yTrue, x)), yPred);
      expect(tf.memory().numTensors).toBe(before);
      const alone = gradOf((x) => loss(yTrue, x), yPred);
      expect(Array.from(both)).toEqual(Array.from(alone));
      expect(Array.from(offFirst)).toEqual(Array.from(alone));
      tf.dispose([yTrue, yPred, other]);
    });

    it(`${c.name}(): through an intermediate yPred = 2x the gradient is 2·∂loss at 2x`, () => {
      const { yTrue, yPred } = c.inputs();
      const loss = c.loss();
      const before = tf.memory().numTensors;
      // The intermediate 2x is freed when the forward scope ends, before the backward pass reads
      // what was saved from it.
      const g = gradOf((x) => loss(yTrue, tf.mul(x, 2)), yPred);
      expect(tf.memory().numTensors).toBe(before);
      const twoX = tf.mul(yPred, 2);
      const atTwoX = gradOf((x) => loss(yTrue, x), twoX);
      expectClose(
        g,
        atTwoX.map((v) => 2 * v),
        { rtol: 1e-6, atol: 1e-7 * maxAbs(atTwoX) },
        `${c.name} chain rule`,
      );
      tf.dispose([yTrue, yPred, twoX]);
    });

    it(`${c.name}(): tf.variableGrads and an SGD step on a variable work and leak nothing`, () => {
      const { yTrue, yPred } = c.inputs();
      const loss = c.loss();
      const v = tf.variable(yPred.clone());
      const v0 = v.dataSync().slice();
      const want = gradOf((x) => loss(yTrue, x), yPred);
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => loss(yTrue, v) as tf.Scalar, [v]);
      expectClose(grads[v.name], want, { rtol: 0, atol: 0 }, `${c.name} variableGrads`);
      const plain = loss(yTrue, yPred);
      expect(value.dataSync()[0]).toBe(plain.dataSync()[0]);
      tf.dispose([value, plain, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);

      const lr = 0.5;
      const optimizer = tf.train.sgd(lr);
      const withOptimizer = tf.memory().numTensors;
      expect(optimizer.minimize(() => loss(yTrue, v) as tf.Scalar, false, [v])).toBeNull();
      expect(tf.memory().numTensors).toBe(withOptimizer);
      expectClose(
        v,
        Array.from(v0, (a, i) => a - lr * want[i]),
        { rtol: 1e-6, atol: 1e-7 },
        `${c.name} SGD step`,
      );
      optimizer.dispose();
      tf.dispose([v, yTrue, yPred]);
    });

    it(`${c.name}(): a forward call without a tape leaves exactly its result, and nothing once disposed`, () => {
      const { yTrue, yPred } = c.inputs();
      const loss = c.loss();
      const before = tf.memory().numTensors;
      const values: number[] = [];
      for (let i = 0; i < 5; i++) {
        const out = loss(yTrue, yPred);
        expect(tf.memory().numTensors).toBe(before + 1);
        values.push(out.dataSync()[0]);
        out.dispose();
      }
      tf.tidy(() => {
        loss(yTrue, yPred);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(new Set(values).size).toBe(1);
      // The value is the composite path's.
      setFusedKernels(false);
      const composite = loss(yTrue, yPred);
      setFusedKernels(true);
      expectClose(values[0], composite.dataSync()[0], { rtol: 1e-5, atol: 1e-7 }, `${c.name} value`);
      tf.dispose([composite, yTrue, yPred]);
    });
  }
});
