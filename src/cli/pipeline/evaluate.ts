/**
 * Datasets as tensors, and a model's held-out scores and predicted label maps on them.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LossFn } from '../../types.js';
import { createScorer } from './score.js';
import type { Dataset, TaskMode, Tf } from './types.js';

export interface Tensors {
  x: TF.Tensor4D;
  /** Labels as float32 `[N, H, W, 1]`: 0/1 (binary) or class ids; IGNORED (-1) = ignored. */
  y: TF.Tensor4D;
}

/** The dataset as tensors (channels last). */
export function toTensors(tf: Tf, data: Dataset): Tensors {
  const n = data.samples.length;
  const s = data.size;
  const x = new Float32Array(n * s * s * data.channels);
  const y = new Float32Array(n * s * s);
  data.samples.forEach((sample, i) => {
    x.set(sample.image, i * s * s * data.channels);
    y.set(sample.mask, i * s * s);
  });
  return { x: tf.tensor4d(x, [n, s, s, data.channels]), y: tf.tensor4d(y, [n, s, s, 1]) };
}

/** The samples at `indices` (gather). */
export function batchOf(tf: Tf, t: Tensors, indices: number[]): Tensors {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, 'int32');
    return { x: tf.gather(t.x, idx) as TF.Tensor4D, y: tf.gather(t.y, idx) as TF.Tensor4D };
  });
}

/** Held-out scores (and the mean loss, when a loss is given) of `model` on `data`. */
export function evaluate(tf: Tf, model: TF.LayersModel, data: Tensors, mode: TaskMode, batchSize: number, loss?: LossFn) {
  const scorer = createScorer(mode);
  const n = data.x.shape[0];
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const value = tf.tidy(() => {
      const xb = data.x.slice([start], [size]);
      const yb = data.y.slice([start], [size]);
      const logits = model.predict(xb) as TF.Tensor;
      scorer.update(yb, logits);
      return loss ? (loss(yb, logits as never) as unknown as TF.Tensor).dataSync()[0] * size : 0;
    });
    lossSum += value;
  }
  return { scores: scorer.result(), loss: lossSum / n };
}

/** Predicted label maps (threshold 0.5 / argmax) of the first `count` images. */
export function predictLabels(tf: Tf, model: TF.LayersModel, x: TF.Tensor4D, mode: TaskMode, count: number): Int32Array[] {
  const n = Math.min(count, x.shape[0]);
  if (n === 0) return [];
  const flat = tf.tidy(() => {
    const logits = model.predict(x.slice([0], [n])) as TF.Tensor4D;
    return (mode === 'binary' ? logits.greaterEqual(0).squeeze([3]) : logits.argMax(3)).toInt();
  });
  const data = flat.dataSync() as Int32Array;
  flat.dispose();
  const per = data.length / n;
  return Array.from({ length: n }, (_, i) => data.slice(i * per, (i + 1) * per));
}

