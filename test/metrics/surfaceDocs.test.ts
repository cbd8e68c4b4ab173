/**
 * The worked example of docs/metrics.md ("Surface metrics"): every call in its table is run as
 * written on the two masks it describes, and must print the value the table states (to its
 * digits) and the closed form derived there.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';

const docs = readFileSync(resolve(__dirname, '..', '..', 'docs', 'metrics.md'), 'utf8');
const section = docs.slice(docs.indexOf('### A worked example'), docs.indexOf('### Over a validation set'));

/** Rows `| name | `call` | value |` of the example's table: the call and the last number of its value. */
const rows = [...section.matchAll(/^\| ([^|]+) \| `([^`]+)` \| ([^|]+) \|$/gm)].map((m) => {
  const numbers = m[3]!.match(/-?\d+(?:\.\d+)?/g)!;
  return { name: m[1]!.trim(), call: m[2]!, stated: numbers[numbers.length - 1]! };
});

/** The closed forms derived in the docs, by row name. */
const CLOSED: Record<string, number> = {
  HD: Math.SQRT2,
  HD95: 1 + 0.65 * (Math.SQRT2 - 1),
  ASSD: (2 * (5 + Math.SQRT2)) / 16,
  'NSD, τ = 1': 14 / 16,
  'NSD, τ = 0': 4 / 16,
  'Boundary IoU': 2 / 14,
};

/** 1 on the 3×3 square whose top-left pixel is (r0, c0) of a 6×6 image, 0 elsewhere. */
function square(r0: number, c0: number): tf.Tensor {
  return tf.tensor4d(
    Array.from({ length: 36 }, (_, i) => {
      const [r, c] = [Math.floor(i / 6) - r0, (i % 6) - c0];
      return r >= 0 && r < 3 && c >= 0 && c < 3 ? 1 : 0;
    }),
    [1, 6, 6, 1],
  );
}

describe.each(BACKENDS)('the surface metrics worked example of docs/metrics.md on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('lists the six metrics of the derivation', () => {
    expect(rows.map((r) => r.name)).toEqual(Object.keys(CLOSED));
  });

  it.each(rows)('$name: $call gives the stated value and the closed form', ({ name, call, stated }) => {
    const g = square(1, 1);
    const p = tf.tidy(() => tf.sub(tf.mul(square(2, 2), 20), 10)); // logits: +10 in P, −10 elsewhere
    const names = ['hausdorffDistance', 'averageSurfaceDistance', 'normalizedSurfaceDice', 'boundaryIoU'] as const;
    const run = new Function(...names, 'g', 'p', `return ${call};`) as (...args: unknown[]) => tf.Tensor;
    const out = run(...names.map((n) => segloss[n]), g, p);
    const value = out.dataSync()[0]!;
    expect(Math.abs(value - CLOSED[name]!)).toBeLessThanOrEqual(1e-6);
    const decimals = (stated.split('.')[1] ?? '').length;
    expect(Math.abs(value - Number(stated))).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
    tf.dispose([g, p, out]);
  });
});
