/**
 * Ignoring pixels under `model.fit`, whose targets must have the model output's shape: one-hot
 * targets with an all-zero row and `ignoreUnlabeled: true` (multiclass), or elements equal to
 * `ignoreIndex` (binary, multilabel). For every loss with `ignoreIndex`, and for the metrics:
 *
 * - the option means what `ignoreIndex` means on index targets (same value and gradient);
 * - in a real `model.compile` / `model.fit` (a 1×1 convolution, so each pixel's logits depend on
 *   that pixel's input only), changing the input at ignored pixels changes neither the loss, the
 *   metric nor the weights after a step, while changing it at kept pixels does.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import type { LossFn, Mode } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/expectClose.js';
import { freeTensorsAfterEach } from './helpers/freeTensorsAfterEach.js';
import { randomLabels, randomLogits, randomMask } from './helpers/random.js';

type Factory = ((options?: Record<string, unknown>) => LossFn) & { modes?: readonly Mode[] };

const B = 2;
const H = 4;
const W = 4;
const F = 3; // input features
const C = 3; // classes (multiclass, multilabel)
const IGNORE = 255;
/** Every losses' factory name whose options include ignoreIndex; a new one must be added here. */
const WITH_IGNORE = [
  'asymmetricFocalLoss',
  'asymmetricFocalTverskyLoss',
  'bceDiceLoss',
  'bceLoss',
  'comboLoss',
  'crossEntropyLoss',
  'diceLoss',
  'focalLoss',
  'focalTverskyLoss',
  'generalizedDiceLoss',
  'generalizedWassersteinDiceLoss',
  'jaccardLoss',
  'logCoshDiceLoss',
  'lovaszHingeLoss',
  'lovaszSoftmaxLoss',
  'mccLoss',
  'skeletonRecallLoss',
  'tverskyLoss',
  'unifiedFocalLoss',
];
const REQUIRED: Record<string, Record<string, unknown>> = {
  generalizedWassersteinDiceLoss: { distanceMatrix: [[0, 1, 2], [1, 0, 1], [2, 1, 0]] },
};

/** 1 at the ignored pixels `[B, H, W, 1]`: every third pixel, and the whole of the last row of image 1. */
function ignoredPixels(): Tensor {
  return tf.tidy(() => {
    const every3 = tf.equal(tf.mod(tf.range(0, B * H * W, 1, 'int32'), 3), 0).reshape([B, H, W, 1]);
    const row = tf.concat([tf.zeros([1, H, W, 1]), tf.concat([tf.zeros([1, H - 1, W, 1]), tf.ones([1, 1, W, 1])], 1)]);
    return tf.cast(tf.logicalOr(every3, tf.cast(row, 'bool')), 'float32');
  });
}

/** The targets of one task: the index form (multiclass) and the model.fit form (output's shape). */
interface Task {
  mode: Mode;
  channels: number;
  /** Targets of the output's shape, with the ignored pixels marked. */
  fitTargets: Tensor;
  /** Option that marks them. */
  fitOption: Record<string, unknown>;
  /** The same targets as class indices with ignoreIndex (multiclass), for the equivalence. */
  indexTargets?: Tensor;
}

function task(mode: Mode): Task {
  const ignored = ignoredPixels();
  if (mode === 'multiclass') {
    const labels = randomLabels([B, H, W], C, 11);
    const oneHot = tf.mul(tf.oneHot(labels, C), tf.sub(1, ignored));
    const indexTargets = tf.where(tf.cast(tf.squeeze(ignored, [-1]), 'bool'), tf.fill([B, H, W], IGNORE, 'int32'), labels);
    return { mode, channels: C, fitTargets: oneHot, fitOption: { ignoreUnlabeled: true }, indexTargets };
  }
  const channels = mode === 'binary' ? 1 : C;
  const mask = randomMask([B, H, W, channels], 12, 0.4);
  const fitTargets = tf.where(tf.cast(tf.broadcastTo(ignored, mask.shape), 'bool'), tf.fill(mask.shape, IGNORE), mask);
  return { mode, channels, fitTargets, fitOption: { ignoreIndex: IGNORE } };
}

/** Inputs `[B, H, W, F]`: a base, the base changed at ignored pixels only, and changed at kept pixels. */
function inputs(): { base: Tensor; atIgnored: Tensor; atKept: Tensor } {
  const base = randomLogits([B, H, W, F], 21);
  const noise = tf.mul(randomLogits([B, H, W, F], 22), 3);
  const ignored = ignoredPixels();
  return { base, atIgnored: tf.add(base, tf.mul(noise, ignored)), atKept: tf.add(base, tf.mul(noise, tf.sub(1, ignored))) };
}

function model(channels: number, initial: Tensor[] | null): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [H, W, F], filters: channels, kernelSize: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }), biasInitializer: 'zeros' })] });
  if (initial) m.setWeights(initial);
  return m;
}

interface FitResult {
  loss: number;
  metrics: number[];
  weights: number[];
}

/** One epoch of one batch with plain SGD from fixed weights: the loss and metrics before the step, the weights after. */
async function fitOnce(loss: LossFn, metrics: api.MetricFn[], channels: number, x: Tensor, y: Tensor): Promise<FitResult> {
  const seeded = model(channels, null);
  const initial = seeded.getWeights().map((w) => w.clone());
  seeded.dispose();
  const m = model(channels, initial);
  const optimizer = tf.train.sgd(0.5);
  m.compile({ optimizer, loss: loss as never, metrics: metrics as never });
  const history = await m.fit(x, y, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
  const weights = m.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const out = { loss: history.history.loss[0] as number, metrics: metrics.map((f) => history.history[f.name][0] as number), weights };
  m.dispose();
  optimizer.dispose();
  tf.dispose(initial);
  return out;
}

function expectSame(a: FitResult, b: FitResult, label: string): void {
  expectClose(a.loss, b.loss, { rtol: 1e-5, atol: 1e-6 }, `${label}: loss`);
  expectClose(a.metrics, b.metrics, { rtol: 1e-6, atol: 1e-6 }, `${label}: metrics`);
  expectClose(a.weights, b.weights, { rtol: 1e-5, atol: 1e-6 }, `${label}: weights after one step`);
}

function expectDifferent(a: FitResult, b: FitResult, label: string): void {
  const gap = Math.max(Math.abs(a.loss - b.loss), ...a.weights.map((w, i) => Math.abs(w - b.weights[i])));
  expect(gap, `${label}: changing kept pixels changes the loss or the weights`).toBeGreaterThan(1e-4);
}

const factories = Object.entries(api).filter(([name]) => WITH_IGNORE.includes(name)) as [string, Factory][];

describe('ignoring pixels with targets of the output shape (model.fit), on cpu', () => {
  beforeAll(() => useBackend('cpu'));
  freeTensorsAfterEach();

  it('lists every loss that has ignoreIndex', () => {
    // A factory has ignoreIndex when it accepts it (unknown options throw).
    const accepts = Object.entries(api)
      .filter(([name]) => /Loss$/.test(name))
      .filter(([name, f]) => {
        try {
          (f as Factory)({ ignoreIndex: IGNORE, ...REQUIRED[name] });
          return true;
        } catch (e) {
          return !/unknown option 'ignoreIndex'/.test(String(e));
        }
      })
      .map(([name]) => name);
    expect(accepts.sort()).toEqual([...WITH_IGNORE].sort());
  });

  for (const [name, factory] of factories) {
    for (const mode of factory.modes ?? ['binary']) {
      it(`${name}() in ${mode} mode: ignored pixels change neither the loss nor the weights under model.fit${mode === 'multiclass' ? ', and ignoreUnlabeled equals ignoreIndex on index targets' : ''}`, async () => {
        const t = task(mode);
        const options = { mode, ...REQUIRED[name], ...t.fitOption };
        const loss = factory(options);
        if (t.indexTargets) {
          // The SPEC's ignoreIndex semantics, value and gradient, with the same pixels ignored.
          const byIndex = factory({ mode, ...REQUIRED[name], ignoreIndex: IGNORE });
          const logits = randomLogits([B, H, W, C], 31);
          expectClose(loss(t.fitTargets, logits), byIndex(t.indexTargets, logits), { rtol: 1e-5, atol: 1e-6 }, 'value');
          const grad = (f: LossFn, y: Tensor) => tf.grad((p: Tensor) => f(y, p))(logits);
          expectClose(grad(loss, t.fitTargets), grad(byIndex, t.indexTargets), { rtol: 1e-4, atol: 1e-6 }, 'gradient');
        }
        const x = inputs();
        const base = await fitOnce(loss, [], t.channels, x.base, t.fitTargets);
        expectSame(base, await fitOnce(loss, [], t.channels, x.atIgnored, t.fitTargets), 'input changed at ignored pixels');
        expectDifferent(base, await fitOnce(loss, [], t.channels, x.atKept, t.fitTargets), 'input changed at kept pixels');
      });
    }
  }

  it('the metrics ignore the same pixels: toMetric under model.fit, confusionStats, the accumulator and the surface metrics', async () => {
    for (const mode of ['multiclass', 'binary', 'multilabel'] as const) {
      const t = task(mode);
      const options = { mode, ...t.fitOption };
      const metrics = [
        api.toMetric(api.iouScore, { ...options, reduction: 'macro', name: 'miou' }),
        api.toMetric(api.f1Score, { ...options, reduction: 'micro', name: 'f1' }),
        api.toMetric(api.accuracy, { ...options, name: 'acc' }),
      ];
      const loss = mode === 'multiclass' ? api.crossEntropyLoss(options) : api.bceLoss(options);
      const x = inputs();
      const base = await fitOnce(loss, metrics, t.channels, x.base, t.fitTargets);
      expectSame(base, await fitOnce(loss, metrics, t.channels, x.atIgnored, t.fitTargets), `${mode}: input changed at ignored pixels`);
      const kept = await fitOnce(loss, metrics, t.channels, x.atKept, t.fitTargets);
      expect(Math.max(...base.metrics.map((v, i) => Math.abs(v - kept.metrics[i]))), `${mode}: kept pixels move the metrics`).toBeGreaterThan(1e-3);
      if (!t.indexTargets) continue;
      // Multiclass: the one-hot form with ignoreUnlabeled counts what the index form with ignoreIndex counts.
      const logits = randomLogits([B, H, W, C], 41);
      const byIndex = { mode, ignoreIndex: IGNORE };
      const a = api.confusionStats(t.fitTargets, logits, options);
      const b = api.confusionStats(t.indexTargets, logits, byIndex);
      for (const key of ['tp', 'fp', 'fn', 'tn'] as const) expect(Array.from(a[key].dataSync()), key).toEqual(Array.from(b[key].dataSync()));
      const acc = api.createConfusionAccumulator(options);
      acc.update(t.fitTargets, logits);
      expectClose(acc.score(api.iouScore, { reduction: 'macro' }), api.iouScore(b, { reduction: 'macro' }));
      acc.reset();
      for (const surface of [api.hausdorffDistance, api.averageSurfaceDistance, api.boundaryIoU] as ((y: Tensor, p: Tensor, o: object) => Tensor)[]) {
        // The same masks give the same numbers exactly (Infinity included).
        const got = surface(t.fitTargets, logits, { ...options, reduction: 'none' }).dataSync();
        expect(Array.from(got), surface.name).toEqual(Array.from(surface(t.indexTargets, logits, { ...byIndex, reduction: 'none' }).dataSync()));
      }
      const nsd = (y: Tensor, o: object) => Array.from(api.normalizedSurfaceDice(y, logits, { ...o, tolerance: 1, reduction: 'none' }).dataSync());
      expect(nsd(t.fitTargets, options)).toEqual(nsd(t.indexTargets, byIndex));
    }
  });

  it("ignoreUnlabeled is false by default (an all-zero one-hot row counts) and must be false in 'binary' and 'multilabel' mode", () => {
    const t = task('multiclass');
    const logits = randomLogits([B, H, W, C], 51);
    // Default: the zero rows are valid pixels with no class, so Dice differs from the ignoring form.
    const plain = api.diceLoss({ mode: 'multiclass' })(t.fitTargets, logits).dataSync()[0];
    const ignoring = api.diceLoss({ mode: 'multiclass', ignoreUnlabeled: true })(t.fitTargets, logits).dataSync()[0];
    expect(Math.abs(plain - ignoring)).toBeGreaterThan(1e-3);
    expect(() => api.diceLoss({ ignoreUnlabeled: true })).toThrow(/^diceLoss: option 'ignoreUnlabeled' must be false in 'binary' mode .*ignoreIndex\), got true\.$/);
    expect(() => api.confusionStats(t.fitTargets, logits, { mode: 'multilabel', ignoreUnlabeled: true })).toThrow(/^confusionStats: option 'ignoreUnlabeled' must be false in 'multilabel' mode/);
    expect(() => api.focalLoss({ mode: 'multiclass', ignoreUnlabeled: 1 as unknown as boolean })).toThrow(/^focalLoss: option 'ignoreUnlabeled' must be true or false, got 1\.$/);
  });
});
