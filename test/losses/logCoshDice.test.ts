import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { diceLoss, logCoshDiceLoss } from '../../src/index.js';
import { logCosh } from '../../src/losses/logCoshDice.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

describeLossBattery('logCoshDiceLoss', (o = {}) => logCoshDiceLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  none: (shape) => [shape[shape.length - 1]],
  classes: true,
  classWeights: true,
});

describe.each(BACKENDS)('logCoshDiceLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('logCoshDiceLoss() is named, gives 0 for a perfect prediction and log cosh(1 − s/(N + s)) for an all-wrong one', () => {
    // p = t: s = 1, log cosh 0 = 0.  p = 1 − t: I = 0, P + T = N, s = smooth / (N + smooth).
    const t = randomMask([1, 5, 6, 1], 1, 0.4);
    const wrong = tf.sub(1, t);
    const loss = logCoshDiceLoss({ fromLogits: false, smooth: 1 });
    expect(loss.name).toBe('logCoshDiceLoss');
    expectClose(valueOf(loss, t, t), 0, { rtol: 0, atol: 1e-7 });
    expectClose(valueOf(loss, t, wrong), Math.log(Math.cosh(1 - 1 / 31)));
  });

  it("equals log cosh of diceLoss per class with reduction 'none' ([C], [B, C] per image)", () => {
    const x = randomLogits([2, 4, 4, 3], 2);
    const labels = randomLabels([2, 4, 4], 3, 3);
    for (const perImage of [false, true]) {
      const o = { mode: 'multiclass', perImage, reduction: 'none' } as const;
      const got = tf.tidy(() => logCoshDiceLoss(o)(labels, x));
      const dice = tf.tidy(() => diceLoss(o)(labels, x).arraySync() as number[] | number[][]);
      expect(got.shape).toEqual(perImage ? [2, 3] : [3]);
      expectClose(got, dice.flat().map((d) => Math.log(Math.cosh(d))), { rtol: 1e-5, atol: 1e-7 });
      got.dispose();
    }
  });

  it('logCosh is exact, finite for large arguments and has the gradient tanh(x)', () => {
    const x = tf.tensor1d([-100, -1, -1e-3, 0, 0.5, 1, 100]);
    const want = Array.from(x.dataSync(), (v) => (Math.abs(v) > 50 ? Math.abs(v) - Math.LN2 : Math.log(Math.cosh(v))));
    expectClose(tf.tidy(() => logCosh(x)), want, { rtol: 1e-6, atol: 1e-7 }, 'value');
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(logCosh(v)))(x));
    expectClose(g, Array.from(x.dataSync(), Math.tanh), { rtol: 1e-6, atol: 1e-7 }, 'grad');
  });

  it('logCoshDiceLoss() gives a gradient equal to central finite differences', () => {
    const x = randomLogits([1, 3, 3, 3], 6);
    const labels = randomLabels([1, 3, 3], 3, 7);
    const loss = logCoshDiceLoss({ mode: 'multiclass' });
    expectClose(gradOf(loss, labels, x), finiteDiff((v) => loss(labels, v), x), { rtol: 2e-2, atol: 2e-3 });
  });

  it('logCoshDiceLoss() leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = randomLogits([1, 4, 4, 1], 8);
    const t = randomMask([1, 4, 4, 1], 9);
    const loss = logCoshDiceLoss();
    const wrong = tf.zeros([1, 4, 4, 2]);
    expectNoLeak(loss, t, x, () => loss(t, wrong), /^logCoshDiceLoss: yPred must have C = 1 channel/);
  });

  it('logCoshDiceLoss() rejects logLoss, squared and bad option values', () => {
    expect(() => logCoshDiceLoss({ logLoss: true } as never)).toThrow(/^logCoshDiceLoss: unknown option 'logLoss'/);
    expect(() => logCoshDiceLoss({ squared: true } as never)).toThrow(/^logCoshDiceLoss: unknown option 'squared'/);
    expect(() => logCoshDiceLoss({ smooth: -1 })).toThrow(/^logCoshDiceLoss: option 'smooth' must be a number >= 0, got -1/);
    expect(() => logCoshDiceLoss({ mode: 'multi' as never })).toThrow(/^logCoshDiceLoss: option 'mode'/);
  });

  it('the @example gives the documented value (≈ 0.0001)', () => {
    const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
    const logits = tf.tensor4d([4, -4, -4, 4], [1, 2, 2, 1]);
    expectClose(valueOf(logCoshDiceLoss(), yTrue, logits), 0.0001, { rtol: 0, atol: 5e-6 });
  });
});
