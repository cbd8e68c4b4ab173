/**
 * Replays golden loss cases (test/fixtures, copied verbatim from ../shared/fixtures): the value
 * and the gradient of its sum with respect to yPred, on every backend, with the fixture rule
 * |got − want| ≤ atol + rtol·|want| (gradient atol scaled by max(1, max|grad|)). Also checks
 * that a call leaves exactly one new tensor (its result) behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { BACKENDS, useBackend } from './backends.js';
import { expectClose, gradTolerance } from './expectClose.js';
import { fixtureOptions, loadCases, toTensor } from './fixtures.js';

type Factory = (options: Record<string, unknown>) => segloss.LossFn;

/** The fixture files of the core losses: replayed on the fused path and on the composite path. */
export const CORE_LOSS_FIXTURES = [
  'diceLoss',
  'jaccardLoss',
  'tverskyLoss',
  'focalTverskyLoss',
  'focalLoss',
  'bceLoss',
  'crossEntropyLoss',
  'bceDiceLoss',
  'comboLoss',
] as const;

/** Declares one test per case of each named fixture file, on each backend. */
export function replayLossFixtures(names: readonly string[]): void {
  describe.each(BACKENDS)('golden fixtures on %s', (backend) => {
    beforeAll(() => useBackend(backend));

    for (const name of names) {
      describe(name, () => {
        for (const c of loadCases(name)) {
          it(`${c.id} matches the PyTorch value${c.gradCheck === false ? '' : ' and gradient'}`, () => {
            const factory = (segloss as unknown as Record<string, Factory>)[c.fn];
            expect(typeof factory).toBe('function');
            const loss = factory(fixtureOptions(c.options));
            const yTrue = toTensor(c.yTrue);
            const yPred = toTensor(c.yPred!);
            const before = tf.memory().numTensors;
            const value = loss(yTrue, yPred);
            expect(tf.memory().numTensors).toBe(before + 1);
            expect(value.shape).toEqual(c.expected.shape);
            expectClose(value, c.expected.data, c.tol, `${c.id} value`);
            value.dispose();
            if (c.gradCheck !== false && c.grad) {
              // tf.grad keeps the forward value alive, so it runs in a tidy that keeps only the gradient.
              const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred));
              expect(grad.shape).toEqual(c.grad.shape);
              expectClose(grad, c.grad.data, gradTolerance(c.tol, c.grad.data), `${c.id} grad`);
              grad.dispose();
            }
            tf.dispose([yTrue, yPred]);
            expect(tf.memory().numTensors).toBe(before - 2);
          });
        }
      });
    }
  });
}
