/**
 * Property-based tests (fast-check) over random shapes, modes, soft targets and options of the
 * losses. Only randomized properties live here; the deterministic checks of each loss are in its
 * file under test/losses, most of them in the shared battery (test/helpers/lossBattery.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/expectClose.js';
import { channelsFirstPerm } from './helpers/lossValue.js';
import { rng } from './helpers/random.js';

type Factory = (options?: Record<string, unknown>) => segloss.LossFn;
const factory = (name: string) => (segloss as unknown as Record<string, Factory>)[name];

const REGION = ['diceLoss', 'jaccardLoss', 'tverskyLoss', 'focalTverskyLoss'] as const;
const ALL = [...REGION, 'focalLoss', 'bceLoss', 'crossEntropyLoss', 'bceDiceLoss', 'comboLoss'] as const;
const MORE = [
  'lovaszHingeLoss',
  'lovaszSoftmaxLoss',
  'generalizedDiceLoss',
  'mccLoss',
  'logCoshDiceLoss',
  'boundaryLoss',
  'hausdorffDTLoss',
  'clDiceLoss',
] as const;
const MODES_OF: Record<string, readonly segloss.Mode[]> = {
  bceLoss: ['binary', 'multilabel'],
  comboLoss: ['binary', 'multilabel'],
  crossEntropyLoss: ['multiclass'],
  lovaszHingeLoss: ['binary'],
  lovaszSoftmaxLoss: ['multiclass'],
  mccLoss: ['binary', 'multilabel'],
};
/** Losses that take no `mode` option. */
const NO_MODE_OPTION = new Set(['lovaszHingeLoss', 'lovaszSoftmaxLoss']);
/** clDice needs 2 or 3 spatial dimensions. */
const MIN_SPATIAL: Record<string, number> = { clDiceLoss: 2 };

/** A random problem: shape, mode, logits, targets (index targets for multiclass). */
interface Problem {
  name: string;
  mode: segloss.Mode;
  shape: number[];
  logits: Float32Array;
  target: Float32Array | Int32Array;
  targetShape: number[];
}

const problem = (names: readonly string[], logitScale = 4) =>
  fc
    .record({
      name: fc.constantFrom(...names),
      modeIndex: fc.nat(2),
      B: fc.integer({ min: 1, max: 3 }),
      spatial: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      C: fc.integer({ min: 2, max: 4 }),
      seed: fc.integer(),
      softTargets: fc.boolean(),
    })
    .map(({ name, modeIndex, B, spatial: drawn, C, seed, softTargets }): Problem => {
      const spatial = drawn.length >= (MIN_SPATIAL[name] ?? 1) ? drawn : [...drawn, 3, 3].slice(0, 3);
      const modes = MODES_OF[name] ?? segloss.MODES;
      const mode = modes[modeIndex % modes.length];
      const channels = mode === 'binary' ? 1 : C;
      const shape = [B, ...spatial, channels];
      const r = rng(seed);
      const n = shape.reduce((a, b) => a * b, 1);
      const logits = Float32Array.from({ length: n }, () => (r() * 2 - 1) * logitScale);
      if (mode === 'multiclass') {
        const m = n / channels;
        return { name, mode, shape, logits, target: Int32Array.from({ length: m }, () => Math.floor(r() * channels)), targetShape: shape.slice(0, -1) };
      }
      const soft = softTargets && name !== 'lovaszHingeLoss';
      const target = Float32Array.from({ length: n }, () => (soft ? r() : r() < 0.3 ? 1 : 0));
      return { name, mode, shape, logits, target, targetShape: shape };
    });

function evaluate(p: Problem, options: Record<string, unknown> = {}, transform?: (x: tf.Tensor, t: tf.Tensor) => [tf.Tensor, tf.Tensor]): number {
  return tf.tidy(() => {
    let x = tf.tensor(p.logits, p.shape);
    let t = tf.tensor(p.target, p.targetShape, p.mode === 'multiclass' ? 'int32' : 'float32');
    if (transform) [x, t] = transform(x, t);
    return factory(p.name)({ ...(NO_MODE_OPTION.has(p.name) ? {} : { mode: p.mode }), ...options })(t, x).dataSync()[0];
  });
}

const RUNS = { numRuns: 40 };

beforeAll(() => useBackend('cpu'));

describe('properties of the core losses', () => {
  it('region losses lie in [0, 1] (without logLoss)', () => {
    fc.assert(
      fc.property(problem(REGION), fc.boolean(), fc.double({ min: 0, max: 3, noNaN: true }), (p, perImage, smooth) => {
        const v = evaluate(p, { perImage, smooth });
        expect(v).toBeGreaterThanOrEqual(-1e-6);
        expect(v).toBeLessThanOrEqual(1 + 1e-6);
      }),
      RUNS,
    );
  });

  it('the v1.1 and Lovász losses lie in their ranges', () => {
    // generalized Dice ∈ [0, 1]; log cosh(1 − s) ∈ [0, log cosh 1]; 1 − MCC ∈ [0, 2];
    // Lovász extensions of a loss in [0, 1] are ≥ 0 (hinge errors are unbounded above).
    const upper: Record<string, number> = { generalizedDiceLoss: 1, logCoshDiceLoss: Math.log(Math.cosh(1)), mccLoss: 2, lovaszSoftmaxLoss: 1, lovaszHingeLoss: Infinity };
    fc.assert(
      fc.property(problem(['generalizedDiceLoss', 'logCoshDiceLoss', 'mccLoss', 'lovaszSoftmaxLoss', 'lovaszHingeLoss']), (p) => {
        const v = evaluate(p);
        expect(v).toBeGreaterThanOrEqual(-1e-6);
        expect(v).toBeLessThanOrEqual(upper[p.name] + 1e-5);
      }),
      RUNS,
    );
  });

  it('a perfect prediction (logits ±20 on the target) gives a loss near 0', () => {
    fc.assert(
      fc.property(problem(ALL), (p) => {
        // Hard targets, and logits +20 where the target is 1 (the class), −20 elsewhere.
        const C = p.shape[p.shape.length - 1];
        const logits =
          p.mode === 'multiclass'
            ? Float32Array.from(p.logits, (_, i) => ((p.target as Int32Array)[Math.floor(i / C)] === i % C ? 20 : -20))
            : Float32Array.from(p.target as Float32Array, (t) => (t >= 0.5 ? 20 : -20));
        const hard = p.mode === 'multiclass' ? p.target : Float32Array.from(p.target as Float32Array, (t) => (t >= 0.5 ? 1 : 0));
        // focalLoss: α_t(1 − p_t)^γ·BCE ≈ 0; BCE ≈ e^-20; Dice/Jaccard/Tversky scores ≈ 1.
        expect(evaluate({ ...p, logits, target: hard })).toBeLessThan(1e-3);
      }),
      RUNS,
    );
  });

  it('batch aggregation and per-image means do not depend on the order of the images', () => {
    fc.assert(
      fc.property(problem([...ALL, ...MORE]), fc.boolean(), (p, perImage) => {
        const perImageLosses: readonly string[] = [...REGION, 'generalizedDiceLoss', 'mccLoss', 'logCoshDiceLoss', 'lovaszHingeLoss', 'lovaszSoftmaxLoss'];
        const options = perImageLosses.includes(p.name) ? { perImage } : {};
        const reversed = evaluate(p, options, (x, t) => [tf.reverse(x, 0), tf.reverse(t, 0)]);
        expectClose(reversed, evaluate(p, options));
      }),
      RUNS,
    );
  });

  it('channelsFirst equals channelsLast on transposed tensors', () => {
    fc.assert(
      fc.property(problem([...ALL, ...MORE]), (p) => {
        const first = evaluate(p, { dataFormat: 'channelsFirst' }, (x, t) => [
          tf.transpose(x, channelsFirstPerm(x.rank)),
          p.mode === 'multiclass' ? t : tf.transpose(t, channelsFirstPerm(t.rank)),
        ]);
        expectClose(first, evaluate(p));
      }),
      RUNS,
    );
  });

  it('scaling classWeights by a positive constant changes nothing', () => {
    fc.assert(
      fc.property(problem(REGION), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.integer(), (p, k, seed) => {
        const C = p.shape[p.shape.length - 1];
        const r = rng(seed);
        const w = Array.from({ length: C }, () => 0.1 + r());
        const a = evaluate(p, { classWeights: w });
        const b = evaluate(p, { classWeights: w.map((v) => v * k) });
        expectClose(b, a);
      }),
      RUNS,
    );
  });

  it('values and gradients stay finite for logits up to ±1e4', () => {
    fc.assert(
      fc.property(problem([...ALL, ...MORE], 1e4), (p) => {
        const [value, grad] = tf.tidy(() => {
          const x = tf.tensor(p.logits, p.shape);
          const t = tf.tensor(p.target, p.targetShape, p.mode === 'multiclass' ? 'int32' : 'float32');
          const loss = factory(p.name)(NO_MODE_OPTION.has(p.name) ? {} : { mode: p.mode });
          return [loss(t, x).dataSync()[0], tf.grad((v: tf.Tensor) => tf.sum(loss(t, v)))(x).dataSync()];
        });
        expect(Number.isFinite(value)).toBe(true);
        expect((grad as Float32Array).every(Number.isFinite)).toBe(true);
      }),
      RUNS,
    );
  });
});
