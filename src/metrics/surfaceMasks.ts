/**
 * The target and predicted masks G and P of the surface metrics, read back from the backend
 * once per call (the surface metrics run on the CPU: exact distance transforms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { prepare } from '../core/normalize.js';
import { checkClassOptions } from '../core/reduce.js';
import { defaultClasses, spacingFor } from '../losses/signedDistanceMap.js';
import { predictionCut } from './confusionStats.js';
import type { ParsedSurface } from './surfaceOptions.js';

/** The masks of one call, on the CPU. */
export interface SurfaceMasks {
  /** Batch size, spatial shape and pixels per image. */
  B: number;
  spatial: number[];
  N: number;
  /** Kept class ids, in order (K = kept.length). */
  kept: number[];
  /** Spacing per spatial axis (all 1 by default). */
  spacing: number[];
  /** Writes the 0/1 masks of image `b`, class `c` into G and P (N each). */
  read(b: number, c: number, G: Uint8Array, P: Uint8Array): void;
}

/**
 * Validates the tensors (the input layer of the losses), builds G and P on the backend and reads
 * them back with one `dataSync`. Must run inside `tf.tidy`.
 *
 * - binary / multilabel: one int32 code per element, 2·[yTrue > 0.5] + [p ≥ threshold], 0 where
 *   the target equals `ignoreIndex`;
 * - multiclass: two int32 labels per pixel, the argmax over C and the target class, −1 where
 *   the target equals `ignoreIndex`.
 */
export function readSurfaceMasks(fn: string, yTrue: unknown, yPred: unknown, o: ParsedSurface): SurfaceMasks {
  const { x, t, m, labels, B, C, spatial } = prepare(fn, yTrue, yPred, o);
  checkClassOptions(fn, C, { classes: o.classes });
  const kept = o.classes ? [...o.classes] : defaultClasses(o.mode, C);
  const spacing = spacingFor(fn, o.spacing, spatial);
  const N = spatial.reduce((a, b) => a * b, 1);

  if (o.mode === 'multiclass') {
    const valid = tf.cast(tf.reshape(m, [B, N]), 'bool');
    const none = tf.fill([B, N], -1, 'int32');
    const pred = tf.where(valid, tf.reshape(tf.argMax(x, -1), [B, N]), none);
    const target = tf.where(valid, tf.reshape(labels as Tensor, [B, N]), none);
    const data = tf.stack([pred, target], -1).dataSync(); // [B, N, 2]
    return {
      B, spatial, N, kept, spacing,
      read(b, c, G, P) {
        for (let i = 0, j = 2 * b * N; i < N; i++, j += 2) {
          P[i] = data[j] === c ? 1 : 0;
          G[i] = data[j + 1] === c ? 1 : 0;
        }
      },
    };
  }

  const positive = tf.logicalAnd(tf.greaterEqual(x, predictionCut(o.threshold, o.fromLogits)), tf.cast(m, 'bool'));
  const code = tf.add(tf.mul(tf.cast(tf.greater(t, 0.5), 'int32'), 2), tf.cast(positive, 'int32')); // t is 0 where ignored
  const data = code.dataSync(); // [B, N, C]
  return {
    B, spatial, N, kept, spacing,
    read(b, c, G, P) {
      for (let i = 0, j = b * N * C + c; i < N; i++, j += C) {
        const v = data[j];
        G[i] = v >> 1;
        P[i] = v & 1;
      }
    },
  };
}
