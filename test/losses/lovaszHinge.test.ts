/**
 * lovaszHingeLoss beyond the golden fixtures: closed forms, groups, layouts, ignored pixels,
 * extreme logits, finite-difference gradients, memory, errors and scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lovaszHingeLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLogits, randomMask, rng } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

describeLossBattery('lovaszHingeLoss', (o = {}) => lovaszHingeLoss(o), {
  modes: ['binary'],
  // Random logits put ties and kinks within a finite-difference step: see the test below that avoids them.
  gradCheck: false,
});

describe.each(BACKENDS)('lovaszHingeLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('runs its TSDoc @example and gets the 0 it states', () => {
    const loss = lovaszHingeLoss();
    const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
    const logits = tf.tensor4d([2, -2, -2, 2], [1, 2, 2, 1]);
    expect(valueOf(loss, yTrue, logits)).toBe(0);
  });

  it('returns 0 and a zero gradient when every pixel is on its side with margin >= 1', () => {
    const yTrue = tf.tensor4d([1, 0, 0, 1, 1, 0], [1, 2, 3, 1]);
    const yPred = tf.tensor4d([1, -3, -1, 2.5, 4, -1], [1, 2, 3, 1]);
    expect(valueOf(lovaszHingeLoss(), yTrue, yPred)).toBe(0);
    expectClose(gradOf(lovaszHingeLoss(), yTrue, yPred), new Float32Array(6), { rtol: 0, atol: 0 });
  });

  it('returns 1 for all-zero logits (every error is 1 and Σ g telescopes to J_N = 1)', () => {
    const yTrue = randomMask([2, 4, 4, 1], 3);
    const yPred = tf.zeros([2, 4, 4, 1]);
    expectClose(valueOf(lovaszHingeLoss(), yTrue, yPred), 1);
  });

  it('gives the hand-derived value for two pixels', () => {
    // t = [1, 0], x = [0.5, 0.5]: errors [0.5, 1.5], sorted → [1.5 (t=0), 0.5 (t=1)]; G = 1,
    // J = [1/2, 2/2], g = [1/2, 1/2]; loss = 1.5/2 + 0.5/2 = 1. Gradient: −sign·g = [−1/2, 1/2].
    const yTrue = tf.tensor3d([1, 0], [1, 2, 1]);
    const yPred = tf.tensor3d([0.5, 0.5], [1, 2, 1]);
    expectClose(valueOf(lovaszHingeLoss(), yTrue, yPred), 1);
    expectClose(gradOf(lovaszHingeLoss(), yTrue, yPred), [-0.5, 0.5]);
  });

  it('perImage equals the mean of the single-image losses', () => {
    const yTrue = randomMask([3, 5, 4, 1], 11);
    const yPred = randomLogits([3, 5, 4, 1], 12);
    const loss = lovaszHingeLoss();
    const singles = [0, 1, 2].map((b) =>
      tf.tidy(() => valueOf(loss, tf.slice(yTrue, [b, 0, 0, 0], [1, 5, 4, 1]), tf.slice(yPred, [b, 0, 0, 0], [1, 5, 4, 1]))),
    );
    expectClose(valueOf(loss, yTrue, yPred), singles.reduce((a, b) => a + b, 0) / 3);
  });

  it('perImage: false equals the loss of the batch laid out as one image', () => {
    const yTrue = randomMask([3, 5, 4, 1], 13);
    const yPred = randomLogits([3, 5, 4, 1], 14);
    const whole = tf.tidy(() => valueOf(lovaszHingeLoss(), tf.reshape(yTrue, [1, 15, 4, 1]), tf.reshape(yPred, [1, 15, 4, 1])));
    expectClose(valueOf(lovaszHingeLoss({ perImage: false }), yTrue, yPred), whole);
  });

  it('ignoreIndex drops ignored pixels from the loss and gives them a zero gradient', () => {
    const t = [1, 255, 0, 0, 255, 1, 1, 0];
    const x = [0.3, 5, -0.7, 1.2, -4, 2.1, -0.4, 0.9];
    const keep = t.map((v, i) => (v === 255 ? -1 : i)).filter((i) => i >= 0);
    const loss = lovaszHingeLoss({ ignoreIndex: 255 });
    const yTrue = tf.tensor3d(t, [1, 8, 1]);
    const yPred = tf.tensor3d(x, [1, 8, 1]);
    const [tv, xv] = [tf.tensor3d(keep.map((i) => t[i]), [1, 6, 1]), tf.tensor3d(keep.map((i) => x[i]), [1, 6, 1])];
    expectClose(valueOf(loss, yTrue, yPred), valueOf(lovaszHingeLoss(), tv, xv));
    const g = gradOf(loss, yTrue, yPred);
    expectClose([g[1], g[4]], [0, 0], { rtol: 0, atol: 0 });
    expectClose(keep.map((i) => g[i]), gradOf(lovaszHingeLoss(), tv, xv));
  });

  it('gives 0 and a zero gradient for an all-ignored batch, in both group modes', () => {
    const yTrue = tf.fill([2, 3, 3, 1], 255);
    const yPred = randomLogits([2, 3, 3, 1], 19);
    for (const perImage of [true, false]) {
      const loss = lovaszHingeLoss({ ignoreIndex: 255, perImage });
      expect(valueOf(loss, yTrue, yPred)).toBe(0);
      expectClose(gradOf(loss, yTrue, yPred), new Float32Array(18), { rtol: 0, atol: 0 });
    }
  });

  it('an image with no valid pixel counts as 0 in the perImage mean', () => {
    // Image 0 all ignored, image 1 all-zero logits (loss 1, see above): mean = (0 + 1) / 2.
    const yTrue = tf.concat([tf.fill([1, 4, 1], 255), tf.tensor3d([1, 0, 1, 1], [1, 4, 1])]);
    const yPred = tf.zeros([2, 4, 1]);
    expectClose(valueOf(lovaszHingeLoss({ ignoreIndex: 255 }), yTrue, yPred), 0.5);
  });

  it('has the gradient of central finite differences away from ties and kinks', () => {
    // Logits 0.1·k + 0.037 (k a permutation): errors 1 ∓ x never tie (x_i ≠ −x_j because of the
    // offset) and never reach 0 (x ≠ ±1); the nearest kink is 0.026 away, beyond h = 0.01.
    const r = rng(5);
    const ks = Array.from({ length: 18 }, (_, i) => i - 9).sort(() => r() - 0.5);
    const yPred = tf.tensor4d(ks.map((k) => 0.1 * k + 0.037), [2, 3, 3, 1]);
    const yTrue = randomMask([2, 3, 3, 1], 22);
    for (const perImage of [true, false]) {
      const loss = lovaszHingeLoss({ perImage });
      const numeric = finiteDiff((x) => loss(yTrue, x), yPred, 1e-2);
      expectClose(gradOf(loss, yTrue, yPred), numeric, { rtol: 2e-2, atol: 1e-3 });
    }
  });

  it('leaves only its result behind, over 10 calls, under tf.grad, and when it throws', () => {
    const yTrue = randomMask([2, 4, 4, 1], 23);
    const yPred = randomLogits([2, 4, 4, 1], 24);
    const loss = lovaszHingeLoss({ ignoreIndex: 255 });
    const wrong = tf.zeros([2, 4, 4, 3]);
    expectNoLeak(loss, yTrue, yPred, () => loss(yTrue, wrong), /^lovaszHingeLoss: /);
  });

  it('runs forward and backward on [8, 256, 256, 1] without leaking', () => {
    const yTrue = randomMask([8, 256, 256, 1], 25);
    const yPred = tf.randomNormal([8, 256, 256, 1], 0, 2, 'float32', 26);
    const before = tf.memory().numTensors;
    const [v, finite] = tf.tidy(() => {
      const { value: out, grad } = tf.valueAndGrad((x: tf.Tensor) => lovaszHingeLoss()(yTrue, x))(yPred);
      return [out.dataSync()[0], tf.all(tf.isFinite(grad)).dataSync()[0]];
    });
    expect(Number.isFinite(v) && v > 0).toBe(true);
    expect(finite).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a non-binary mode, fromLogits: false, unknown options and C ≠ 1 with clear errors', () => {
    expect(() => lovaszHingeLoss({ mode: 'multiclass' as 'binary' })).toThrow(/^lovaszHingeLoss: option 'mode' must be 'binary'.*lovaszSoftmaxLoss.*got 'multiclass'/);
    expect(() => lovaszHingeLoss({ fromLogits: false as true })).toThrow(/^lovaszHingeLoss: option 'fromLogits' must be true.*got false/);
    expect(() => lovaszHingeLoss({ perimage: true } as never)).toThrow(/^lovaszHingeLoss: unknown option 'perimage' \(did you mean 'perImage'\?\)/);
    expect(() => lovaszHingeLoss({ perImage: 1 as never })).toThrow(/^lovaszHingeLoss: option 'perImage' must be true or false, got 1/);
    const [t, x] = [tf.zeros([1, 4, 4, 2]), tf.zeros([1, 4, 4, 2])];
    expect(() => lovaszHingeLoss()(t, x)).toThrow(/^lovaszHingeLoss: yPred must have C = 1 channel .*got C = 2/);
    const [bad, good] = [tf.zeros([1, 4, 5, 1]), tf.zeros([1, 4, 4, 1])];
    expect(() => lovaszHingeLoss()(bad, good)).toThrow(/^lovaszHingeLoss: yTrue must have the shape of yPred/);
  });
});
