/**
 * Replays golden loss cases (test/fixtures, copied verbatim from ../shared/fixtures): the value
 * and the gradient of its sum with respect to yPred, on every backend, with the fixture rule
 * |got − want| ≤ atol + rtol·|want| (gradient atol scaled by max(1, max|grad|)), and that a call
 * leaves exactly one new tensor (its result) behind. The case itself runs in ./caseRunner.ts,
 * which the browser suite (test/browser) runs on webgl and webgpu too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { BACKENDS, useBackend } from './backends.js';
import { type FixtureCase, runFixtureCase } from './caseRunner.js';
import { loadCases } from './fixtures.js';

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
        for (const c of loadCases<FixtureCase>(name)) {
          it(`${c.id} matches the PyTorch value${c.gradCheck === false ? '' : ' and gradient'}`, async () => {
            const report = await runFixtureCase(tf, segloss as unknown as Record<string, unknown>, name, c);
            expect(report.failures).toEqual([]);
          });
        }
      });
    }
  });
}
