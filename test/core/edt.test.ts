/**
 * The exact Euclidean distance transform (src/core/edt.ts) against closed forms: a single zero
 * element gives the Euclidean distance grid, several zeros the minimum over them (checked by
 * brute force on random masks), in 1, 2 and 3 dimensions with anisotropic spacing.
 */
import { describe, expect, it } from 'vitest';
import { signedDistanceField, squaredEdt, unsignedDistanceField } from '../../src/core/edt.js';
import { euclideanDistanceTransform, squaredEuclideanDistanceTransform } from '../../src/index.js';
import { expectClose } from '../helpers/expectClose.js';
import { rng } from '../helpers/random.js';

/** Row-major coordinates of flat index i in `shape`. */
function coords(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = i % shape[a];
    i = Math.floor(i / shape[a]);
  }
  return out;
}

/** Definition: min over zero elements z of Σ_a ((x_a − z_a)·h_a)² (Infinity if there is none). */
function bruteSquared(mask: ArrayLike<number>, shape: number[], spacing: number[]): Float64Array {
  const zeros: number[][] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) zeros.push(coords(i, shape));
  const out = new Float64Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    const x = coords(i, shape);
    let best = Infinity;
    for (const z of zeros) {
      let d = 0;
      for (let a = 0; a < shape.length; a++) d += ((x[a] - z[a]) * spacing[a]) ** 2;
      best = Math.min(best, d);
    }
    out[i] = mask[i] === 0 ? 0 : best;
  }
  return out;
}

function randomMaskArray(n: number, seed: number, fraction: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => (r() < fraction ? 1 : 0));
}

describe('euclideanDistanceTransform()', () => {
  it('runs its documented example', () => {
    // 1 1 / 0 1: the zero sits at (1, 0).
    expectClose(euclideanDistanceTransform([1, 1, 0, 1], [2, 2]), [1, Math.SQRT2, 0, 1], { rtol: 1e-15, atol: 0 });
  });

  it('gives |i − z|·h on a 1-D line with a single zero', () => {
    const mask = Float32Array.from({ length: 11 }, (_, i) => (i === 3 ? 0 : 1));
    expectClose(euclideanDistanceTransform(mask, [11]), Array.from({ length: 11 }, (_, i) => Math.abs(i - 3)), { rtol: 0, atol: 0 });
    expectClose(euclideanDistanceTransform(mask, [11], [0.25]), Array.from({ length: 11 }, (_, i) => Math.abs(i - 3) * 0.25), { rtol: 0, atol: 0 });
  });

  it('gives the Euclidean distance grid around a single zero pixel in 2-D, with anisotropic spacing', () => {
    const shape = [7, 9];
    const [r0, c0] = [2, 6];
    const mask = Uint8Array.from({ length: 63 }, (_, i) => (i === r0 * 9 + c0 ? 0 : 1));
    for (const h of [[1, 1], [0.5, 2], [3, 0.7]]) {
      const want = Array.from({ length: 63 }, (_, i) => Math.hypot((Math.floor(i / 9) - r0) * h[0], ((i % 9) - c0) * h[1]));
      expectClose(euclideanDistanceTransform(mask, shape, h), want, { rtol: 1e-12, atol: 1e-12 }, `spacing ${h}`);
    }
  });

  it('gives the Euclidean distance grid around a single zero voxel in 3-D, with anisotropic spacing', () => {
    const shape = [5, 6, 7];
    const z = [4, 1, 3];
    const h = [3, 1, 0.5];
    const mask = Array.from({ length: 210 }, (_, i) => (coords(i, shape).every((x, a) => x === z[a]) ? 0 : 1));
    const want = Array.from({ length: 210 }, (_, i) => Math.hypot(...coords(i, shape).map((x, a) => (x - z[a]) * h[a])));
    expectClose(euclideanDistanceTransform(mask, shape, h), want, { rtol: 1e-12, atol: 1e-12 });
  });

  it('equals the brute-force minimum over all zeros on random 1-D, 2-D and 3-D masks', () => {
    const cases: { shape: number[]; spacing: number[] }[] = [
      { shape: [40], spacing: [1.5] },
      { shape: [13, 17], spacing: [1, 1] },
      { shape: [12, 9], spacing: [0.5, 2] },
      { shape: [1, 15], spacing: [2, 0.3] },
      { shape: [6, 7, 8], spacing: [2.5, 1, 0.75] },
      { shape: [4, 1, 9], spacing: [1, 1, 1] },
    ];
    let seed = 1;
    for (const { shape, spacing } of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      // Sparse, medium and dense foregrounds (dense: few zeros, long distances).
      for (const fraction of [0.2, 0.7, 0.97]) {
        const mask = randomMaskArray(n, seed++, fraction);
        if (mask.every((v) => v === 1)) mask[0] = 0;
        const want = bruteSquared(mask, shape, spacing);
        expectClose(squaredEuclideanDistanceTransform(mask, shape, spacing), want, { rtol: 1e-12, atol: 1e-9 }, `[${shape}] ${fraction}`);
      }
    }
  });

  it('matches scipy.ndimage.distance_transform_edt on a small anisotropic example', () => {
    // Produced with scipy 1.17: distance_transform_edt(np.array([[1,1,1,0],[1,1,1,1],[0,1,1,1]]),
    // sampling=[2, 1]).ravel(); e.g. (1, 1): min(√(2² + 1²), √(2² + 2²)) = √5.
    const want = [3, 2, 1, 0, 2, Math.sqrt(5), Math.sqrt(5), 2, 0, 1, 2, 3];
    expectClose(euclideanDistanceTransform([1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1], [3, 4], [2, 1]), want, { rtol: 1e-12, atol: 0 });
  });

  it('gives 0 everywhere for an all-zero mask and Infinity for a mask with no zero', () => {
    expect([...euclideanDistanceTransform(new Uint8Array(12), [3, 4])]).toEqual(new Array(12).fill(0));
    expect([...euclideanDistanceTransform(new Float32Array(12).fill(0.5), [3, 4])]).toEqual(new Array(12).fill(Infinity));
  });

  it('treats any nonzero value as foreground, whatever the array type', () => {
    const values = [0, 0.25, -3, 0, 7];
    const want = [0, 1, 1, 0, 1];
    expectClose(euclideanDistanceTransform(values, [5]), want, { rtol: 0, atol: 0 });
    expectClose(euclideanDistanceTransform(Float32Array.from(values), [5]), want, { rtol: 0, atol: 0 });
    expectClose(euclideanDistanceTransform(Uint8Array.from([0, 1, 1, 0, 1]), [5]), want, { rtol: 0, atol: 0 });
  });

  it('does not modify its input', () => {
    const mask = Uint8Array.from([1, 0, 1, 1]);
    squaredEdt(mask, [2, 2], [1, 1]);
    expect([...mask]).toEqual([1, 0, 1, 1]);
  });

  it('rejects a shape that does not match the mask, and bad spacing', () => {
    expect(() => euclideanDistanceTransform([1, 0, 1], [2, 2])).toThrow(/^euclideanDistanceTransform: mask must have 4 elements for shape \[2,2\], got 3\./);
    expect(() => euclideanDistanceTransform([1, 0], [2, 0])).toThrow(/^euclideanDistanceTransform: shape must be/);
    expect(() => euclideanDistanceTransform([1, 0, 1, 1], [2, 2], [1])).toThrow(/^euclideanDistanceTransform: spacing must hold 2 finite/);
    expect(() => squaredEuclideanDistanceTransform([1, 0, 1, 1], [2, 2], [1, -1])).toThrow(/^squaredEuclideanDistanceTransform: spacing .*got \[1, -1\]/);
  });
});

describe('signedDistanceField() and unsignedDistanceField()', () => {
  const shape = [1, 6];
  const spacing = [1, 1];
  const region = Uint8Array.from([0, 1, 1, 1, 0, 0]);

  it('signed: distance to G outside, 1 − distance to the complement inside', () => {
    // Outside: 0 → 1, 4 → 1, 5 → 2. Inside: 1 and 3 touch ∁G (1 − 1 = 0), 2 is 2 away (1 − 2 = −1).
    expectClose(signedDistanceField(region, shape, spacing), [1, 0, -1, 0, 1, 2], { rtol: 0, atol: 0 });
  });

  it('unsigned: distance to the other set on both sides', () => {
    expectClose(unsignedDistanceField(region, shape, spacing), [1, 1, 2, 1, 1, 2], { rtol: 0, atol: 0 });
  });

  it('are all 0 for an empty or a full region', () => {
    for (const r of [new Uint8Array(6), new Uint8Array(6).fill(1)]) {
      expect([...signedDistanceField(r, shape, spacing)]).toEqual(new Array(6).fill(0));
      expect([...unsignedDistanceField(r, shape, spacing)]).toEqual(new Array(6).fill(0));
    }
  });

  it('scale the distances by the spacing (the signed map keeps its −1 offset in distance units)', () => {
    // Along the 6-long axis with h = 0.5: outside 0.5, 0.5, 1; inside 1 − 0.5 = 0.5 and 1 − 1 = 0.
    expectClose(signedDistanceField(region, shape, [3, 0.5]), [0.5, 0.5, 0, 0.5, 0.5, 1], { rtol: 0, atol: 0 });
  });
});
