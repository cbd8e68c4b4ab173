/** Reduction of per-class losses: `classes`, `classWeights`, and 'mean' | 'sum' | 'none'. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Reduction } from '../types.js';
import { fail } from './validate.js';

/** What {@link reduceClasses} needs. */
export interface ClassReduction {
  classes?: readonly number[];
  classWeights?: readonly number[];
  reduction: Reduction;
}

/** Checks `classes` and `classWeights` against the channel count C known at call time. */
export function checkClassOptions(fn: string, C: number, options: Pick<ClassReduction, 'classes' | 'classWeights'>): void {
  const { classes, classWeights } = options;
  if (classes) {
    const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= C);
    if (bad !== undefined) fail(fn, `option 'classes' must hold class ids in [0, ${C}), got ${bad}.`, 'RangeError');
  }
  if (classWeights && classWeights.length !== C) {
    fail(fn, `option 'classWeights' must have one weight per class (${C}), got ${classWeights.length}.`);
  }
}

/**
 * Reduces per-class losses L (`[C]`, or `[B, C]` per image). `classes` keeps those columns in
 * that order; `'none'` returns them; `'mean'` is Σ w_c·L_c / Σ w_c over kept classes, then the
 * mean over images; `'sum'` is Σ w_c·L_c, summed over images.
 */
export function reduceClasses(fn: string, L: Tensor, options: ClassReduction): Tensor {
  const C = L.shape[L.rank - 1];
  checkClassOptions(fn, C, options);
  const { classes, classWeights, reduction } = options;
  let kept = L;
  let w = classWeights ? [...classWeights] : undefined;
  if (classes) {
    // Slices and a concat rather than tf.gather: gather's gradient needs UnsortedSegmentSum,
    // which tfjs-backend-wasm does not have.
    const axis = L.rank - 1;
    const columns = classes.map((c) => tf.slice(L, [...L.shape.slice(0, -1).map(() => 0), c], [...L.shape.slice(0, -1), 1]));
    kept = columns.length === 1 ? columns[0] : tf.concat(columns, axis);
    w = w ? classes.map((c) => w![c]) : undefined;
  }
  if (reduction === 'none') return kept;
  const K = kept.shape[kept.rank - 1];
  const weighted = w ? tf.mul(kept, tf.tensor1d(w)) : kept;
  if (reduction === 'sum') return tf.sum(weighted);
  const total = w ? w.reduce((a, b) => a + b, 0) : K;
  if (total <= 0) fail(fn, `option 'classWeights' must give the kept classes a positive total weight, got ${total}.`);
  const perGroup = tf.div(tf.sum(weighted, -1), total);
  return perGroup.rank > 0 ? tf.mean(perGroup) : perGroup;
}
