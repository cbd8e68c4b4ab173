/**
 * The surface metrics against the slow all-pairs reference (surfaceReference.ts) on random
 * masks in 1, 2 and 3 dimensions, plus closed forms, the empty-mask policy, modes and layouts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { averageSurfaceDistance, boundaryIoU, hausdorffDistance, normalizedSurfaceDice } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';
import { refAverage, refBoundaryIoU, refHausdorff, refSurfaceDice, type Mask } from './surfaceReference.js';

const TOL = { rtol: 1e-6, atol: 1e-6 };
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** B random 0/1 masks; `fraction` of ones (small fractions leave most of the grid empty). */
function masks(B: number, shape: number[], seed: number, fraction: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: B }, () => Uint8Array.from({ length: size(shape) }, () => (r() < fraction ? 1 : 0)));
}

/** Binary-mode tensors [B, ...shape, 1]: targets, and the predicted mask as probabilities. */
function pair(G: Mask[], P: Mask[], shape: number[]): [tf.Tensor, tf.Tensor] {
  const flat = (ms: Mask[]) => Float32Array.from(ms.flatMap((m) => Array.from(m)));
  return [tf.tensor(flat(G), [G.length, ...shape, 1]), tf.tensor(flat(P), [P.length, ...shape, 1])];
}

const GRIDS: { shape: number[]; spacing: number[] }[] = [
  { shape: [41], spacing: [0.7] },
  { shape: [13, 17], spacing: [0.8, 1.25] },
  { shape: [5, 6, 7], spacing: [2, 1, 0.5] },
];

describe.each(BACKENDS)('surface metrics on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each(GRIDS)('on a $shape grid', ({ shape, spacing }) => {
    // Dense noise (many boundary pixels), sparse noise (small boxes: the crop path), and a mix.
    const G = [...masks(2, shape, 1, 0.5), ...masks(2, shape, 2, 0.04)];
    const P = [...masks(2, shape, 3, 0.5), ...masks(1, shape, 4, 0.04), ...masks(1, shape, 5, 0.5)];
    const noneOf = (f: (g: Mask, p: Mask) => number) => G.map((g, b) => f(g, P[b]!));

    it.each([{}, { percentile: 95 }, { percentile: 0 }, { percentile: 50, directed: true }, { directed: true, spacing }, { percentile: 95, spacing }])(
      'hausdorffDistance(%o) equals the all-pairs reference per image',
      (o) => {
        const [yTrue, yPred] = pair(G, P, shape);
        const got = hausdorffDistance(yTrue, yPred, { ...o, fromLogits: false, reduction: 'none' });
        expect(got.shape).toEqual([4, 1]);
        expectClose(got, noneOf((g, p) => refHausdorff(g, p, shape, o)), TOL);
        tf.dispose([yTrue, yPred, got]);
      },
    );

    it.each([{}, { symmetric: false }, { spacing }, { symmetric: false, spacing }])('averageSurfaceDistance(%o) equals the reference', (o) => {
      const [yTrue, yPred] = pair(G, P, shape);
      const got = averageSurfaceDistance(yTrue, yPred, { ...o, fromLogits: false, reduction: 'none' });
      expectClose(got, noneOf((g, p) => refAverage(g, p, shape, o)), TOL);
      tf.dispose([yTrue, yPred, got]);
    });

    it.each([0, 1, 1.5, 3])('normalizedSurfaceDice with tolerance %d (and spacing) equals the reference', (tolerance) => {
      const [yTrue, yPred] = pair(G, P, shape);
      const got = normalizedSurfaceDice(yTrue, yPred, { tolerance, spacing, fromLogits: false, reduction: 'none' });
      expectClose(got, noneOf((g, p) => refSurfaceDice(g, p, shape, tolerance, spacing)), TOL);
      tf.dispose([yTrue, yPred, got]);
    });

    it.each([0.02, 0.1, 0.25])('boundaryIoU with dilationRatio %d equals the repeated-erosion reference', (dilationRatio) => {
      const [yTrue, yPred] = pair(G, P, shape);
      const got = boundaryIoU(yTrue, yPred, { dilationRatio, fromLogits: false, reduction: 'none' });
      expectClose(got, noneOf((g, p) => refBoundaryIoU(g, p, shape, dilationRatio)), TOL);
      tf.dispose([yTrue, yPred, got]);
    });
  });

  it('a perfect prediction gives distances 0 and scores 1; a 2-pixel shift of a square gives HD 2', () => {
    // 8×8 square at rows/cols 4–11 of a 20×20 image; the prediction is the same square moved 2 columns.
    const square = (dx: number) => tf.tensor4d(Float32Array.from({ length: 400 }, (_, i) => (Math.floor(i / 20) >= 4 && Math.floor(i / 20) < 12 && i % 20 >= 4 + dx && i % 20 < 12 + dx ? 1 : 0)), [1, 20, 20, 1]);
    const [G, same, moved] = [square(0), square(0), square(2)];
    const o = { fromLogits: false };
    const read = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
    expect([read(hausdorffDistance(G, same, o)), read(averageSurfaceDistance(G, same, o))]).toEqual([0, 0]);
    expect([read(normalizedSurfaceDice(G, same, { ...o, tolerance: 0 })), read(boundaryIoU(G, same, o))]).toEqual([1, 1]);
    // Every boundary pixel of the moved square is 2 columns from the original's boundary or closer,
    // and its left edge (column 6) is exactly 2 from column 4: HD = 2.
    expect(read(hausdorffDistance(G, moved, o))).toBe(2);
    expect(read(hausdorffDistance(G, moved, { ...o, spacing: [1, 0.5] }))).toBe(1); // columns are 0.5 apart
    tf.dispose([G, same, moved]);
  });

  it('follows the empty-mask policy: both empty 0 / 1, one empty Infinity / 0, and a mean over Infinity is Infinity', () => {
    const blank = tf.zeros([1, 6, 6, 1]);
    const spot = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => (i === 14 ? 1 : 0)), [1, 6, 6, 1]);
    const o = { fromLogits: false, reduction: 'none' as const };
    const values = (a: tf.Tensor, b: tf.Tensor) =>
      [hausdorffDistance(a, b, o), hausdorffDistance(a, b, { ...o, directed: true }), averageSurfaceDistance(a, b, o), normalizedSurfaceDice(a, b, { ...o, tolerance: 1 }), boundaryIoU(a, b, o)].map((t) => {
        const v = t.dataSync()[0]!;
        t.dispose();
        return v;
      });
    expect(values(blank, blank)).toEqual([0, 0, 0, 1, 1]);
    expect(values(spot, blank)).toEqual([Infinity, Infinity, Infinity, 0, 0]);
    expect(values(blank, spot)).toEqual([Infinity, Infinity, Infinity, 0, 0]);
    const both = tf.concat([spot, blank]); // image 0: spot vs spot (0), image 1: blank vs spot (Infinity)
    const mean = hausdorffDistance(both, tf.concat([spot, spot]), { fromLogits: false });
    expect(mean.dataSync()[0]).toBe(Infinity);
    tf.dispose([blank, spot, both, mean]);
  });

  it('multiclass index targets, one-hot channelsFirst targets and classes give the same [B, K] values', () => {
    const r = rng(11);
    const labels = tf.tensor3d(Int32Array.from({ length: 2 * 9 * 10 }, () => Math.floor(r() * 3)), [2, 9, 10], 'int32');
    const logits = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 10 * 3 }, () => 4 * r() - 2), [2, 9, 10, 3]);
    const first = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const oneHotFirst = first(tf.oneHot(labels, 3).toFloat());
    const o = { mode: 'multiclass' as const, percentile: 95, reduction: 'none' as const };
    const byIndex = hausdorffDistance(labels, logits, o);
    const byOneHot = hausdorffDistance(oneHotFirst, first(logits), { ...o, dataFormat: 'channelsFirst' });
    expect(byIndex.shape).toEqual([2, 2]); // default classes: every class but 0
    expect(Array.from(byOneHot.dataSync())).toEqual(Array.from(byIndex.dataSync()));
    const swapped = hausdorffDistance(labels, logits, { ...o, classes: [2, 0, 1] });
    const cols = swapped.arraySync() as number[][];
    const base = byIndex.arraySync() as number[][];
    expect(cols.map((row) => [row[2], row[0]])).toEqual(base); // columns follow `classes`
    tf.dispose([labels, logits, oneHotFirst, byIndex, byOneHot, swapped]);
  });

  it('ignoreIndex removes pixels from both masks, and logits of ±100 stay finite', () => {
    // 1-D: target 0 1 1 1 255 0, prediction positive at 1, 2, 3, 4: pixel 4 is ignored, so P = G.
    const yTrue = tf.tensor3d([0, 1, 1, 1, 255, 0], [1, 6, 1]);
    const logits = tf.tensor3d([-100, 100, 100, 100, 100, -100], [1, 6, 1]);
    const hd = hausdorffDistance(yTrue, logits, { ignoreIndex: 255 });
    const nsd = normalizedSurfaceDice(yTrue, logits, { ignoreIndex: 255, tolerance: 0 });
    expect([hd.dataSync()[0], nsd.dataSync()[0]]).toEqual([0, 1]);
    // Without ignoreIndex the target reads 255 > 0.5 as foreground too: G = P again.
    const plain = hausdorffDistance(tf.tensor3d([0, 1, 1, 1, 0, 0], [1, 6, 1]), logits);
    expect(plain.dataSync()[0]).toBe(1); // ∂P = {1, 4}, ∂G = {1, 3}: pixel 4 is 1 from pixel 3
    tf.dispose([yTrue, logits, hd, nsd, plain]);
  });
});
