/**
 * The battery of behaviours every loss shares (kornia's BaseTester for segloss): one call per
 * loss file, `describeLossBattery('diceLoss', (o) => diceLoss(o), { modes: [...] })`, declares
 * the checks that apply to that loss in each of its modes, on every backend. A loss file keeps
 * only its own closed forms and identities beside it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LossFn, Mode } from '../../src/index.js';
import { BACKENDS, useBackend } from './backends.js';
import { expectClose } from './expectClose.js';
import { expectNoLeak } from './expectNoLeak.js';
import { finiteDiff } from './finiteDiff.js';
import { freeTensorsAfterEach } from './freeTensorsAfterEach.js';
import { channelsFirstPerm, channelsLastPerm, gradOf, valueAndGradOf, valueOf } from './lossValue.js';
import { randomLabels, randomLogits, randomMask } from './random.js';

/** A loss factory taking any options, e.g. `(o = {}) => diceLoss(o)`. */
export type LossFactory = (options?: Record<string, unknown>) => LossFn;

/** What the battery checks for one loss. */
export interface LossBatteryOptions {
  /** The modes the loss accepts; each per-mode check runs once in each of them. */
  modes: readonly Mode[];
  /** The loss takes `ignoreIndex`: an all-ignored batch gives 0 and a zero gradient. @defaultValue true */
  ignoreIndex?: boolean;
  /** Upper bound of the loss at a perfect prediction (logits ±30 on the target), or false where it is not ~0. @defaultValue 1e-6 */
  perfect?: number | false;
  /** The value depends only on the pixels of each image, not on their arrangement, so 1-, 2- and 3-D layouts of the same pixels agree. @defaultValue true */
  layoutFree?: boolean;
  /** The shape of `reduction: 'none'` for a channels-last yPred of `shape`; omitted where the loss has no 'none' whose mean and sum are 'mean' and 'sum'. */
  none?: (shape: readonly number[], mode: Mode) => number[];
  /** `classes` selects columns of the per-class `'none'` result (needs `none`). @defaultValue false */
  classes?: boolean;
  /** The loss takes `classWeights` (normalised: uniform weights equal none, scaling changes nothing). @defaultValue false */
  classWeights?: boolean;
  /** The gradient equals central finite differences on random inputs (false for losses with kinks at random inputs). @defaultValue true */
  gradCheck?: boolean;
}

/** The number of channels the battery gives yPred in each mode. */
const CHANNELS: Record<Mode, number> = { binary: 1, multilabel: 3, multiclass: 3 };

/** A target for a channels-last yPred of `shape`: 0/1 masks, or class indices in multiclass mode. */
function targetFor(mode: Mode, shape: number[], seed: number): tf.Tensor {
  return mode === 'multiclass' ? randomLabels(shape.slice(0, -1), shape[shape.length - 1], seed) : randomMask(shape, seed);
}

/** The dense 0/1 form of a target (one-hot for class indices). */
function denseOf(mode: Mode, t: tf.Tensor, C: number): tf.Tensor {
  return mode === 'multiclass' ? tf.oneHot(tf.cast(t, 'int32'), C).toFloat() : t;
}

/** Declares the shared battery of `name` (made by `make`) on every backend. */
export function describeLossBattery(name: string, make: LossFactory, options: LossBatteryOptions): void {
  const { modes, ignoreIndex = true, perfect = 1e-6, layoutFree = true, none, classes = false, classWeights = false, gradCheck = true } = options;

  describe.each(BACKENDS)(`${name}() battery on %s`, (backend) => {
    beforeAll(() => useBackend(backend));
    freeTensorsAfterEach();

    it(`${name}() returns a function named ${name}`, () => {
      expect(make().name).toBe(name);
    });

    it(`${name}() rejects an unknown option and names it`, () => {
      expect(() => make({ notAnOption: 1 })).toThrow(new RegExp(`^${name}: unknown option 'notAnOption'`));
    });

    describe.each(modes.map((m) => [m]))(`in '%s' mode`, (mode) => {
      const C = CHANNELS[mode];
      const loss = (o: Record<string, unknown> = {}): LossFn => make({ mode, ...o });

      if (perfect !== false) {
        it(`${name}() returns ~0 for a perfect prediction (logits ±30 on the target)`, () => {
          // sigmoid(30) and softmax with a margin of 60 round to 1 in float32: p = t.
          const t = targetFor(mode, [2, 4, 5, C], 1);
          const x = tf.mul(tf.sub(tf.mul(denseOf(mode, t, C), 2), 1), 30);
          const v = valueOf(loss(), t, x);
          expect(v).toBeGreaterThanOrEqual(-1e-7);
          expect(v).toBeLessThan(perfect);
        });
      }

      if (ignoreIndex) {
        it(`${name}() gives 0 and a zero gradient when every element is ignored`, () => {
          const t = mode === 'multiclass' ? tf.fill([2, 3, 3], 255, 'int32') : tf.fill([2, 3, 3, C], 255);
          const x = randomLogits([2, 3, 3, C], 5);
          const { value, grad } = valueAndGradOf(loss({ ignoreIndex: 255 }), t, x);
          expect(value).toBe(0);
          expect(grad.every((g) => g === 0)).toBe(true);
        });
      }

      it(`${name}() with channelsFirst equals channelsLast on transposed tensors, value and gradient`, () => {
        const x = randomLogits([2, 4, 5, C], 10);
        const t = targetFor(mode, [2, 4, 5, C], 11);
        const xFirst = tf.transpose(x, channelsFirstPerm(4));
        const tFirst = mode === 'multiclass' ? t : tf.transpose(t, channelsFirstPerm(4));
        const first = valueAndGradOf(loss({ dataFormat: 'channelsFirst' }), tFirst, xFirst);
        const last = valueAndGradOf(loss(), t, x);
        expectClose(first.value, last.value);
        expectClose(tf.transpose(tf.tensor(first.grad, xFirst.shape), channelsLastPerm(4)), last.grad, undefined, 'grad');
      });

      if (layoutFree) {
        it(`${name}() gives one value for the same pixels laid out in 1, 2 and 3 spatial dimensions`, () => {
          // The sums and means run over each image's pixels whatever their arrangement, so the
          // same 24 pixels as [2, 24, C], [2, 4, 6, C] and [2, 2, 3, 4, C] give one value.
          const x = randomLogits([2, 24, C], 1);
          const t = targetFor(mode, [2, 24, C], 2);
          const flat = valueOf(loss(), t, x);
          for (const spatial of [[4, 6], [2, 3, 4]]) {
            const tShape = mode === 'multiclass' ? [2, ...spatial] : [2, ...spatial, C];
            expectClose(valueOf(loss(), t.reshape(tShape), x.reshape([2, ...spatial, C])), flat, undefined, `[${spatial}]`);
          }
        });
      }

      if (none) {
        it(`${name}() with reduction 'none' returns its documented shape, whose mean and sum are 'mean' and 'sum'`, () => {
          const x = randomLogits([2, 4, 5, C], 31);
          const t = targetFor(mode, [2, 4, 5, C], 32);
          const map = loss({ reduction: 'none' })(t, x);
          expect(map.shape).toEqual(none([2, 4, 5, C], mode));
          expectClose(valueOf(loss(), t, x), tf.mean(map), undefined, "'mean'");
          expectClose(valueOf(loss({ reduction: 'sum' }), t, x), tf.sum(map), undefined, "'sum'");
        });
      }

      if (classes && none && C > 1) {
        it(`${name}() with classes [2, 0] keeps those columns of the per-class result, in that order`, () => {
          const x = randomLogits([2, 4, 5, C], 33);
          const t = targetFor(mode, [2, 4, 5, C], 34);
          const all = loss({ reduction: 'none' })(t, x);
          const kept = loss({ reduction: 'none', classes: [2, 0] })(t, x);
          expectClose(kept, tf.gather(all, [2, 0], all.rank - 1));
        });
      }

      if (classWeights && C > 1) {
        it(`${name}() with uniform classWeights equals no weights, and scaling the weights changes nothing`, () => {
          const x = randomLogits([2, 4, 4, C], 29);
          const t = targetFor(mode, [2, 4, 4, C], 30);
          expectClose(valueOf(loss({ classWeights: [2, 2, 2] }), t, x), valueOf(loss(), t, x));
          const w1 = valueOf(loss({ classWeights: [1, 2, 3] }), t, x);
          expectClose(valueOf(loss({ classWeights: [10, 20, 30] }), t, x), w1);
        });
      }

      if (mode === 'multiclass') {
        it(`${name}() accepts one-hot targets equal to the index targets`, () => {
          const x = randomLogits([2, 3, 3, C], 12);
          const labels = randomLabels([2, 3, 3], C, 13);
          expectClose(valueOf(loss(), denseOf(mode, labels, C), x), valueOf(loss(), labels, x));
        });

        it(`${name}() rejects a class index outside [0, C)`, () => {
          const x = tf.zeros([1, 2, 2, 3]);
          const labels = tf.tensor3d([0, 1, 2, 3], [1, 2, 2], 'int32');
          expect(() => loss()(labels, x)).toThrow(new RegExp(`^${name}: yTrue class indices must be in \\[0, 3\\).*got 3`));
        });
      }

      it(`${name}() gives a finite value and gradient for logits of ±100`, () => {
        const t = targetFor(mode, [2, 4, 4, C], 3);
        const x = tf.mul(tf.sub(tf.mul(randomMask([2, 4, 4, C], 4), 2), 1), 100);
        const { value, grad } = valueAndGradOf(loss(), t, x);
        expect(Number.isFinite(value)).toBe(true);
        expect(grad.every(Number.isFinite)).toBe(true);
      });

      if (gradCheck) {
        it(`${name}() gives a gradient equal to central finite differences`, () => {
          // 9 elements for C = 1, 18 for C = 3: two loss calls per element.
          const spatial = C === 1 ? [3, 3] : [2, 3];
          const x = randomLogits([1, ...spatial, C], 6);
          const t = mode === 'multiclass' ? randomLabels([1, ...spatial], C, 7) : randomMask([1, ...spatial, C], 7, 0.5);
          const l = loss();
          expectClose(gradOf(l, t, x), finiteDiff((v) => l(t, v), x), { rtol: 2e-2, atol: 2e-3 }, `${name} grad`);
        });
      }

      it(`${name}() differentiates through an intermediate yPred (chain rule: d/dv L(2v) = 2·L'(2v))`, () => {
        // Inside tf.grad or optimizer.minimize the model output is an intermediate tensor that the
        // caller's scope frees before the backward pass: the loss must keep what its gradient needs.
        const v = randomLogits([2, 3, 3, C], 40);
        const t = targetFor(mode, [2, 3, 3, C], 41);
        const l = loss();
        const viaIntermediate = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(l(t, tf.mul(x, 2))))(v).dataSync());
        const direct = tf.tidy(() => tf.mul(tf.grad((x: tf.Tensor) => tf.sum(l(t, x)))(tf.mul(v, 2)), 2).dataSync());
        expectClose(viaIntermediate, direct, undefined, `${name} chain rule`);
      });

      it(`${name}() leaves no tensor behind over 10 calls, through tf.grad, and when it throws`, () => {
        const x = randomLogits([1, 4, 4, C], 8);
        const t = targetFor(mode, [1, 4, 4, C], 9);
        // The throwing call: yPred with C = 2 in binary mode, else with a spatial shape yTrue lacks.
        const wrong = tf.zeros(mode === 'binary' ? [1, 4, 4, 2] : [1, 4, 5, C]);
        expectNoLeak(loss(), t, x, () => loss()(t, wrong), new RegExp(`^${name}: y(True|Pred) `));
      });
    });
  });
}
