import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tubedSkeleton } from '../src/index.js';
import { BACKENDS, useBackend } from './helpers/backends.js';
import { loadCases, toTensor } from './helpers/fixtures.js';
import { replayLossFixtures } from './helpers/replay.js';

// Value, gradient and tensor count of every v1.3 loss case, on cpu and wasm.
replayLossFixtures([
  'asymmetricFocalLoss',
  'asymmetricFocalTverskyLoss',
  'unifiedFocalLoss',
  'generalizedWassersteinDiceLoss',
  'skeletonRecallLoss',
]);

describe.each(BACKENDS)('tubedSkeleton golden fixtures on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  for (const c of loadCases('tubedSkeleton')) {
    it(`${c.id} equals scikit-image's tubed skeleton exactly`, () => {
      const yTrue = toTensor(c.yTrue);
      const before = tf.memory().numTensors;
      const tube = tubedSkeleton(yTrue, c.options);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(tube.dtype).toBe('int32');
      expect(tube.shape).toEqual(c.expected.shape);
      expect(Array.from(tube.dataSync())).toEqual(c.expected.data);
      tf.dispose([tube, yTrue]);
    });
  }
});
