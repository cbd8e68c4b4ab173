import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tubedSkeleton } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';

/** An H×W 0/1 image from rows of '#' and '.'. */
const image = (rows: string[]): number[] => rows.flatMap((r) => [...r].map((c) => (c === '#' ? 1 : 0)));

/** Number of 8-connected components of the non-zero pixels of an H×W image. */
function components(v: ArrayLike<number>, H: number, W: number): number {
  const seen = new Uint8Array(H * W);
  let count = 0;
  for (let s = 0; s < H * W; s++) {
    if (!v[s] || seen[s]) continue;
    count++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const q = stack.pop()!;
      const i = Math.floor(q / W);
      const j = q % W;
      for (let di = -1; di <= 1; di++)
        for (let dj = -1; dj <= 1; dj++) {
          const a = i + di;
          const b = j + dj;
          const r = a * W + b;
          if (a >= 0 && a < H && b >= 0 && b < W && v[r] && !seen[r]) {
            seen[r] = 1;
            stack.push(r);
          }
        }
    }
  }
  return count;
}

describe.each(BACKENDS)('tubedSkeleton on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('tubedSkeleton() keeps a one-pixel-wide line as it is (its own skeleton; the tube never leaves the object)', () => {
    // Interior pixels of a straight line have two 0→1 transitions and ends one neighbour: none is removable.
    const rows = ['.......', '.#####.', '.......'];
    const y = tf.tensor4d(image(rows), [1, 3, 7, 1]);
    const tube = tubedSkeleton(y);
    expect(tube.dtype).toBe('int32');
    expect(tube.shape).toEqual([1, 3, 7]);
    expect(Array.from(tube.dataSync())).toEqual(image(rows));
    tf.dispose([y, tube]);
  });

  it('the tube of a filled rectangle is one connected piece inside it, and covers its centre line', () => {
    const rows = ['...........', '.#########.', '.#########.', '.#########.', '.#########.', '.#########.', '...........'];
    const fg = image(rows);
    const y = tf.tensor4d(fg, [1, 7, 11, 1]);
    const tube = tubedSkeleton(y);
    const v = tube.dataSync();
    expect(Array.from(v).every((t, q) => t <= fg[q])).toBe(true);
    expect(components(v, 7, 11)).toBe(1);
    // Zhang–Suen thins a 5-pixel-thick bar to (part of) its middle row, which the tube then covers.
    expect(v[3 * 11 + 5]).toBe(1);
    tf.dispose([y, tube]);
  });

  it("multiclass: each object's tube carries its label; channelsFirst and a trailing 1 give the same map", () => {
    // A line of class 1 and a line of class 2, each one pixel wide.
    const labels = [...'.........', ...'.11111...', ...'.........', ...'..222222.'].map((c) => (c === '.' ? 0 : Number(c)));
    const y = tf.tensor3d(labels, [1, 4, 9], 'int32');
    const tube = tubedSkeleton(y, { mode: 'multiclass' });
    const v = Array.from(tube.dataSync());
    expect(v).toEqual(labels); // both objects are one pixel wide: they are their own skeletons
    const y4 = tf.reshape(y, [1, 1, 4, 9]);
    const first = tubedSkeleton(y4, { mode: 'multiclass', dataFormat: 'channelsFirst' });
    expect(Array.from(first.dataSync())).toEqual(v);
    tf.dispose([y, tube, y4, first]);
  });

  it('an empty target gives an empty tube, and binary targets are foreground above 0.5', () => {
    const y = tf.tensor3d([0.2, 0.4, 0.5, 0.1, 0, 0.3], [1, 2, 3]);
    const tube = tubedSkeleton(y);
    expect(Array.from(tube.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([y, tube]);
  });

  it('leaves only its result behind, and nothing when it throws', () => {
    const y = tf.zeros([2, 5, 5, 1]);
    const bad = tf.zeros([1, 3, 4, 4, 1]);
    const before = tf.memory().numTensors;
    const tube = tubedSkeleton(y);
    expect(tf.memory().numTensors).toBe(before + 1);
    tube.dispose();
    expect(() => tubedSkeleton(bad)).toThrow(/^tubedSkeleton: yTrue must be 2-D images/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, bad]);
  });

  it('rejects 3-D volumes, several binary channels, bad labels and unknown options', () => {
    const vol = tf.zeros([1, 3, 4, 4, 1]);
    const two = tf.zeros([1, 4, 4, 2]);
    const half = tf.fill([1, 4, 4], 0.5);
    expect(() => tubedSkeleton(vol)).toThrow(/^tubedSkeleton: yTrue must be 2-D images, \[B, H, W\] or \[B, H, W, C\] \(channelsLast\), got rank 5 \(shape \[1,3,4,4,1\]\)\.$/);
    expect(() => tubedSkeleton(two)).toThrow(/^tubedSkeleton: yTrue must have 1 channel in 'binary' mode, got shape \[1,4,4,2\]/);
    expect(() => tubedSkeleton(half, { mode: 'multiclass' })).toThrow(/^tubedSkeleton: yTrue class indices must be integers >= 0, got 0.5\.$/);
    expect(() => tubedSkeleton(two, { mdoe: 'binary' } as never)).toThrow(/^tubedSkeleton: unknown option 'mdoe' \(did you mean 'mode'\?\)/);
    expect(() => tubedSkeleton(two, { mode: 'multilabel' } as never)).toThrow(/^tubedSkeleton: option 'mode' must be one of 'binary', 'multiclass'/);
    tf.dispose([vol, two, half]);
  });
});
