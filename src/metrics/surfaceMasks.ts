/**
 * The target and predicted masks G and P of the surface metrics, read back from the backend
 * once per call (the surface metrics run on the CPU: exact distance transforms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkPrediction, checkTarget, failOnLabels, labelledMask, toFloat32, toLastPerm } from '../core/normalize.js';
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

/** Checks class-index data as the losses' input layer does: integral, and in [0, C) unless ignored. */
function checkLabels(fn: string, data: ArrayLike<number>, C: number, ignoreIndex: number | undefined): void {
  let nonIntegral = 0;
  let lo = 3e38;
  let hi = -3e38;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) nonIntegral++;
    if (v === ignoreIndex) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  failOnLabels(fn, nonIntegral, lo, hi, C, ignoreIndex);
}

/**
 * Validates the tensors (the checks of the losses' input layer) and reads what G and P need
 * back from the backend (`dataSync`); any tensor it makes is an intermediate, so call it inside
 * `tf.tidy`. Then per image and class, in JavaScript:
 *
 * - binary / multilabel: G = yTrue > 0.5, P = yPred ≥ the threshold's cut (p ≥ threshold,
 *   evaluated on the logit when `fromLogits`), both 0 where yTrue equals `ignoreIndex`; reads
 *   yTrue and yPred (after a transpose when channels first).
 * - multiclass: G = (label = c), P = (argmax over C = c), both 0 where an index label equals
 *   `ignoreIndex` (or a one-hot row is all zero, under `ignoreUnlabeled`); reads the argmax of yPred (one op on the backend) and the labels (index
 *   targets, checked here) or the argmax of one-hot targets.
 */
export function readSurfaceMasks(fn: string, yTrue: unknown, yPred: unknown, o: ParsedSurface): SurfaceMasks {
  const xShape = checkPrediction(fn, yPred, o.mode, o.dataFormat);
  const x = yPred as Tensor;
  const kind = checkTarget(fn, yTrue, x, xShape, o);
  const y = yTrue as Tensor;
  const B = xShape[0];
  const C = xShape[xShape.length - 1];
  const spatial = xShape.slice(1, -1);
  checkClassOptions(fn, C, { classes: o.classes });
  const kept = o.classes ? [...o.classes] : defaultClasses(o.mode, C);
  const spacing = spacingFor(fn, o.spacing, spatial);
  const N = spatial.reduce((a, b) => a * b, 1);
  const ignore = o.ignoreIndex === undefined ? undefined : Math.fround(o.ignoreIndex); // compared with float32 data
  const base = { B, spatial, N, kept, spacing };
  const toLast = (t: Tensor) => (o.dataFormat === 'channelsFirst' && t.rank === x.rank ? tf.transpose(toFloat32(t), toLastPerm(t.rank)) : t);

  if (o.mode === 'multiclass') {
    const pred = tf.argMax(toLast(x), -1).dataSync(); // [B, N]
    let target: ArrayLike<number>; // [B, N]
    if (kind === 'dense') {
      const rows = toLast(y);
      // Under ignoreUnlabeled an all-zero row gets the label −1, ignored below.
      const labelled = o.ignoreUnlabeled ? tf.cast(tf.squeeze(labelledMask(rows), [-1]), 'bool') : null;
      target = (labelled ? tf.where(labelled, tf.argMax(rows, -1), tf.fill(labelled.shape, -1, 'int32')) : tf.argMax(rows, -1)).dataSync();
    } else {
      target = y.dataSync(); // [B, ...spatial] or [B, ...spatial, 1]: the same flat order
      checkLabels(fn, target, C, ignore);
    }
    const ignored = kind === 'index' ? ignore : o.ignoreUnlabeled ? -1 : undefined; // one-hot targets: the all-zero rows under ignoreUnlabeled
    return {
      ...base,
      read(b, c, G, P) {
        for (let i = 0, j = b * N; i < N; i++, j++) {
          const label = target[j];
          const valid = label !== ignored;
          G[i] = label === c && valid ? 1 : 0;
          P[i] = pred[j] === c && valid ? 1 : 0;
        }
      },
    };
  }

  const cut = predictionCut(o.threshold, o.fromLogits);
  const xs = toLast(x).dataSync(); // [B, N, C]
  const ts = toLast(y).dataSync();
  return {
    ...base,
    read(b, c, G, P) {
      for (let i = 0, j = b * N * C + c; i < N; i++, j += C) {
        const t = ts[j];
        const valid = t !== ignore;
        G[i] = t > 0.5 && valid ? 1 : 0;
        P[i] = xs[j] >= cut && valid ? 1 : 0;
      }
    },
  };
}
