/**
 * focalLoss: closed forms and identities. The shared battery (test/helpers/lossBattery.ts) covers
 * the behaviours every loss shares; focalComposite.test.ts covers the composite path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss, crossEntropyLoss, focalLoss, type Mode } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { channelsFirstPerm, valueOf } from '../helpers/lossValue.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('focalLoss', (o = {}) => focalLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  // A map per element (binary, multilabel) or per pixel (multiclass).
  none: (shape, mode: Mode) => (mode === 'multiclass' ? shape.slice(0, -1) : [...shape]),
});

describe.each(BACKENDS)('focalLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('focalLoss() gives α_t·(1 − p_t)^γ·ce for a hand-derived binary case', () => {
    // Logits 0: p = 1/2, ce = ln 2 and (1 − p_t)² = 1/4 for either target. α_t = 0.25 where t = 1
    // and 0.75 where t = 0: the mean over the two elements is (0.25 + 0.75)/2 · (1/4) · ln 2.
    const t = tf.tensor3d([1, 0], [1, 2, 1]);
    const x = tf.zeros([1, 2, 1]);
    expectClose(valueOf(focalLoss(), t, x), 0.125 * Math.LN2);
    // γ = 1, α = null, x = 2, t = 1: p_t = σ(2), ce = ln(1 + e^−2): (1 − σ(2))·ln(1 + e^−2).
    const s = 1 / (1 + Math.exp(-2));
    const one = tf.tensor3d([1], [1, 1, 1]);
    expectClose(valueOf(focalLoss({ gamma: 1, alpha: null }), one, tf.fill([1, 1, 1], 2)), (1 - s) * Math.log1p(Math.exp(-2)));
  });

  it('focalLoss() gives −Σ α_c·t_c·(1 − p_c)^γ·log p_c for a hand-derived multiclass case', () => {
    // Zero logits over C = 4: p_c = 1/4 for every class, so each pixel gives (3/4)²·ln 4 without α,
    // and α_c of its label times that with a per-class α (labels 0 and 2: mean (0.1 + 0.5)/2).
    const labels = tf.tensor2d([0, 2], [1, 2], 'int32');
    const x = tf.zeros([1, 2, 4]);
    expectClose(valueOf(focalLoss({ mode: 'multiclass' }), labels, x), (9 / 16) * Math.log(4));
    expectClose(valueOf(focalLoss({ mode: 'multiclass', alpha: [0.1, 0.2, 0.5, 1] }), labels, x), 0.3 * (9 / 16) * Math.log(4));
  });

  it('focalLoss with γ = 0 and alpha null equals bceLoss (binary) and crossEntropyLoss (multiclass)', () => {
    const x = randomLogits([2, 4, 4, 1], 20);
    const t = randomMask([2, 4, 4, 1], 21);
    expectClose(valueOf(focalLoss({ gamma: 0, alpha: null }), t, x), valueOf(bceLoss(), t, x));
    const xm = randomLogits([2, 4, 4, 3], 22);
    const labels = randomLabels([2, 4, 4], 3, 23);
    expectClose(valueOf(focalLoss({ mode: 'multiclass', gamma: 0 }), labels, xm), valueOf(crossEntropyLoss(), labels, xm));
  });

  it("focalLoss({ reduction: 'none' }) keeps the channels-first layout of yPred", () => {
    const x = randomLogits([2, 4, 4, 3], 31);
    const t = randomMask([2, 4, 4, 3], 32);
    const perm = channelsFirstPerm(4);
    const map = focalLoss({ mode: 'multilabel', reduction: 'none', dataFormat: 'channelsFirst' })(tf.transpose(t, perm), tf.transpose(x, perm));
    expect(map.shape).toEqual([2, 3, 4, 4]);
  });
});
