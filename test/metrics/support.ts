/** Shared pieces of the metric tests: seeded data and a per-pixel JavaScript reference counter. */
import * as tf from '@tensorflow/tfjs-core';
import { rng } from '../helpers/random.js';

export { rng };

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Values uniform in [lo, hi). */
export function uniform(shape: number[], seed: number, lo = -3, hi = 3): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * r()), shape);
}

/** Integers in [0, C), with `ignoreIndex` at a fraction `ignored` of the places when given. */
export function labels(shape: number[], C: number, seed: number, ignoreIndex?: number, ignored = 0.2): tf.Tensor {
  const r = rng(seed);
  const data = Int32Array.from({ length: size(shape) }, () =>
    ignoreIndex !== undefined && r() < ignored ? ignoreIndex : Math.floor(r() * C),
  );
  return tf.tensor(data, shape, 'int32');
}

/** 0/1 float targets, with `ignoreIndex` at a fraction of the places when given. */
export function mask(shape: number[], seed: number, ignoreIndex?: number, ignored = 0.2): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(
    Float32Array.from({ length: size(shape) }, () => (ignoreIndex !== undefined && r() < ignored ? ignoreIndex : r() < 0.4 ? 1 : 0)),
    shape,
  );
}

export interface Counts {
  tp: number[][];
  fp: number[][];
  fn: number[][];
  tn: number[][];
}

/**
 * The SPEC's definition counted pixel by pixel in plain JavaScript (channels-last inputs):
 * binary/multilabel positive where p >= threshold and target where yTrue > 0.5; multiclass by
 * argmax with index targets. An independent check of the tensor implementation.
 */
export function referenceCounts(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  o: { mode: 'binary' | 'multilabel' | 'multiclass'; threshold?: number; fromLogits?: boolean; ignoreIndex?: number },
): Counts {
  const B = yPred.shape[0]!;
  const C = yPred.shape[yPred.rank - 1]!;
  const S = size(yPred.shape) / (B * C);
  const x = yPred.dataSync();
  const t = yTrue.dataSync();
  const zero = () => Array.from({ length: B }, () => new Array<number>(C).fill(0));
  const out: Counts = { tp: zero(), fp: zero(), fn: zero(), tn: zero() };
  const add = (b: number, c: number, pos: boolean, tgt: boolean) => {
    const key = pos ? (tgt ? 'tp' : 'fp') : tgt ? 'fn' : 'tn';
    out[key][b]![c]! += 1;
  };
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const base = (b * S + s) * C;
      if (o.mode === 'multiclass') {
        const lab = t[b * S + s]!;
        if (lab === o.ignoreIndex) continue;
        let arg = 0;
        for (let c = 1; c < C; c++) if (x[base + c]! > x[base + arg]!) arg = c;
        for (let c = 0; c < C; c++) add(b, c, arg === c, lab === c);
      } else {
        for (let c = 0; c < C; c++) {
          const target = t[base + c]!;
          if (target === o.ignoreIndex) continue;
          const v = x[base + c]!;
          const p = o.fromLogits === false ? v : 1 / (1 + Math.exp(-v));
          add(b, c, p >= (o.threshold ?? 0.5), target > 0.5);
        }
      }
    }
  }
  return out;
}

/** The four int32 tensors as nested arrays. */
export function asArrays(s: { tp: tf.Tensor; fp: tf.Tensor; fn: tf.Tensor; tn: tf.Tensor }): Counts {
  return {
    tp: s.tp.arraySync() as number[][],
    fp: s.fp.arraySync() as number[][],
    fn: s.fn.arraySync() as number[][],
    tn: s.tn.arraySync() as number[][],
  };
}

export function disposeStats(s: { tp: tf.Tensor; fp: tf.Tensor; fn: tf.Tensor; tn: tf.Tensor }): void {
  tf.dispose([s.tp, s.fp, s.fn, s.tn]);
}
