/**
 * bceLoss: closed forms. The shared battery (test/helpers/lossBattery.ts) covers the behaviours
 * every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomMask } from '../helpers/random.js';

describeLossBattery('bceLoss', (o = {}) => bceLoss(o), {
  modes: ['binary', 'multilabel'],
  none: (shape) => [...shape],
});

/** ln(1 + e^x), the BCE of a logit −x against the target 1. */
const softplus = (x: number): number => Math.log1p(Math.exp(x));

describe.each(BACKENDS)('bceLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('bceLoss() gives ln 2 for zero logits, whatever the targets', () => {
    // p = 1/2: −[t·ln(1/2) + (1 − t)·ln(1/2)] = ln 2.
    expectClose(valueOf(bceLoss(), randomMask([2, 3, 3, 1], 1), tf.zeros([2, 3, 3, 1])), Math.LN2);
  });

  it('bceLoss() gives the mean of softplus(−x) where t = 1 and softplus(x) where t = 0', () => {
    // t = [1, 0], x = [2, −1]: −ln σ(2) = ln(1 + e^−2); −ln(1 − σ(−1)) = ln(1 + e^−1).
    const t = tf.tensor3d([1, 0], [1, 2, 1]);
    const x = tf.tensor3d([2, -1], [1, 2, 1]);
    expectClose(valueOf(bceLoss(), t, x), (softplus(-2) + softplus(-1)) / 2);
    // posWeight w scales the t = 1 term: (3·ln(1 + e^−2) + ln(1 + e^−1)) / 2.
    expectClose(valueOf(bceLoss({ posWeight: 3 }), t, x), (3 * softplus(-2) + softplus(-1)) / 2);
    // 'sum' adds the two terms.
    expectClose(valueOf(bceLoss({ reduction: 'sum' }), t, x), softplus(-2) + softplus(-1));
  });

  it('bceLoss({ labelSmoothing: ε }) uses t′ = t·(1 − ε) + ε/2', () => {
    // t = 1, ε = 0.2: t′ = 0.9, so −[0.9·ln σ(2) + 0.1·ln(1 − σ(2))] = 0.9·ln(1 + e^−2) + 0.1·ln(1 + e^2).
    const t = tf.tensor3d([1], [1, 1, 1]);
    const x = tf.tensor3d([2], [1, 1, 1]);
    expectClose(valueOf(bceLoss({ labelSmoothing: 0.2 }), t, x), 0.9 * softplus(-2) + 0.1 * softplus(2));
  });

  it('bceLoss({ fromLogits: false }) clamps probabilities to [1e-7, 1 − 1e-7]', () => {
    // p = 0 against t = 1: −ln(1e-7), finite (≈ 16.12) rather than Infinity.
    const v = valueOf(bceLoss({ fromLogits: false }), tf.ones([1, 1, 1]), tf.zeros([1, 1, 1]));
    expectClose(v, -Math.log(1e-7), { rtol: 1e-4, atol: 0 });
  });

  it('bceLoss({ ignoreIndex }) averages over the valid elements only', () => {
    // t = [1, 255], x = [2, 7]: only the first element counts, ln(1 + e^−2).
    const t = tf.tensor3d([1, 255], [1, 2, 1]);
    const x = tf.tensor3d([2, 7], [1, 2, 1]);
    expectClose(valueOf(bceLoss({ ignoreIndex: 255 }), t, x), softplus(-2));
    const map = bceLoss({ ignoreIndex: 255, reduction: 'none' })(t, x).dataSync();
    expect(map[1]).toBe(0);
  });
});
