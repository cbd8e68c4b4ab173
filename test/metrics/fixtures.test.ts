/**
 * Replays test/fixtures/metrics.json (copied verbatim from the contract): exact integer
 * statistics and every listed score within 1e-6, on every backend, with no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { type FixtureTensor, loadCases, toTensor } from '../helpers/fixtures.js';

interface MetricCase {
  id: string;
  fn: 'confusionStats';
  options: Record<string, unknown>;
  yTrue: FixtureTensor;
  yPred: FixtureTensor;
  expected: Record<'tp' | 'fp' | 'fn' | 'tn', FixtureTensor>;
  scores: { fn: string; options: Record<string, unknown>; expected: FixtureTensor }[];
}

const cases = loadCases<MetricCase>('metrics');
const KEYS = ['tp', 'fp', 'fn', 'tn'] as const;

describe.each(BACKENDS)('metrics fixtures on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('covers every case of metrics.json', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const c of cases) {
    it(`${c.id}: confusionStats gives the exact PyTorch counts and every score matches within 1e-6`, () => {
      const yTrue = toTensor(c.yTrue);
      const yPred = toTensor(c.yPred);
      const before = tf.memory().numTensors;
      const stats = segloss.confusionStats(yTrue, yPred, c.options);
      expect(tf.memory().numTensors).toBe(before + 4);
      for (const k of KEYS) {
        expect(stats[k].dtype).toBe('int32');
        expect(stats[k].shape).toEqual(c.expected[k].shape);
        expect(Array.from(stats[k].dataSync()), `${c.id} ${k}`).toEqual(c.expected[k].data);
      }
      for (const s of c.scores) {
        const score = (segloss as unknown as Record<string, segloss.ScoreFn>)[s.fn];
        expect(typeof score, s.fn).toBe('function');
        const got = score(stats, s.options);
        expect(got.dtype).toBe('float32');
        expect(got.shape).toEqual(s.expected.shape);
        expectClose(got, s.expected.data, { rtol: 0, atol: 1e-6 }, `${c.id} ${s.fn} ${JSON.stringify(s.options)}`);
        got.dispose();
      }
      tf.dispose([stats.tp, stats.fp, stats.fn, stats.tn]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([yTrue, yPred]);
    });
  }
});
