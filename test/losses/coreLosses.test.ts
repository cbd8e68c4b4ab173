/**
 * Behaviour of the core losses beyond the golden fixtures: layouts, dimensions, identities
 * between losses, closed forms, extreme inputs, empty and ignored masks, gradients, memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bceDiceLoss,
  bceLoss,
  comboLoss,
  combineLosses,
  crossEntropyLoss,
  diceLoss,
  focalLoss,
  focalTverskyLoss,
  jaccardLoss,
  tverskyLoss,
  type LossFn,
} from '../../src/index.js';
import { toFirstPerm } from '../../src/core/normalize.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';

const value = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): number =>
  tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
const gradOf = (loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred).dataSync() as Float32Array);

/** Every core loss in a mode where it accepts C = 1 binary targets. */
const BINARY: Record<string, () => LossFn> = {
  diceLoss: () => diceLoss(),
  jaccardLoss: () => jaccardLoss(),
  tverskyLoss: () => tverskyLoss(),
  focalTverskyLoss: () => focalTverskyLoss(),
  focalLoss: () => focalLoss(),
  bceLoss: () => bceLoss(),
  bceDiceLoss: () => bceDiceLoss(),
  comboLoss: () => comboLoss(),
};
/** Every core loss that accepts multiclass index targets. */
const MULTICLASS: Record<string, () => LossFn> = {
  diceLoss: () => diceLoss({ mode: 'multiclass' }),
  jaccardLoss: () => jaccardLoss({ mode: 'multiclass' }),
  tverskyLoss: () => tverskyLoss({ mode: 'multiclass' }),
  focalTverskyLoss: () => focalTverskyLoss({ mode: 'multiclass' }),
  focalLoss: () => focalLoss({ mode: 'multiclass' }),
  crossEntropyLoss: () => crossEntropyLoss(),
  bceDiceLoss: () => bceDiceLoss({ mode: 'multiclass' }),
};

describe.each(BACKENDS)('core losses on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('each factory returns a function named after it', () => {
    for (const [name, make] of Object.entries({ ...BINARY, ...MULTICLASS })) expect(make().name).toBe(name);
  });

  describe.each(Object.entries(BINARY))('%s (binary)', (name, make) => {
    it(`${name}() works on 1-D, 2-D and 3-D inputs and agrees with the same pixels in 1-D`, () => {
      // The region sums and elementwise means do not depend on the spatial arrangement, so
      // the same 24 pixels laid out as [2,12,1], [2,3,4,1] and [2,2,3,2,1] give one value.
      const x = randomLogits([2, 12, 1], 1);
      const t = randomMask([2, 12, 1], 2);
      const loss = make();
      const flat = value(loss, t, x);
      for (const shape of [[2, 3, 4, 1], [2, 2, 3, 2, 1]]) {
        expectClose(value(loss, t.reshape(shape), x.reshape(shape)), flat, { rtol: 1e-5, atol: 1e-6 });
      }
      tf.dispose([x, t]);
    });

    it(`${name}() gives a finite value and gradient for logits of ±100`, () => {
      const t = randomMask([2, 4, 4, 1], 3);
      const x = tf.tidy(() => tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, 1], 4), 2), 1), 100));
      const loss = make();
      expect(Number.isFinite(value(loss, t, x))).toBe(true);
      expect(gradOf(loss, t, x).every(Number.isFinite)).toBe(true);
      tf.dispose([x, t]);
    });

    it(`${name}() gives 0 and a zero gradient when every element is ignored`, () => {
      const ignoreLoss = (BINARY_WITH_OPTIONS[name] as (o: object) => LossFn)({ ignoreIndex: 255 });
      const t = tf.fill([2, 3, 3, 1], 255);
      const x = randomLogits([2, 3, 3, 1], 5);
      expect(value(ignoreLoss, t, x)).toBe(0);
      expect(gradOf(ignoreLoss, t, x).every((g) => g === 0)).toBe(true);
      tf.dispose([x, t]);
    });

    it(`${name}() gives a gradient equal to central finite differences`, () => {
      const x = randomLogits([1, 3, 3, 1], 6);
      const t = randomMask([1, 3, 3, 1], 7, 0.5);
      const loss = make();
      const analytic = gradOf(loss, t, x);
      const numeric = finiteDiff((v) => loss(t, v), x);
      expectClose(analytic, numeric, { rtol: 2e-2, atol: 2e-3 }, `${name} grad`);
      tf.dispose([x, t]);
    });

    it(`${name}() differentiates through an intermediate yPred (chain rule: d/dv L(2v) = 2·L'(2v))`, () => {
      // Inside tf.grad or optimizer.minimize the model output is an intermediate tensor that the
      // caller's scope frees before the backward pass: the loss must keep what its gradient needs.
      const v = randomLogits([2, 3, 3, 1], 40);
      const t = randomMask([2, 3, 3, 1], 41);
      const loss = make();
      const viaIntermediate = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(t, tf.mul(x, 2))))(v).dataSync());
      const direct = tf.tidy(() => tf.mul(tf.grad((x: tf.Tensor) => tf.sum(loss(t, x)))(tf.mul(v, 2)), 2).dataSync());
      expectClose(viaIntermediate, direct, { rtol: 1e-5, atol: 1e-6 }, `${name} chain rule`);
      tf.dispose([v, t]);
    });

    it(`${name}() leaves no tensor behind over 10 calls, through tf.grad, and when it throws`, () => {
      const x = randomLogits([1, 4, 4, 1], 8);
      const t = randomMask([1, 4, 4, 1], 9);
      const loss = make();
      const wrong = tf.zeros([1, 4, 4, 2]);
      expectNoLeak(loss, t, x, () => loss(t, wrong), new RegExp(`^${name}: `));
      tf.dispose([x, t, wrong]);
    });
  });

  describe.each(Object.entries(MULTICLASS))('%s (multiclass)', (name, make) => {
    it(`${name}() with channelsFirst equals channelsLast on transposed tensors`, () => {
      const x = randomLogits([2, 4, 5, 3], 10);
      const labels = randomLabels([2, 4, 5], 3, 11);
      const last = value(make(), labels, x);
      const firstLoss = (MULTICLASS_WITH_OPTIONS[name] as (o: object) => LossFn)({ dataFormat: 'channelsFirst' });
      const xFirst = tf.transpose(x, toFirstPerm(4));
      expectClose(value(firstLoss, labels, xFirst), last, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([x, labels, xFirst]);
    });

    it(`${name}() accepts one-hot targets equal to the index targets`, () => {
      const x = randomLogits([2, 3, 3, 4], 12);
      const labels = randomLabels([2, 3, 3], 4, 13);
      const oneHot = tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, 4).reshape([2, 3, 3, 4]);
      const loss = make();
      expectClose(value(loss, oneHot, x), value(loss, labels, x), { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([x, labels, oneHot]);
    });

    it(`${name}() works on 1-D and 3-D multiclass inputs`, () => {
      // Same 24 pixels as [2,12,C] and [2,2,3,2,C]: equal values (sums ignore arrangement).
      const x = randomLogits([2, 12, 3], 14);
      const labels = randomLabels([2, 12], 3, 15);
      const loss = make();
      expectClose(value(loss, labels.reshape([2, 2, 3, 2]), x.reshape([2, 2, 3, 2, 3])), value(loss, labels, x), {
        rtol: 1e-5,
        atol: 1e-6,
      });
      tf.dispose([x, labels]);
    });

    it(`${name}() differentiates through an intermediate multiclass yPred`, () => {
      const v = randomLogits([2, 3, 3, 3], 42);
      const labels = randomLabels([2, 3, 3], 3, 43);
      const loss = make();
      const viaIntermediate = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(labels, tf.mul(x, 2))))(v).dataSync());
      const direct = tf.tidy(() => tf.mul(tf.grad((x: tf.Tensor) => tf.sum(loss(labels, x)))(tf.mul(v, 2)), 2).dataSync());
      expectClose(viaIntermediate, direct, { rtol: 1e-5, atol: 1e-6 }, `${name} chain rule`);
      tf.dispose([v, labels]);
    });

    it(`${name}() rejects a class index outside [0, C)`, () => {
      const x = tf.zeros([1, 2, 2, 3]);
      const labels = tf.tensor3d([0, 1, 2, 3], [1, 2, 2], 'int32');
      expect(() => make()(labels, x)).toThrow(new RegExp(`^${name}: yTrue class indices must be in \\[0, 3\\).*got 3`));
      tf.dispose([x, labels]);
    });
  });

  it('tverskyLoss(α = β = 0.5, smooth s) equals diceLoss(smooth 2s)', () => {
    // s_T = (I + s) / (I + (P − I)/2 + (T − I)/2 + s) = (2I + 2s) / (P + T + 2s) = Dice with smooth 2s.
    const x = randomLogits([2, 5, 5, 3], 16);
    const t = randomMask([2, 5, 5, 3], 17);
    for (const s of [0.5, 1, 3]) {
      const tv = value(tverskyLoss({ mode: 'multilabel', alpha: 0.5, beta: 0.5, smooth: s }), t, x);
      expectClose(tv, value(diceLoss({ mode: 'multilabel', smooth: 2 * s }), t, x), { rtol: 1e-5, atol: 1e-6 });
    }
    tf.dispose([x, t]);
  });

  it('tverskyLoss(α = β = 1) equals jaccardLoss', () => {
    // I + (P − I) + (T − I) = P + T − I, the Jaccard denominator.
    const x = randomLogits([2, 5, 5, 3], 18);
    const labels = randomLabels([2, 5, 5], 3, 19);
    const tv = value(tverskyLoss({ mode: 'multiclass', alpha: 1, beta: 1 }), labels, x);
    expectClose(tv, value(jaccardLoss({ mode: 'multiclass' }), labels, x), { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, labels]);
  });

  it('focalLoss with γ = 0 and alpha null equals bceLoss (binary) and crossEntropyLoss (multiclass)', () => {
    const x = randomLogits([2, 4, 4, 1], 20);
    const t = randomMask([2, 4, 4, 1], 21);
    expectClose(value(focalLoss({ gamma: 0, alpha: null }), t, x), value(bceLoss(), t, x), { rtol: 1e-5, atol: 1e-6 });
    const xm = randomLogits([2, 4, 4, 3], 22);
    const labels = randomLabels([2, 4, 4], 3, 23);
    expectClose(value(focalLoss({ mode: 'multiclass', gamma: 0 }), labels, xm), value(crossEntropyLoss(), labels, xm), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    tf.dispose([x, t, xm, labels]);
  });

  it('bceDiceLoss equals bceWeight·bceLoss + diceWeight·diceLoss', () => {
    const x = randomLogits([2, 4, 4, 1], 24);
    const t = randomMask([2, 4, 4, 1], 25);
    const want = 0.3 * value(bceLoss(), t, x) + 2 * value(diceLoss({ smooth: 0.5 }), t, x);
    expectClose(value(bceDiceLoss({ bceWeight: 0.3, diceWeight: 2, smooth: 0.5 }), t, x), want, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, t]);
  });

  it('combineLosses sums weighted terms', () => {
    const x = randomLogits([2, 4, 4, 1], 26);
    const t = randomMask([2, 4, 4, 1], 27);
    const want = value(bceLoss(), t, x) + 0.5 * value(diceLoss(), t, x);
    expectClose(value(combineLosses([bceLoss(), [diceLoss(), 0.5]]), t, x), want, { rtol: 1e-5, atol: 1e-6 });
    expect(() => combineLosses([])).toThrow(/^combineLosses: terms must be a non-empty array/);
    expect(() => combineLosses([[diceLoss(), -1]])).toThrow(/^combineLosses: terms\[0\] weight must be a finite number >= 0, got -1/);
    tf.dispose([x, t]);
  });

  it('region losses give ~0 for a perfect prediction and a closed form for an all-wrong one', () => {
    // Perfect: logits ±30 on the target → p = t to float precision, so s = 1, loss 0.
    const t = randomMask([2, 4, 4, 1], 28);
    const perfect = tf.tidy(() => tf.mul(tf.sub(tf.mul(t, 2), 1), 30));
    for (const loss of [diceLoss(), jaccardLoss(), tverskyLoss(), focalTverskyLoss()]) {
      expect(value(loss, t, perfect)).toBeLessThan(1e-6);
    }
    // All wrong with probabilities: p = 1 − t, so I = 0, P = N − T, T = T (N = 32 elements):
    // Dice = 1 − smooth / (N + smooth); Jaccard = 1 − smooth / (N + smooth) as well.
    const wrong = tf.tidy(() => tf.sub(1, t));
    const N = 32;
    expectClose(value(diceLoss({ fromLogits: false }), t, wrong), 1 - 1 / (N + 1), { rtol: 1e-6, atol: 1e-6 });
    expectClose(value(jaccardLoss({ fromLogits: false }), t, wrong), 1 - 1 / (N + 1), { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([t, perfect, wrong]);
  });

  it('an empty target with an empty prediction gives ~0, a confident false positive is penalised', () => {
    const t = tf.zeros([1, 4, 4, 1]);
    const empty = tf.fill([1, 4, 4, 1], -30);
    const fp = tf.fill([1, 4, 4, 1], 30);
    expect(value(diceLoss(), t, empty)).toBeLessThan(1e-6);
    // I = 0, P = 16, T = 0: Dice = 1 − 1/17.
    expectClose(value(diceLoss(), t, fp), 1 - 1 / 17, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([t, empty, fp]);
  });

  it('classWeights scaled by a constant change nothing, and uniform weights equal none', () => {
    const x = randomLogits([2, 4, 4, 3], 29);
    const labels = randomLabels([2, 4, 4], 3, 30);
    const plain = value(diceLoss({ mode: 'multiclass' }), labels, x);
    expectClose(value(diceLoss({ mode: 'multiclass', classWeights: [2, 2, 2] }), labels, x), plain, { rtol: 1e-6, atol: 1e-7 });
    const w1 = value(diceLoss({ mode: 'multiclass', classWeights: [1, 2, 3] }), labels, x);
    expectClose(value(diceLoss({ mode: 'multiclass', classWeights: [10, 20, 30] }), labels, x), w1, { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, labels]);
  });

  it("reduction 'none' returns [C], or [B, C] per image, and per-element maps for BCE and focal", () => {
    const x = randomLogits([2, 4, 4, 3], 31);
    const t = randomMask([2, 4, 4, 3], 32);
    const shapes = tf.tidy(() => [
      diceLoss({ mode: 'multilabel', reduction: 'none' })(t, x).shape,
      diceLoss({ mode: 'multilabel', reduction: 'none', perImage: true })(t, x).shape,
      diceLoss({ mode: 'multilabel', reduction: 'none', classes: [2, 0] })(t, x).shape,
      bceLoss({ reduction: 'none' })(t, x).shape,
      focalLoss({ mode: 'multilabel', reduction: 'none', dataFormat: 'channelsFirst' })(
        tf.transpose(t, [0, 3, 1, 2]),
        tf.transpose(x, [0, 3, 1, 2]),
      ).shape,
      crossEntropyLoss({ reduction: 'none' })(tf.zeros([2, 4, 4], 'int32'), x).shape,
    ]);
    expect(shapes).toEqual([[3], [2, 3], [2], [2, 4, 4, 3], [2, 3, 4, 4], [2, 4, 4]]);
    tf.dispose([x, t]);
  });
});

const BINARY_WITH_OPTIONS: Record<string, (o: object) => LossFn> = {
  diceLoss: (o) => diceLoss(o),
  jaccardLoss: (o) => jaccardLoss(o),
  tverskyLoss: (o) => tverskyLoss(o),
  focalTverskyLoss: (o) => focalTverskyLoss(o),
  focalLoss: (o) => focalLoss(o),
  bceLoss: (o) => bceLoss(o),
  bceDiceLoss: (o) => bceDiceLoss(o),
  comboLoss: (o) => comboLoss(o),
};
const MULTICLASS_WITH_OPTIONS: Record<string, (o: object) => LossFn> = {
  diceLoss: (o) => diceLoss({ mode: 'multiclass', ...o }),
  jaccardLoss: (o) => jaccardLoss({ mode: 'multiclass', ...o }),
  tverskyLoss: (o) => tverskyLoss({ mode: 'multiclass', ...o }),
  focalTverskyLoss: (o) => focalTverskyLoss({ mode: 'multiclass', ...o }),
  focalLoss: (o) => focalLoss({ mode: 'multiclass', ...o }),
  crossEntropyLoss: (o) => crossEntropyLoss(o),
  bceDiceLoss: (o) => bceDiceLoss({ mode: 'multiclass', ...o }),
};
