/**
 * boundaryLoss({ targetType: 'signedDistanceMap' }): φ precomputed by signedDistanceMap and given
 * as yTrue gives the value and gradient of the computed path, reads nothing, and is checked.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaryLoss, setDataChecks, signedDistanceMap, type BoundaryLossOptions, type Mode } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { countReads } from '../helpers/countReads.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

interface Case {
  label: string;
  mode: Mode;
  yTrue: () => Tensor;
  C: number;
  options?: BoundaryLossOptions;
  /** Options of signedDistanceMap beyond mode (and spacing, taken from `spacing`). */
  map?: Record<string, unknown>;
  spacing?: number[];
  /** φ of all C channels (yPred's shape, as model.fit needs) instead of the K kept ones. */
  allChannels?: boolean;
}

const CASES: Case[] = [
  { label: 'binary', mode: 'binary', C: 1, yTrue: () => randomMask([2, 6, 5, 1], 1, 0.3) },
  { label: 'binary with spacing and sum', mode: 'binary', C: 1, yTrue: () => randomMask([2, 6, 5, 1], 2, 0.3), spacing: [2, 0.5], options: { reduction: 'sum' } },
  { label: 'multiclass index targets, K = C − 1 channels', mode: 'multiclass', C: 4, yTrue: () => randomLabels([2, 6, 5], 4, 3), map: { numClasses: 4 } },
  { label: 'multiclass, C channels (model.fit shape)', mode: 'multiclass', C: 4, yTrue: () => randomLabels([2, 6, 5], 4, 4), map: { numClasses: 4, classes: [0, 1, 2, 3] }, allChannels: true },
  { label: 'multilabel with classes [2, 0], 3-D', mode: 'multilabel', C: 3, yTrue: () => randomMask([1, 3, 4, 5, 3], 5, 0.4), options: { classes: [2, 0] }, map: { classes: [2, 0] } },
];

describe.each(BACKENDS)('boundaryLoss() with a precomputed signed distance map on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  for (const c of CASES) {
    it(`gives the value and gradient of the computed φ, and reads nothing (${c.label})`, () => {
      const yTrue = c.yTrue();
      const x = randomLogits([...(c.mode === 'multiclass' ? yTrue.shape : yTrue.shape.slice(0, -1)), c.C], 9);
      const spacing = c.spacing ? { spacing: c.spacing } : {};
      const phi = signedDistanceMap(yTrue, { mode: c.mode, ...spacing, ...c.map });
      const computed = boundaryLoss({ mode: c.mode, ...spacing, ...c.options });
      const given = boundaryLoss({ mode: c.mode, targetType: 'signedDistanceMap', ...c.options });
      const want = computed(yTrue, x).dataSync()[0];
      const wantGrad = tf.grad((p: Tensor) => computed(yTrue, p))(x).dataSync();
      let got: Tensor | undefined;
      let gotGrad: Tensor | undefined;
      const previous = setDataChecks('never'); // as on a GPU backend (the checks would not read here anyway)
      const reads = countReads(() => {
        got = given(phi, x);
        gotGrad = tf.grad((p: Tensor) => given(phi, p))(x);
      });
      // The computed path reads the target (CPU by design): the count sees it.
      const computedReads = countReads(() => computed(yTrue, x));
      setDataChecks(previous);
      expect(reads).toBe(0);
      expect(computedReads).toBeGreaterThan(0);
      expect(c.allChannels ? phi.shape : phi.shape.slice(0, -1)).toEqual(c.allChannels ? x.shape : x.shape.slice(0, -1));
      expectClose(got!.dataSync()[0], want);
      expectClose(Array.from(gotGrad!.dataSync()), Array.from(wantGrad));
    });
  }

  it('takes φ in the channels-first layout with dataFormat channelsFirst', () => {
    const labels = randomLabels([2, 5, 6], 3, 6);
    const xLast = randomLogits([2, 5, 6, 3], 7);
    const phiLast = signedDistanceMap(labels, { mode: 'multiclass', numClasses: 3 }); // [2, 5, 6, 2]
    const want = boundaryLoss({ mode: 'multiclass' })(labels, xLast).dataSync()[0];
    const first = boundaryLoss({ mode: 'multiclass', dataFormat: 'channelsFirst', targetType: 'signedDistanceMap' });
    expectClose(first(tf.transpose(phiLast, [0, 3, 1, 2]), tf.transpose(xLast, [0, 3, 1, 2])).dataSync()[0], want);
  });

  it('leaves only its result behind, on the gradient and the throwing path too', () => {
    const phi = signedDistanceMap(randomMask([1, 4, 4, 1], 8));
    const x = randomLogits([1, 4, 4, 1], 9);
    const loss = boundaryLoss({ targetType: 'signedDistanceMap' });
    const wrong = tf.zeros([1, 4, 5, 1]);
    expectNoLeak(loss, phi, x, () => loss(wrong, x), /^boundaryLoss: yTrue must be a signed distance map/);
  });

  it('rejects spacing, an unknown targetType, a map of the wrong shape or dtype, naming boundaryLoss', () => {
    expect(() => boundaryLoss({ targetType: 'signedDistanceMap', spacing: [1, 1] })).toThrow(/^boundaryLoss: option 'spacing' must be left out with targetType 'signedDistanceMap'.*got \[1,1\]\.$/);
    expect(() => boundaryLoss({ targetType: 'distance' as 'mask' })).toThrow(/^boundaryLoss: option 'targetType' must be one of 'mask', 'signedDistanceMap', got 'distance'/);
    const loss = boundaryLoss({ mode: 'multiclass', targetType: 'signedDistanceMap' });
    const x = randomLogits([1, 4, 4, 4], 1);
    expect(() => loss(tf.zeros([1, 4, 4, 2]), x)).toThrow(/^boundaryLoss: yTrue must be a signed distance map \[B, \.\.\.spatial, K or C\] with K = 3 kept or C = 4 channels for yPred \[1,4,4,4\] \(targetType 'signedDistanceMap'\), got shape \[1,4,4,2\]\.$/);
    expect(() => loss(tf.zeros([1, 4, 4]), x)).toThrow(/^boundaryLoss: yTrue must be a signed distance map/);
    expect(() => loss(tf.zeros([1, 4, 4, 3], 'int32'), x)).toThrow(/^boundaryLoss: yTrue must be a float32 signed distance map .*got int32\.$/);
  });
});
