/**
 * Replays test/fixtures/surfaceMetrics.json (copied verbatim from the contract; scipy's EDT and
 * erosion, cross-checked against MONAI and the Boundary IoU authors' code) on every backend,
 * with the case's tolerance, `"Infinity"` entries matched exactly, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { type FixtureTensor, fixtureOptions, loadCases, toTensor } from '../helpers/fixtures.js';

interface SurfaceCase {
  id: string;
  fn: 'hausdorffDistance' | 'averageSurfaceDistance' | 'normalizedSurfaceDice' | 'boundaryIoU';
  options: Record<string, unknown>;
  yTrue: FixtureTensor;
  yPred: FixtureTensor;
  expected: { shape: number[]; dtype: 'float32'; data: (number | 'Infinity')[] };
  tol: { rtol: number; atol: number };
}

type SurfaceFn = (yTrue: tf.Tensor, yPred: tf.Tensor, options: Record<string, unknown>) => tf.Tensor;

const cases = loadCases<SurfaceCase>('surfaceMetrics');

describe.each(BACKENDS)('surface metric fixtures on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('cover the four functions, an empty mask and all three modes', () => {
    expect(new Set(cases.map((c) => c.fn))).toEqual(new Set(['hausdorffDistance', 'averageSurfaceDistance', 'normalizedSurfaceDice', 'boundaryIoU']));
    expect(cases.some((c) => c.expected.data.includes('Infinity'))).toBe(true);
    expect(new Set(cases.map((c) => (c.options.mode as string | undefined) ?? 'binary'))).toEqual(new Set(['binary', 'multiclass', 'multilabel']));
  });

  for (const c of cases) {
    it(`${c.id} matches the scipy/MONAI value`, () => {
      const metric = (segloss as unknown as Record<string, SurfaceFn>)[c.fn];
      expect(typeof metric).toBe('function');
      const yTrue = toTensor(c.yTrue);
      const yPred = toTensor(c.yPred);
      const before = tf.memory().numTensors;
      const value = metric(yTrue, yPred, fixtureOptions(c.options));
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(value.dtype).toBe('float32');
      expect(value.shape).toEqual(c.expected.shape);
      const got = Array.from(value.dataSync());
      const infinite = c.expected.data.map((v) => v === 'Infinity');
      expect(got.map((v) => v === Infinity), `${c.id}: where Infinity`).toEqual(infinite);
      const finite = (xs: (number | string)[]) => xs.filter((_, i) => !infinite[i]) as number[];
      expectClose(finite(got), finite(c.expected.data), c.tol, c.id);
      value.dispose();
      tf.dispose([yTrue, yPred]);
      expect(tf.memory().numTensors).toBe(before - 2);
    });
  }
});
