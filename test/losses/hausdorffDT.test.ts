/**
 * hausdorffDTLoss(): closed forms, the role of the predicted mask p > 0.5, α, class defaults,
 * layouts, dimensions, exact gradients (the distance fields are constants), errors and memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hausdorffDTLoss } from '../../src/index.js';
import { unsignedDistanceField } from '../../src/core/edt.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

const value = (f: () => tf.Tensor): number => tf.tidy(() => f().dataSync()[0]);

/** Direct transcription of the SPEC formula for one channel-last binary case (C = 1). */
function direct(t: ArrayLike<number>, p: ArrayLike<number>, B: number, spatial: number[], alpha: number, spacing: number[]): number {
  const N = spatial.reduce((a, b) => a * b, 1);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const tm = Uint8Array.from({ length: N }, (_, i) => (t[b * N + i] > 0.5 ? 1 : 0));
    const pm = Uint8Array.from({ length: N }, (_, i) => (p[b * N + i] > 0.5 ? 1 : 0));
    const dt = unsignedDistanceField(tm, spatial, spacing);
    const dp = unsignedDistanceField(pm, spatial, spacing);
    for (let i = 0; i < N; i++) total += (p[b * N + i] - tm[i]) ** 2 * (dp[i] ** alpha + dt[i] ** alpha);
  }
  return total / (B * N);
}

describeLossBattery('hausdorffDTLoss', (o = {}) => hausdorffDTLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  ignoreIndex: false,
  // Distances depend on the arrangement; the mask p > 0.5 changes within a finite-difference step of a logit near 0.
  layoutFree: false,
  gradCheck: false,
});

describe.each(BACKENDS)('hausdorffDTLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('is named hausdorffDTLoss and runs its documented example', () => {
    const loss = hausdorffDTLoss({ fromLogits: false });
    expect(loss.name).toBe('hausdorffDTLoss');
    const yTrue = tf.tensor3d([0, 1, 1, 0], [1, 4, 1]);
    const probs = tf.tensor3d([0, 1, 0.75, 0], [1, 4, 1]);
    expectClose(value(() => loss(yTrue, probs)), 0.03125); // 0.25²·(1 + 1) / 4
  });

  it('is 0 for a prediction equal to a hard target', () => {
    const yTrue = randomMask([2, 5, 6, 1], 1, 0.4);
    expect(value(() => hausdorffDTLoss({ fromLogits: false })(yTrue, yTrue))).toBe(0);
  });

  it('weighs an error by the distances to both the true and the predicted boundaries', () => {
    // Target G = {0} on a 1 × 5 line: d_t = [1, 1, 2, 3, 4]. Prediction p = 0.6 at 4, else exact:
    // predicted mask {0, 4}, d_p = [1, 1, 2, 1, 1]. Only q = 4 errs: 0.6²·(1^α + 4^α) / 5.
    const yTrue = tf.tensor3d([1, 0, 0, 0, 0], [1, 5, 1]);
    const probs = tf.tensor3d([1, 0, 0, 0, 0.6], [1, 5, 1]);
    for (const alpha of [1, 2, 0.5]) {
      expectClose(value(() => hausdorffDTLoss({ fromLogits: false, alpha })(yTrue, probs)), (0.36 * (1 + 4 ** alpha)) / 5, undefined, `alpha ${alpha}`);
    }
    expectClose(value(() => hausdorffDTLoss({ fromLogits: false, reduction: 'sum' })(yTrue, probs)), 0.36 * 17);
    // Below 0.5 the predicted mask is just {0}, so d_p = d_t: 0.4²·(16 + 16) / 5.
    const low = tf.tensor3d([1, 0, 0, 0, 0.4], [1, 5, 1]);
    expectClose(value(() => hausdorffDTLoss({ fromLogits: false })(yTrue, low)), (0.16 * 32) / 5);
  });

  it('matches the formula on random 1-D, 2-D and 3-D cases with spacing', () => {
    for (const shape of [[2, 13, 1], [2, 6, 5, 1], [1, 4, 5, 3, 1]]) {
      const yTrue = randomMask(shape, shape.length, 0.4);
      const x = randomLogits(shape, shape.length + 5);
      const spatial = shape.slice(1, -1);
      const spacing = spatial.map((_, i) => 1.5 - 0.5 * i);
      const p = tf.tidy(() => tf.sigmoid(x).dataSync());
      const want = direct(yTrue.dataSync(), p, shape[0], spatial, 2, spacing);
      expectClose(value(() => hausdorffDTLoss({ spacing })(yTrue, x)), want, { rtol: 1e-5, atol: 1e-5 }, `[${shape}]`);
      tf.dispose([yTrue, x]);
    }
  });

  it('keeps every class by default, background included, in multiclass mode', () => {
    const labels = randomLabels([2, 5, 4], 3, 3);
    const x = randomLogits([2, 5, 4, 3], 4);
    const mc = (o = {}) => value(() => hausdorffDTLoss({ mode: 'multiclass', ...o })(labels, x));
    expectClose(mc(), mc({ classes: [0, 1, 2] }));
    // 'mean' over kept classes: the mean of the three single-class losses.
    expectClose(mc(), (mc({ classes: [0] }) + mc({ classes: [1] }) + mc({ classes: [2] })) / 3);
    const oneHot = tf.oneHot(labels, 3).toFloat();
    expectClose(value(() => hausdorffDTLoss({ mode: 'multiclass' })(oneHot, x)), mc());
  });

  it('has the exact gradient 2(p − t)·W·σ′(x) / N, which finite differences confirm', () => {
    // Logits kept away from 0 so that no p crosses 0.5 under the ±h steps (the mask would change).
    const yTrue = randomMask([1, 4, 3, 1], 8, 0.5);
    const x = tf.tidy(() => {
      const r = randomLogits([1, 4, 3, 1], 9);
      return tf.add(r, tf.mul(tf.sign(r), 0.5));
    });
    const loss = hausdorffDTLoss();
    const grad = tf.tidy(() => tf.grad((z: tf.Tensor) => loss(yTrue, z))(x));
    // W = d_p² + d_t² from the masks; build it with the same field function.
    const t = yTrue.dataSync();
    const xs = x.dataSync();
    const tm = Uint8Array.from(t);
    const pm = Uint8Array.from(xs, (v) => (v > 0 ? 1 : 0));
    const dt = unsignedDistanceField(tm, [4, 3], [1, 1]);
    const dp = unsignedDistanceField(pm, [4, 3], [1, 1]);
    const closed = Array.from(xs, (v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      return (2 * (s - t[i]) * (dp[i] ** 2 + dt[i] ** 2) * s * (1 - s)) / 12;
    });
    expectClose(grad, closed, { rtol: 1e-4, atol: 1e-6 });
    expectClose(grad, finiteDiff((z) => loss(yTrue, z), x), { rtol: 2e-2, atol: 1e-3 });
  });

  it('leaves one tensor per call, none after tf.grad in a tidy or after an error', () => {
    const yTrue = randomMask([2, 4, 4, 1], 14);
    const x = randomLogits([2, 4, 4, 1], 15);
    const loss = hausdorffDTLoss();
    expectNoLeak(loss, yTrue, x, () => hausdorffDTLoss({ classes: [3] })(yTrue, x), /^hausdorffDTLoss: option 'classes' must hold class ids in \[0, 1\), got 3/);
  });
});

describe('hausdorffDTLoss() errors', () => {
  beforeAll(() => useBackend('cpu'));
  freeTensorsAfterEach();

  it('names the function, the argument, what was expected and what came', () => {
    const yTrue = tf.zeros([1, 4, 4, 1]);
    const x = tf.zeros([1, 4, 4, 1]);
    expect(() => hausdorffDTLoss({ alpha: 0 })).toThrow(/^hausdorffDTLoss: option 'alpha' must be a number > 0, got 0\./);
    expect(() => hausdorffDTLoss({ alpha: '2' } as never)).toThrow(/^hausdorffDTLoss: option 'alpha' must be a number > 0, got '2'\./);
    expect(() => hausdorffDTLoss({ spacing: [1, 1, 1] })(yTrue, x)).toThrow(/^hausdorffDTLoss: option 'spacing' must have one entry per spatial axis \(2 .*got 3\./);
    expect(() => hausdorffDTLoss({ spacing: 2 } as never)).toThrow(/^hausdorffDTLoss: option 'spacing' must be a non-empty array/);
    expect(() => hausdorffDTLoss({ classes: [1] })(yTrue, x)).toThrow(/^hausdorffDTLoss: option 'classes' must hold class ids in \[0, 1\), got 1\./);
    expect(() => hausdorffDTLoss({ reduction: 'none' } as never)).toThrow(/^hausdorffDTLoss: option 'reduction' must be one of 'mean', 'sum', got 'none'\./);
    expect(() => hausdorffDTLoss({ alhpa: 1 } as never)).toThrow(/^hausdorffDTLoss: unknown option 'alhpa' \(did you mean 'alpha'\?\)/);
    expect(() => hausdorffDTLoss({ mode: 'multiclass' })(yTrue, x)).toThrow(/^hausdorffDTLoss: yPred must have C >= 2 channels/);
  });
});
