/**
 * boundaryLoss(): closed forms through signedDistanceMap, class defaults, layouts,
 * dimensions, exact gradients (φ is a constant), errors and memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaryLoss, signedDistanceMap } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

const value = (f: () => tf.Tensor): number => tf.tidy(() => f().dataSync()[0]);

describeLossBattery('boundaryLoss', (o = {}) => boundaryLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  ignoreIndex: false,
  // A perfect prediction gives −Σ (dist to ∁G − 1)/N ≤ 0, not 0; distances depend on the arrangement.
  perfect: false,
  layoutFree: false,
});

describe.each(BACKENDS)('boundaryLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('is named boundaryLoss and runs its documented example', () => {
    const loss = boundaryLoss({ fromLogits: false });
    expect(loss.name).toBe('boundaryLoss');
    const yTrue = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);
    const probs = tf.tensor3d([0, 1, 1, 0, 0.5], [1, 5, 1]);
    expectClose(value(() => loss(yTrue, probs)), 0.2); // φ = [1, 0, 0, 1, 2]: 0.5·2 / 5
  });

  it('equals mean(sigmoid(x)·φ) and its sum with reduction sum, for φ of signedDistanceMap', () => {
    const yTrue = randomMask([2, 6, 5, 1], 1, 0.3);
    const x = randomLogits([2, 6, 5, 1], 2);
    const want = tf.tidy(() => tf.sum(tf.mul(tf.sigmoid(x), signedDistanceMap(yTrue, { spacing: [2, 0.5] }))).dataSync()[0]);
    expectClose(value(() => boundaryLoss({ spacing: [2, 0.5] })(yTrue, x)), want / 60);
    expectClose(value(() => boundaryLoss({ spacing: [2, 0.5], reduction: 'sum' })(yTrue, x)), want);
  });

  it('is the half-plane ramp Σ p·(k − c) / N, smallest for the perfect prediction', () => {
    // G = {c ≥ 2} on a 1 × 5 line: φ = 2 − c = [2, 1, 0, −1, −2].
    const yTrue = tf.tensor3d([0, 0, 1, 1, 1], [1, 5, 1]);
    const loss = boundaryLoss({ fromLogits: false });
    const at = (p: number[]) => tf.tidy(() => value(() => loss(yTrue, tf.tensor3d(p, [1, 5, 1]))));
    expectClose(at([0, 0, 1, 1, 1]), -3 / 5);
    expectClose(at([1, 1, 1, 1, 1]), 0);
    expectClose(at([0.5, 0.5, 0.5, 0.5, 0.5]), 0);
    expectClose(at([0, 0, 0, 0, 0]), 0);
  });

  it('is 0 for an empty or a full target whatever the prediction', () => {
    const yTrue = tf.concat([tf.zeros([1, 4, 4, 1]), tf.ones([1, 4, 4, 1])]);
    const x = randomLogits([2, 4, 4, 1], 3);
    expect(value(() => boundaryLoss()(yTrue, x))).toBe(0);
  });

  it('keeps classes 1..C−1 in multiclass mode and every channel in multilabel mode by default', () => {
    const labels = randomLabels([2, 5, 6], 3, 4);
    const x = randomLogits([2, 5, 6, 3], 5);
    const mc = (o = {}) => value(() => boundaryLoss({ mode: 'multiclass', ...o })(labels, x));
    expectClose(mc(), mc({ classes: [1, 2] }));
    expect(Math.abs(mc() - mc({ classes: [0, 1, 2] }))).toBeGreaterThan(1e-4);
    const oneHot = tf.oneHot(labels, 3).toFloat();
    expectClose(value(() => boundaryLoss({ mode: 'multiclass' })(oneHot, x)), mc());
    const ml = (o = {}) => value(() => boundaryLoss({ mode: 'multilabel', ...o })(oneHot, x));
    expectClose(ml(), ml({ classes: [0, 1, 2] }));
  });

  it('works in 1, 2 and 3 spatial dimensions, with spacing per axis', () => {
    for (const shape of [[2, 11, 1], [1, 6, 7, 1], [1, 4, 5, 6, 1]]) {
      const yTrue = randomMask(shape, shape.length + 10, 0.4);
      const x = randomLogits(shape, shape.length + 20);
      const spacing = shape.slice(1, -1).map((_, i) => 0.5 + i);
      const phi = signedDistanceMap(yTrue, { spacing });
      const want = value(() => tf.mean(tf.mul(tf.sigmoid(x), phi)));
      expectClose(value(() => boundaryLoss({ spacing })(yTrue, x)), want);
      tf.dispose([yTrue, x, phi]);
    }
  });

  it('has the exact gradient σ′(x)·φ / N, which finite differences confirm', () => {
    const yTrue = randomMask([1, 4, 3, 1], 8, 0.5);
    const x = randomLogits([1, 4, 3, 1], 9);
    const loss = boundaryLoss();
    const grad = tf.tidy(() => tf.grad((z: tf.Tensor) => loss(yTrue, z))(x));
    // φ is a constant, so d/dx mean(σ(x)·φ) = σ(x)(1 − σ(x))·φ / N exactly.
    const closed = tf.tidy(() => tf.div(tf.mul(tf.mul(tf.sigmoid(x), tf.sub(1, tf.sigmoid(x))), signedDistanceMap(yTrue)), 12));
    expectClose(grad, closed);
    expectClose(grad, finiteDiff((z) => loss(yTrue, z), x), { rtol: 2e-2, atol: 1e-4 });
  });

  it('gives no gradient to the classes it does not keep', () => {
    const labels = randomLabels([1, 4, 4], 3, 12);
    const x = randomLogits([1, 4, 4, 3], 13);
    const loss = boundaryLoss({ mode: 'multilabel', fromLogits: false, classes: [2] });
    const oneHot = tf.oneHot(labels, 3).toFloat();
    const g = tf.tidy(() => tf.grad((z: tf.Tensor) => loss(oneHot, z))(tf.sigmoid(x)));
    const gd = g.dataSync();
    for (let i = 0; i < gd.length; i++) if (i % 3 !== 2) expect(gd[i]).toBe(0);
  });

  it('leaves one tensor per call, none after tf.grad in a tidy or after an error', () => {
    const yTrue = randomMask([2, 4, 4, 1], 14);
    const x = randomLogits([2, 4, 4, 1], 15);
    const loss = boundaryLoss();
    expectNoLeak(loss, yTrue, x, () => boundaryLoss({ spacing: [1] })(yTrue, x), /^boundaryLoss: option 'spacing' must have one entry per spatial axis/);
  });
});

describe('boundaryLoss() errors', () => {
  beforeAll(() => useBackend('cpu'));
  freeTensorsAfterEach();

  it('names the function, the argument, what was expected and what came', () => {
    const yTrue = tf.zeros([1, 4, 4, 1]);
    const x = tf.zeros([1, 4, 4, 1]);
    expect(() => boundaryLoss({ spacing: [1, 1, 1] })(yTrue, x)).toThrow(/^boundaryLoss: option 'spacing' must have one entry per spatial axis \(2 .*got 3\./);
    expect(() => boundaryLoss({ spacing: [-1, 1] })).toThrow(/^boundaryLoss: option 'spacing' must be a non-empty array of finite numbers > 0/);
    expect(() => boundaryLoss({ classes: [1] })(yTrue, x)).toThrow(/^boundaryLoss: option 'classes' must hold class ids in \[0, 1\), got 1\./);
    expect(() => boundaryLoss({ classes: [] })).toThrow(/^boundaryLoss: option 'classes' must be a non-empty array/);
    expect(() => boundaryLoss({ reduction: 'none' } as never)).toThrow(/^boundaryLoss: option 'reduction' must be one of 'mean', 'sum', got 'none'\./);
    expect(() => boundaryLoss({ ignoreIndex: 2 } as never)).toThrow(/^boundaryLoss: unknown option 'ignoreIndex'/);
    expect(() => boundaryLoss()(tf.zeros([1, 4, 5, 1]), x)).toThrow(/^boundaryLoss: yTrue must have the shape of yPred/);
  });
});
