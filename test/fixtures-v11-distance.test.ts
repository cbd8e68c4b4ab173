import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedDistanceMap, type SignedDistanceMapOptions } from '../src/index.js';
import { BACKENDS, useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/expectClose.js';
import { loadCases, toTensor } from './helpers/fixtures.js';
import { replayLossFixtures } from './helpers/replay.js';

replayLossFixtures(['boundaryLoss', 'hausdorffDTLoss']);

// signedDistanceMap.json cases have no yPred: φ = signedDistanceMap(yTrue, options) against
// the PyTorch/scipy reference's map.
describe.each(BACKENDS)('signedDistanceMap golden fixtures on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  for (const c of loadCases('signedDistanceMap')) {
    it(`${c.id} matches the scipy-based reference map`, () => {
      const yTrue = toTensor(c.yTrue);
      const before = tf.memory().numTensors;
      const phi = signedDistanceMap(yTrue, c.options as SignedDistanceMapOptions);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(phi.dtype).toBe('float32');
      expect(phi.shape).toEqual(c.expected.shape);
      expectClose(phi, c.expected.data, c.tol, `${c.id} map`);
      tf.dispose([phi, yTrue]);
    });
  }
});
