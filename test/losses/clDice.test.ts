import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clDiceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { channelsFirstPerm, gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomMask, rng } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

/** A vertical line, 1 pixel wide, in column `col` of an n×n image, rows listed in `rows`. */
function line(n: number, col: number, rows: number[]): tf.Tensor {
  const v = new Float32Array(n * n);
  for (const r of rows) v[r * n + col] = 1;
  return tf.tensor(v, [1, n, n, 1]);
}

/** Logits 0.1·(permutation − n/2): no two alike, so no pooling window has a tie. */
function distinctLogits(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const k = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [k[i], k[j]] = [k[j], k[i]];
  }
  return tf.tensor(k.map((v) => 0.1 * (v - n / 2)), shape);
}

describeLossBattery('clDiceLoss', (o = {}) => clDiceLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  ignoreIndex: false,
  // Pooling depends on the arrangement of pixels; ties in pooling windows make finite differences unreliable on random logits.
  layoutFree: false,
  gradCheck: false,
});

describe.each(BACKENDS)('clDiceLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('clDiceLoss() is named and gives 0 for a perfect prediction', () => {
    // p = t binary: S(t) lies inside t, so Tprec = (ΣS + s)/(ΣS + s) = 1 and likewise Tsens = 1.
    const t = randomMask([2, 7, 7, 1], 1, 0.5);
    const loss = clDiceLoss({ fromLogits: false });
    expect(loss.name).toBe('clDiceLoss');
    expectClose(valueOf(loss, t, t), 0, { rtol: 0, atol: 1e-6 });
  });

  it('a one-pixel break in a 9-pixel line gives 1 − 2·1·0.9/1.9 (closed form)', () => {
    // 1-pixel-wide lines are their own skeletons. S(p) = p (8 pixels, all on t): Tprec = (8+1)/(8+1) = 1;
    // S(t) = t (9 pixels, 8 covered by p): Tsens = (8+1)/(9+1) = 0.9.
    const t = line(9, 4, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const p = line(9, 4, [0, 1, 2, 3, 5, 6, 7, 8]);
    expectClose(valueOf(clDiceLoss({ fromLogits: false }), t, p), 1 - 1.8 / 1.9);
  });

  it('clDiceLoss() works in 3-D and with channelsFirst equal to channelsLast', () => {
    const t = randomMask([1, 4, 5, 6, 1], 2, 0.5);
    const x = distinctLogits([1, 4, 5, 6, 1], 3);
    const loss = clDiceLoss({ iterations: 2 });
    const last = valueOf(loss, t, x);
    expect(last).toBeGreaterThan(0);
    const [tFirst, xFirst] = [t, x].map((a) => tf.transpose(a, channelsFirstPerm(5)));
    expectClose(valueOf(clDiceLoss({ iterations: 2, dataFormat: 'channelsFirst' }), tFirst, xFirst), last);
  });

  it('multiclass leaves class 0 out by default, and one-hot targets equal index targets', () => {
    const x = distinctLogits([2, 6, 6, 3], 4);
    const labels = randomLabels([2, 6, 6], 3, 5);
    const oneHot = tf.tidy(() => tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, 3).reshape([2, 6, 6, 3]));
    const byDefault = valueOf(clDiceLoss({ mode: 'multiclass' }), labels, x);
    expectClose(valueOf(clDiceLoss({ mode: 'multiclass', classes: [1, 2] }), labels, x), byDefault, { rtol: 1e-6, atol: 1e-7 });
    expectClose(valueOf(clDiceLoss({ mode: 'multiclass' }), oneHot, x), byDefault, { rtol: 1e-6, atol: 1e-7 });
    expect(Math.abs(valueOf(clDiceLoss({ mode: 'multiclass', classes: [0, 1, 2] }), labels, x) - byDefault)).toBeGreaterThan(1e-4);
  });

  it('clDiceLoss() gives a gradient equal to central finite differences where windows have no ties', () => {
    // Distinct logits (gaps 0.1 ≫ h = 0.01): every min / max picks one element and ±h keeps the order.
    const t = randomMask([1, 6, 6, 1], 8, 0.5);
    const x = distinctLogits([1, 6, 6, 1], 9);
    const loss = clDiceLoss({ iterations: 2 });
    const analytic = gradOf(loss, t, x);
    expect(analytic.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    expectClose(analytic, finiteDiff((v) => loss(t, v), x), { rtol: 2e-2, atol: 1e-3 });
  });

  it('clDiceLoss() leaves no tensor behind over 10 calls, through tf.grad, and when it throws', () => {
    const x = distinctLogits([1, 5, 5, 1], 10);
    const t = randomMask([1, 5, 5, 1], 11);
    const loss = clDiceLoss();
    const flat = tf.zeros([1, 5, 1]);
    expectNoLeak(loss, t, x, () => loss(flat, flat), /^clDiceLoss: yPred must have 2 or 3 spatial dims.*got 1 \(shape \[1,5,1\]\)/);
  });

  it('clDiceLoss() rejects bad options', () => {
    expect(() => clDiceLoss({ iterations: 1.5 })).toThrow(/^clDiceLoss: option 'iterations' must be an integer >= 0, got 1.5/);
    expect(() => clDiceLoss({ smooth: 0 })).toThrow(/^clDiceLoss: option 'smooth' must be a number > 0, got 0/);
    expect(() => clDiceLoss({ ignoreIndex: 255 } as never)).toThrow(/^clDiceLoss: unknown option 'ignoreIndex'/);
    expect(() => clDiceLoss({ iteration: 3 } as never)).toThrow(/^clDiceLoss: unknown option 'iteration' \(did you mean 'iterations'\?\)/);
    const x = tf.zeros([1, 4, 4, 3]);
    const labels = tf.zeros([1, 4, 4], 'int32');
    expect(() => clDiceLoss({ mode: 'multiclass', classes: [3] })(labels, x)).toThrow(/^clDiceLoss: option 'classes' must hold class ids in \[0, 3\), got 3/);
  });

  it('the @example gives the documented value (≈ 0.001)', () => {
    const yTrue = tf.tensor4d([0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0], [1, 5, 5, 1]);
    const logits = tf.sub(tf.mul(yTrue, 12), 6);
    expectClose(valueOf(clDiceLoss({ iterations: 2 }), yTrue, logits), 0.001, { rtol: 0, atol: 5e-5 });
  });
});
