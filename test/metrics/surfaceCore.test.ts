/** The CPU pieces of the surface metrics: the linear-time percentile and the crop to the mask box. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileOf } from '../../src/metrics/surfaceCore.js';
import { crop, unionBox } from '../../src/metrics/surfaceGeometry.js';
import { sortedPercentile } from './surfaceReference.js';

describe('percentileOf (quickselect)', () => {
  it('equals the sort-based numpy percentile, ties and all', () => {
    fc.assert(
      fc.property(
        // Few distinct values, so most arrays are full of ties, as boundary distances are.
        fc.array(fc.integer({ min: 0, max: 6 }).map((v) => Math.sqrt(v)), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, q) => {
          const got = percentileOf(Float64Array.from(values), q);
          expect(Math.abs(got - sortedPercentile(values, q))).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the minimum at 0, the maximum at 100 and the middle value at 50', () => {
    const values = [5, 1, 4, 2, 3];
    expect([0, 50, 100].map((q) => percentileOf(Float64Array.from(values), q))).toEqual([1, 3, 5]);
  });
});

describe('unionBox and crop', () => {
  it('crop the smallest box holding both masks, row by row', () => {
    // 3 × 4 × 5 grid; ones at (1, 1, 2) in a and (2, 3, 1) in b: box [1..2] × [1..3] × [1..2].
    const shape = [3, 4, 5];
    const a = new Uint8Array(60);
    const b = new Uint8Array(60);
    a[1 * 20 + 1 * 5 + 2] = 1;
    b[2 * 20 + 3 * 5 + 1] = 1;
    const box = unionBox(a, b, shape)!;
    expect(box).toEqual({ lo: [1, 1, 1], hi: [3, 4, 3] });
    const ca = crop(a, shape, box);
    const cb = crop(b, shape, box);
    expect(ca.length).toBe(2 * 3 * 2);
    // In the 2 × 3 × 2 crop: a's one at (0, 0, 1) → 1, b's one at (1, 2, 0) → 6 + 4 = 10.
    expect([...ca.keys()].filter((i) => ca[i])).toEqual([1]);
    expect([...cb.keys()].filter((i) => cb[i])).toEqual([10]);
    expect(unionBox(new Uint8Array(60), new Uint8Array(60), shape)).toBeNull();
  });
});
