import { describe, expect, it } from 'vitest';
import { dilateCross, skeletonize, tubedSkeletonOf } from '../../src/core/skeletonize.js';

const image = (rows: string[]): number[] => rows.flatMap((r) => [...r].map((c) => (c === '#' ? 1 : 0)));

describe('skeletonize (Zhang–Suen, as scikit-image)', () => {
  it('keeps a single pixel and an empty image as they are', () => {
    expect(Array.from(skeletonize(image(['...', '.#.', '...']), 3, 3))).toEqual(image(['...', '.#.', '...']));
    expect(Array.from(skeletonize(new Uint8Array(12), 3, 4))).toEqual(new Array(12).fill(0));
  });

  it('thins a 3-pixel-thick bar to a line one pixel thick, inside the bar and mostly on its middle row', () => {
    const bar = image(['.........', '.#######.', '.#######.', '.#######.', '.........']);
    const sk = skeletonize(bar, 5, 9);
    const on = Array.from(sk).flatMap((v, q) => (v ? [q] : []));
    expect(on.every((q) => bar[q] === 1)).toBe(true);
    expect(on.filter((q) => Math.floor(q / 9) === 2).length).toBeGreaterThan(on.length / 2);
    // One pixel thick: no column holds two skeleton pixels.
    const columns = on.map((q) => q % 9);
    expect(new Set(columns).size).toBe(columns.length);
  });

  it('treats pixels outside the image as background (a bar on the border thins the same way)', () => {
    const inside = image(['#######', '#######', '#######']);
    const padded = image(['.........', '.#######.', '.#######.', '.#######.', '.........']);
    const a = Array.from(skeletonize(inside, 3, 7));
    const b = Array.from(skeletonize(padded, 5, 9)).filter((_, q) => q >= 9 && q < 36 && q % 9 !== 0 && q % 9 !== 8);
    expect(a).toEqual(b);
  });
});

describe('dilateCross', () => {
  it('grows a pixel into a plus, clipped at the border', () => {
    expect(Array.from(dilateCross(Uint8Array.from(image(['...', '.#.', '...'])), 3, 3))).toEqual(image(['.#.', '###', '.#.']));
    expect(Array.from(dilateCross(Uint8Array.from(image(['#..', '...'])), 2, 3))).toEqual(image(['##.', '#..']));
  });
});

describe('tubedSkeletonOf', () => {
  it('multiplies the twice-dilated skeleton by the labels, image by image', () => {
    // Image 0: one pixel of class 3 in a 3×3 image: skeleton = itself, tube masked to it.
    // Image 1: empty.
    const labels = [0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(Array.from(tubedSkeletonOf(labels, 2, 3, 3))).toEqual(labels);
  });
});
