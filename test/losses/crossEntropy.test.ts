/**
 * crossEntropyLoss: closed forms. The shared battery (test/helpers/lossBattery.ts) covers the
 * behaviours every loss shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropyLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLabels } from '../helpers/random.js';

describeLossBattery('crossEntropyLoss', (o = {}) => crossEntropyLoss(o), {
  modes: ['multiclass'],
  none: (shape) => shape.slice(0, -1),
  classWeights: true,
});

// One pixel with logits [2, 0, −1]: log p = x − ln(e² + 1 + e^−1).
const LSE = Math.log(Math.exp(2) + 1 + Math.exp(-1));
const LOGP = [2 - LSE, -LSE, -1 - LSE];

describe.each(BACKENDS)('crossEntropyLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('crossEntropyLoss() gives ln C for zero logits, whatever the labels', () => {
    // softmax of zeros: p_c = 1/C, −ln(1/C) = ln C.
    expectClose(valueOf(crossEntropyLoss(), randomLabels([2, 3, 3], 4, 1), tf.zeros([2, 3, 3, 4])), Math.log(4));
  });

  it('crossEntropyLoss() gives −log p of the label for a hand-derived case', () => {
    const x = tf.tensor3d([2, 0, -1], [1, 1, 3]);
    expectClose(valueOf(crossEntropyLoss(), tf.tensor2d([0], [1, 1], 'int32'), x), -LOGP[0]);
    expectClose(valueOf(crossEntropyLoss(), tf.tensor2d([2], [1, 1], 'int32'), x), -LOGP[2]);
  });

  it('crossEntropyLoss({ classWeights }) is the weighted mean Σ w_y·ℓ / Σ w_y', () => {
    // Pixels with labels [0, 1], logits [2, 0, −1] and [0, 0, 0] (ℓ = ln 3); w = [1, 3, 1]:
    // (1·(−log p_0) + 3·ln 3) / (1 + 3).
    const x = tf.tensor3d([2, 0, -1, 0, 0, 0], [1, 2, 3]);
    const labels = tf.tensor2d([0, 1], [1, 2], 'int32');
    expectClose(valueOf(crossEntropyLoss({ classWeights: [1, 3, 1] }), labels, x), (-LOGP[0] + 3 * Math.log(3)) / 4);
  });

  it('crossEntropyLoss({ labelSmoothing: ε }) uses t′ = t·(1 − ε) + ε/C', () => {
    // Label 0, ε = 0.3, C = 3: t′ = [0.8, 0.1, 0.1].
    const x = tf.tensor3d([2, 0, -1], [1, 1, 3]);
    const want = -(0.8 * LOGP[0] + 0.1 * LOGP[1] + 0.1 * LOGP[2]);
    expectClose(valueOf(crossEntropyLoss({ labelSmoothing: 0.3 }), tf.tensor2d([0], [1, 1], 'int32'), x), want);
  });

  it('crossEntropyLoss({ ignoreIndex }) averages over the valid pixels and zeroes the ignored ones in the map', () => {
    // Labels [0, 255]: only the first pixel counts.
    const x = tf.tensor3d([2, 0, -1, 5, -5, 0], [1, 2, 3]);
    const labels = tf.tensor2d([0, 255], [1, 2], 'int32');
    expectClose(valueOf(crossEntropyLoss({ ignoreIndex: 255 }), labels, x), -LOGP[0]);
    const map = crossEntropyLoss({ ignoreIndex: 255, reduction: 'none' })(labels, x).dataSync();
    expect(Math.abs(map[1])).toBe(0); // 0 or −0
  });
});
