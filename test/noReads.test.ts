/**
 * No loss or metric call reads data back from the backend where the data checks do not run — what
 * `setDataChecks('auto')` does on `webgl` and `webgpu`, where a read stalls the pipeline (or, on
 * webgpu in headless Chromium, loses the device). Simulated on `cpu`: the data checks set to
 * `'never'`, the fused kernels off (a GPU backend has none), and the backend's `readSync` and
 * `read` counted. Every public export is enumerated, so a new loss or metric cannot slip
 * through: it must get a case here, or join the explicit CPU-by-design list (documented in
 * docs/backends.md, "What is checked where").
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import type { LossFn, Mode } from '../src/index.js';
import { setFusedKernels } from '../src/kernels/register.js';
import { dataChecksRun } from '../src/core/dataChecks.js';
import { useBackend } from './helpers/backends.js';
import { countReads } from './helpers/countReads.js';
import { freeTensorsAfterEach } from './helpers/freeTensorsAfterEach.js';
import { randomLabels, randomLogits, randomMask } from './helpers/random.js';

/** Exports that compute on the CPU by design: they read tensor data back, and their TSDoc says so. */
const CPU_BY_DESIGN: Record<string, string> = {
  boundaryLoss: "with targetType 'mask' (its default) it reads the target to compute φ; the 'signedDistanceMap' case below reads nothing",
  hausdorffDTLoss: 'distance fields of the target and of the thresholded prediction, exact EDTs on the CPU',
  skeletonRecallLoss: "the target's tubed skeleton, thinned on the CPU",
  signedDistanceMap: 'exact EDTs on the CPU',
  tubedSkeleton: 'Zhang–Suen thinning on the CPU',
  euclideanDistanceTransform: 'exact EDT on the CPU',
  squaredEuclideanDistanceTransform: 'exact EDT on the CPU',
  hausdorffDistance: 'surface distances on the CPU',
  averageSurfaceDistance: 'surface distances on the CPU',
  normalizedSurfaceDice: 'surface distances on the CPU',
  boundaryIoU: 'boundary bands on the CPU',
  createSurfaceAccumulator: 'surface metrics on the CPU',
};

/** Exports that take no tensor: constants, switches. */
const NO_TENSORS = [
  'DATA_CHECKS',
  'DATA_FORMATS',
  'GENERALIZED_DICE_WEIGHT_TYPES',
  'METRIC_REDUCTIONS',
  'MODES',
  'REDUCTIONS',
  'UNIFIED_FOCAL_REDUCTIONS',
  'WASSERSTEIN_WEIGHTINGS',
  'setDataChecks',
  'enableWasmTraining',
  'disableWasmTraining',
];

/** Losses without `ignoreIndex` (their cases ignore nothing). */
const NO_IGNORE = new Set(['clDiceLoss', 'boundaryLoss']);

type Factory = ((options?: Record<string, unknown>) => LossFn) & { modes?: readonly Mode[] };
const C = 3;
const SHAPE = [2, 4, 4];
const IGNORE = 255;

/** Extra options a factory needs. */
const REQUIRED: Record<string, Record<string, unknown>> = {
  generalizedWassersteinDiceLoss: { distanceMatrix: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] },
  boundaryLoss: { targetType: 'signedDistanceMap' },
};

/** yTrue with every 5th pixel (element) ignored, as the mode's targets. */
function targets(mode: Mode | 'onehot', seed: number): Tensor {
  return tf.tidy(() => {
    if (mode === 'multiclass') {
      const labels = randomLabels(SHAPE, C, seed);
      const ignored = tf.equal(tf.mod(tf.range(0, labels.size, 1, 'int32'), 5), 0).reshape(SHAPE);
      return tf.where(ignored, tf.fill(SHAPE, IGNORE, 'int32'), labels);
    }
    if (mode === 'onehot') {
      const labels = randomLabels(SHAPE, C, seed);
      const kept = tf.notEqual(tf.mod(tf.range(0, labels.size, 1, 'int32'), 5), 0).reshape([...SHAPE, 1]);
      return tf.mul(tf.oneHot(labels, C), tf.cast(kept, 'float32'));
    }
    const shape = [...SHAPE, mode === 'binary' ? 1 : C];
    const mask = randomMask(shape, seed);
    const ignored = tf.equal(tf.mod(tf.range(0, mask.size), 5), 0).reshape(shape);
    return tf.where(ignored, tf.fill(shape, IGNORE), mask);
  });
}

interface LossCase {
  name: string;
  label: string;
  loss: LossFn;
  yTrue: () => Tensor;
  yPred: () => Tensor;
}

function lossCases(): LossCase[] {
  const out: LossCase[] = [];
  for (const [name, value] of Object.entries(api)) {
    if (name in CPU_BY_DESIGN && name !== 'boundaryLoss') continue;
    if (!/Loss$/.test(name)) continue;
    const factory = value as Factory;
    const modes = factory.modes ?? ['binary'];
    for (const mode of modes) {
      const channels = mode === 'binary' ? 1 : C;
      const yPred = () => randomLogits([...SHAPE, channels], 7);
      const base = { mode, ...REQUIRED[name] };
      if (name === 'boundaryLoss') {
        // φ precomputed outside the counted calls (its read is what precomputing moves out of training).
        const phi = () =>
          tf.tidy(() =>
            api.signedDistanceMap(mode === 'multiclass' ? randomLabels(SHAPE, C, 3) : randomMask([...SHAPE, channels], 3), {
              mode,
              ...(mode === 'multiclass' ? { numClasses: C } : {}),
            }),
          );
        out.push({ name, label: `${mode}, precomputed φ`, loss: factory(base), yTrue: phi, yPred });
        continue;
      }
      const ignore = NO_IGNORE.has(name) ? {} : { ignoreIndex: IGNORE };
      if (mode === 'multiclass') {
        out.push({ name, label: 'multiclass, index targets', loss: factory({ ...base, ...ignore }), yTrue: () => targets('multiclass', 3), yPred });
        const unlabeled = NO_IGNORE.has(name) ? {} : { ignoreUnlabeled: true };
        out.push({ name, label: 'multiclass, one-hot targets', loss: factory({ ...base, ...unlabeled }), yTrue: () => targets('onehot', 3), yPred });
      } else {
        const yTrue = NO_IGNORE.has(name) ? () => randomMask([...SHAPE, channels], 3) : () => targets(mode, 3);
        out.push({ name, label: mode, loss: factory({ ...base, ...ignore }), yTrue, yPred });
      }
    }
  }
  const combined = api.combineLosses([api.diceLoss({ mode: 'multiclass', ignoreIndex: IGNORE }), [api.crossEntropyLoss({ ignoreIndex: IGNORE }), 0.5]]);
  out.push({ name: 'combineLosses', label: 'multiclass, index targets', loss: combined, yTrue: () => targets('multiclass', 3), yPred: () => randomLogits([...SHAPE, C], 7) });
  return out;
}

const METRIC_NAMES = ['confusionStats', 'toMetric', 'createConfusionAccumulator', 'iouScore', 'f1Score', 'diceScore', 'precision', 'recall', 'accuracy', 'specificity'];

/** The value, the gradient by tf.grad and the gradient by tf.variableGrads of one loss call. */
function lossAndGradients(c: LossCase): () => void {
  return () => {
    const yTrue = c.yTrue();
    const yPred = c.yPred();
    const v = tf.variable(yPred);
    const reads = countReads(() => {
      c.loss(yTrue, yPred);
      tf.grad((x: Tensor) => c.loss(yTrue, x))(yPred);
      const { value, grads } = tf.variableGrads(() => c.loss(yTrue, v) as Scalar, [v]);
      tf.dispose([value, grads[v.name]]);
    });
    v.dispose();
    expect(reads).toBe(0);
  };
}

describe('no loss or metric reads data back where the data checks do not run (a GPU backend, simulated on cpu)', () => {
  let previousFused = true;
  let previousChecks: api.DataChecks = 'auto';
  beforeAll(async () => {
    await useBackend('cpu');
    previousFused = setFusedKernels(false);
    previousChecks = api.setDataChecks('never');
  });
  afterAll(() => {
    setFusedKernels(previousFused);
    api.setDataChecks(previousChecks);
  });
  freeTensorsAfterEach();

  it('covers every public export: a case here, the CPU-by-design list, or no tensors at all', () => {
    const losses = new Set(lossCases().map((c) => c.name));
    const covered = new Set([...losses, ...METRIC_NAMES, ...Object.keys(CPU_BY_DESIGN), ...NO_TENSORS]);
    expect(Object.keys(api).filter((name) => !covered.has(name))).toEqual([]);
    // And every loss factory has a case of its own, the distance ones included where they can avoid reads.
    const factories = Object.keys(api).filter((name) => /Loss$/.test(name) && !(name in CPU_BY_DESIGN && name !== 'boundaryLoss'));
    expect(factories.filter((name) => !losses.has(name))).toEqual([]);
  });

  for (const c of lossCases()) {
    it(`${c.name}() (${c.label}) reads nothing: value, tf.grad and tf.variableGrads`, lossAndGradients(c));
  }

  it('the metrics read nothing: confusionStats, every score, toMetric and the confusion accumulator, in every mode', () => {
    const scores = [api.iouScore, api.f1Score, api.diceScore, api.precision, api.recall, api.accuracy, api.specificity];
    const cases: [Mode | 'onehot', Record<string, unknown>][] = [
      ['binary', { mode: 'binary', ignoreIndex: IGNORE }],
      ['multilabel', { mode: 'multilabel', ignoreIndex: IGNORE }],
      ['multiclass', { mode: 'multiclass', ignoreIndex: IGNORE }],
      ['onehot', { mode: 'multiclass', ignoreUnlabeled: true }],
    ];
    for (const [kind, options] of cases) {
      const yTrue = targets(kind, 5);
      const yPred = randomLogits([...SHAPE, kind === 'binary' ? 1 : C], 9);
      const acc = api.createConfusionAccumulator(options);
      const reads = countReads(() => {
        const stats = api.confusionStats(yTrue, yPred, options);
        for (const score of scores) {
          for (const reduction of api.METRIC_REDUCTIONS) score(stats, { reduction });
          api.toMetric(score, options)(yTrue, yPred);
        }
        acc.update(yTrue, yPred);
        acc.update(yTrue, yPred);
        acc.score(api.iouScore, { reduction: 'macro-imagewise' });
        acc.stats();
      });
      acc.reset();
      expect(reads, String(kind)).toBe(0);
    }
  });
});

describe('the data checks policy', () => {
  beforeAll(() => useBackend('cpu'));
  freeTensorsAfterEach();

  it("'auto' reads on cpu, wasm and tensorflow only; 'always' and 'never' on every backend", () => {
    const previous = api.setDataChecks('auto');
    try {
      expect(['cpu', 'wasm', 'tensorflow', 'webgl', 'webgpu', 'other'].map((b) => dataChecksRun(b))).toEqual([true, true, true, false, false, false]);
      api.setDataChecks('always');
      expect(['cpu', 'webgl', 'webgpu'].map((b) => dataChecksRun(b))).toEqual([true, true, true]);
      api.setDataChecks('never');
      expect(['cpu', 'webgl', 'webgpu'].map((b) => dataChecksRun(b))).toEqual([false, false, false]);
    } finally {
      api.setDataChecks(previous);
    }
  });

  it("setDataChecks returns the previous setting and rejects anything else, naming the three values", () => {
    const previous = api.setDataChecks('never');
    expect(api.setDataChecks('always')).toBe('never');
    expect(api.setDataChecks(previous)).toBe('always');
    expect(() => api.setDataChecks('sometimes' as api.DataChecks)).toThrow(/^setDataChecks: checks must be one of 'auto', 'always', 'never', got 'sometimes'\.$/);
    expect(api.setDataChecks(previous)).toBe(previous);
  });

  it("the label check is the one read on cpu under 'auto' (the spy sees it), composite and fused alike", () => {
    const previous = api.setDataChecks('auto');
    try {
      const yTrue = targets('multiclass', 3);
      const yPred = randomLogits([...SHAPE, C], 7);
      for (const fused of [false, true]) {
        const before = setFusedKernels(fused);
        // Fused: the check reads its three numbers; the kernels themselves read storage directly.
        const reads = countReads(() => api.diceLoss({ mode: 'multiclass', ignoreIndex: IGNORE })(yTrue, yPred));
        setFusedKernels(before);
        expect(reads, fused ? 'fused' : 'composite').toBe(1);
      }
    } finally {
      api.setDataChecks(previous);
    }
  });

  it("bad labels still throw on cpu under 'auto' and 'always', and under 'never' an out-of-range label is a pixel with no class", () => {
    const yPred = randomLogits([1, 2, 2, C], 4);
    const bad = tf.tensor3d([0, 1, 7, 2], [1, 2, 2], 'int32');
    const previous = api.setDataChecks('auto');
    try {
      for (const fused of [true, false]) {
        const before = setFusedKernels(fused);
        expect(() => api.crossEntropyLoss()(bad, yPred)).toThrow(/^crossEntropyLoss: yTrue class indices must be in \[0, 3\), got 7\.$/);
        setFusedKernels(before);
      }
      api.setDataChecks('always');
      expect(() => api.crossEntropyLoss()(bad, yPred)).toThrow(RangeError);
      api.setDataChecks('never');
      const before = setFusedKernels(false);
      // The one-hot row of 7 is all zero: the same as a one-hot target with that row zero.
      const zeroRow = tf.mul(tf.oneHot(tf.tensor3d([0, 1, 0, 2], [1, 2, 2], 'int32'), C), tf.tensor4d([1, 1, 0, 1], [1, 2, 2, 1]));
      const got = api.diceLoss({ mode: 'multiclass' })(bad, yPred).dataSync()[0];
      const want = api.diceLoss({ mode: 'multiclass' })(zeroRow, yPred).dataSync()[0];
      setFusedKernels(before);
      expect(got).toBeCloseTo(want, 6);
    } finally {
      api.setDataChecks(previous);
    }
  });
});
