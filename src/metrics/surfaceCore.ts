/**
 * The loop every surface metric shares: for each image and kept class, read G and P, apply the
 * empty-mask policy, crop both to the box around them, evaluate, then reduce the `[B, K]` values.
 * Plus the distance sets D(P→G), D(G→P) (one exact EDT per boundary set) and their statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { squaredEdt } from '../core/edt.js';
import { crop, unionBox } from './surfaceGeometry.js';
import { readSurfaceMasks, type SurfaceMasks } from './surfaceMasks.js';
import type { ParsedSurface, SurfaceReduction } from './surfaceOptions.js';

/** The values of one call, image-major: `data[b·K + k]`. */
export interface SurfaceValues {
  data: Float64Array;
  B: number;
  K: number;
}

/** A metric's value on one non-degenerate pair, given the cropped masks (k: kept-class index). */
export type PairEvaluator = (G: Uint8Array, P: Uint8Array, shape: number[], k: number, masks: SurfaceMasks) => number;

/** The empty-mask policy (Metrics Reloaded): the value when both masks are empty, and when one is. */
export interface EmptyPolicy {
  bothEmpty: number;
  oneEmpty: number;
}

/** Distances are 0 when both masks are empty and +Infinity when exactly one is. */
export const DISTANCE_EMPTY: EmptyPolicy = { bothEmpty: 0, oneEmpty: Infinity };
/** Overlap scores (NSD, Boundary IoU) are 1 when both masks are empty and 0 when exactly one is. */
export const SCORE_EMPTY: EmptyPolicy = { bothEmpty: 1, oneEmpty: 0 };

function anyOne(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) return true;
  return false;
}

/**
 * Reads the masks (inside `tf.tidy`) and evaluates every image and kept class; `check` sees the
 * masks first (for options that depend on the kept classes).
 */
export function surfaceValues(
  fn: string,
  yTrue: unknown,
  yPred: unknown,
  o: ParsedSurface,
  policy: EmptyPolicy,
  evaluate: PairEvaluator,
  check?: (masks: SurfaceMasks) => void,
): SurfaceValues {
  const masks = readSurfaceMasks(fn, yTrue, yPred, o);
  check?.(masks);
  const { B, N, kept, spatial } = masks;
  const K = kept.length;
  const data = new Float64Array(B * K);
  const G = new Uint8Array(N);
  const P = new Uint8Array(N);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < K; k++) {
      masks.read(b, kept[k], G, P);
      const hasG = anyOne(G);
      const hasP = anyOne(P);
      if (!hasG || !hasP) {
        data[b * K + k] = hasG || hasP ? policy.oneEmpty : policy.bothEmpty;
        continue;
      }
      const box = unionBox(G, P, spatial)!;
      const shape = box.hi.map((h, a) => h - box.lo[a]);
      data[b * K + k] = evaluate(crop(G, spatial, box), crop(P, spatial, box), shape, k, masks);
    }
  }
  return { data, B, K };
}

/** The `[B, K]` values as a float32 tensor, or their mean as a float32 scalar. */
export function reduceSurface(values: SurfaceValues, reduction: SurfaceReduction): Tensor {
  const { data, B, K } = values;
  if (reduction === 'none') return tf.tensor2d(Float32Array.from(data), [B, K], 'float32');
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return tf.scalar(sum / data.length, 'float32');
}

/**
 * d(x, ∂T) for every x of the boundary ∂F (`fromCount` of them), in scan order: the square root
 * of the squared EDT of the complement of ∂T (one EDT, linear in the element count), read at ∂F.
 */
export function boundaryDistances(fromEdge: Uint8Array, fromCount: number, toEdge: Uint8Array, shape: readonly number[], spacing: readonly number[]): Float64Array {
  const outside = new Uint8Array(toEdge.length);
  for (let i = 0; i < outside.length; i++) outside[i] = toEdge[i] ^ 1;
  const squared = squaredEdt(outside, shape, spacing);
  const out = new Float64Array(fromCount);
  for (let i = 0, j = 0; j < fromCount; i++) if (fromEdge[i] !== 0) out[j++] = Math.sqrt(squared[i]);
  return out;
}

/** Largest value (0 for none). */
export function maxOf(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** Sum of the values. */
export function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/**
 * Puts the k-th smallest value at index k, smaller-or-equal values before it and larger-or-equal
 * after (quickselect, Hoare partition around a median of three: O(n) expected, in place).
 */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const [x, y, z] = [a[left], a[mid], a[right]];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const s = a[i];
        a[i++] = a[j];
        a[j--] = s;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k];
}

/**
 * The q-th percentile (0 ≤ q ≤ 100) by linear interpolation between order statistics, as
 * numpy's default `np.percentile` and `torch.quantile`: at rank h = (n − 1)·q/100, the values
 * a_⌊h⌋ + (h − ⌊h⌋)·(a_⌊h⌋+1 − a_⌊h⌋) of the sorted a. Reorders `values`; O(n) expected.
 */
export function percentileOf(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h);
  const below = select(values, lo);
  const frac = h - lo;
  if (frac === 0 || lo + 1 >= n) return below;
  let above = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < above) above = values[i];
  return below + frac * (above - below);
}
