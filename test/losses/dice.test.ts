/**
 * diceLoss: closed forms and identities. The shared battery (test/helpers/lossBattery.ts) covers
 * the behaviours every loss shares: perfect prediction, ignoreIndex, layouts, dimensions,
 * reductions, classes, classWeights, gradients, errors and memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { diceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('diceLoss', (o = {}) => diceLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  none: (shape) => [shape[shape.length - 1]],
  classes: true,
  classWeights: true,
});

describe.each(BACKENDS)('diceLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  // One image of 4 pixels: t = [1, 1, 0, 0], p = [0.9, 0.4, 0.2, 0.1] (probabilities).
  // I = 0.9 + 0.4 = 1.3, P = 1.6, T = 2; with smooth 1: s = (2·1.3 + 1) / (1.6 + 2 + 1) = 3.6 / 4.6.
  const t4 = () => tf.tensor3d([1, 1, 0, 0], [1, 4, 1]);
  const p4 = () => tf.tensor3d([0.9, 0.4, 0.2, 0.1], [1, 4, 1]);

  it('diceLoss() gives 1 − (2I + smooth) / (P + T + smooth) for a hand-derived case', () => {
    expectClose(valueOf(diceLoss({ fromLogits: false }), t4(), p4()), 1 - 3.6 / 4.6);
    // smooth 0: s = 2.6 / 3.6.
    expectClose(valueOf(diceLoss({ fromLogits: false, smooth: 0 }), t4(), p4()), 1 - 2.6 / 3.6);
  });

  it('diceLoss({ logLoss: true }) gives −log s for the same case', () => {
    expectClose(valueOf(diceLoss({ fromLogits: false, logLoss: true }), t4(), p4()), -Math.log(3.6 / 4.6));
  });

  it('diceLoss({ squared: true }) sums p² and t² in the denominator', () => {
    // P = 0.81 + 0.16 + 0.04 + 0.01 = 1.02, T = 2: s = 3.6 / (1.02 + 2 + 1).
    expectClose(valueOf(diceLoss({ fromLogits: false, squared: true }), t4(), p4()), 1 - 3.6 / 4.02);
  });

  it('diceLoss({ softLabel: true }) equals the default for hard targets and is 0 at p = t for soft ones', () => {
    // I = (P + T − Σ|p − t|) / 2 = (1.6 + 2 − (0.1 + 0.6 + 0.2 + 0.1)) / 2 = 1.3 = Σ p·t.
    expectClose(valueOf(diceLoss({ fromLogits: false, softLabel: true }), t4(), p4()), 1 - 3.6 / 4.6);
    // Soft t = p: I = (2P − 0) / 2 = P = T, s = (2P + 1) / (2P + 1) = 1.
    expectClose(valueOf(diceLoss({ fromLogits: false, softLabel: true }), p4(), p4()), 0);
  });

  it('diceLoss() gives 1 − smooth / (N + smooth) for an all-wrong prediction', () => {
    // p = 1 − t: I = 0 and P + T = N (every element is in exactly one of the two), N = 32.
    const t = randomMask([2, 4, 4, 1], 28);
    const wrong = tf.sub(1, t);
    expectClose(valueOf(diceLoss({ fromLogits: false }), t, wrong), 1 - 1 / 33);
    expectClose(valueOf(diceLoss({ fromLogits: false, smooth: 2 }), t, wrong), 1 - 2 / 34);
  });

  it('diceLoss() gives ~0 for an empty target with an empty prediction and penalises a confident false positive', () => {
    // No class is zeroed when absent: with P ≈ T = 0, s = smooth / smooth = 1; with P = 16, T = 0: s = 1/17.
    const t = tf.zeros([1, 4, 4, 1]);
    expect(valueOf(diceLoss(), t, tf.fill([1, 4, 4, 1], -30))).toBeLessThan(1e-6);
    expectClose(valueOf(diceLoss(), t, tf.fill([1, 4, 4, 1], 30)), 1 - 1 / 17);
  });

  it("diceLoss({ perImage: true, reduction: 'none' }) returns [B, C], whose mean is the per-image 'mean'", () => {
    const x = randomLogits([2, 4, 4, 3], 31);
    const t = randomMask([2, 4, 4, 3], 32);
    const none = diceLoss({ mode: 'multilabel', reduction: 'none', perImage: true })(t, x);
    expect(none.shape).toEqual([2, 3]);
    expectClose(valueOf(diceLoss({ mode: 'multilabel', perImage: true }), t, x), tf.mean(none));
  });

  it('diceLoss({ perImage: true }) is the mean over images of the single-image loss', () => {
    const x = randomLogits([3, 4, 4, 3], 33);
    const labels = randomLabels([3, 4, 4], 3, 34);
    const loss = diceLoss({ mode: 'multiclass', perImage: true });
    const single = [0, 1, 2].map((b) => valueOf(diceLoss({ mode: 'multiclass' }), labels.slice([b], [1]), x.slice([b], [1])));
    expectClose(valueOf(loss, labels, x), single.reduce((a, b) => a + b, 0) / 3);
  });

  it("diceLoss({ classWeights }) gives Σ w_c·L_c / Σ w_c of the per-class losses", () => {
    const x = randomLogits([2, 4, 4, 3], 35);
    const labels = randomLabels([2, 4, 4], 3, 36);
    const L = diceLoss({ mode: 'multiclass', reduction: 'none' })(labels, x).dataSync();
    const want = (1 * L[0] + 2 * L[1] + 5 * L[2]) / 8;
    expectClose(valueOf(diceLoss({ mode: 'multiclass', classWeights: [1, 2, 5] }), labels, x), want);
  });
});
