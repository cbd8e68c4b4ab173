import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { lovaszRows } from '../core/lovasz.js';
import { fusedLovaszHinge, fusedLovaszRows } from '../kernels/lovaszOps.js';
import { fusedInputs } from '../kernels/ops.js';
import { prepare } from '../core/normalize.js';
import { parseCommon } from '../core/options.js';
import { assertTensor, checkBoolean, checkKeys, describe, fail, shapeText } from '../core/validate.js';

/** Options of {@link lovaszHingeLoss}. */
export interface LovaszHingeLossOptions {
  /**
   * Compute the loss per image and average over images (Berman et al.'s default), instead of
   * over the whole batch as one group.
   * @defaultValue `true`
   */
  perImage?: boolean;
  /**
   * Target value whose pixels take no part in the loss and get a zero gradient.
   * @defaultValue none
   */
  ignoreIndex?: number;
  /**
   * `'channelsLast'` for `[B, ...spatial, 1]`, `'channelsFirst'` for `[B, 1, ...spatial]`.
   * @defaultValue `'channelsLast'`
   */
  dataFormat?: DataFormat;
  /** Accepted for symmetry with the other losses; must be `'binary'`. @defaultValue `'binary'` */
  mode?: 'binary';
  /** Accepted for symmetry with the other losses; must be `true` (yPred holds logits). @defaultValue `true` */
  fromLogits?: true;
}

const KEYS = ['perImage', 'ignoreIndex', 'dataFormat', 'mode', 'fromLogits'] as const;

/**
 * Lovász hinge loss: a convex surrogate of the binary Jaccard (IoU) loss, on logits.
 *
 * Per group (each image with `perImage`, else the batch) over valid pixels: signs = 2t − 1,
 * errors e = 1 − x·signs; with e sorted descending and g the Lovász gradient of the labels in
 * that order (G = Σ t, J_k = 1 − (G − cumsum(t)_k) / (G + cumsum(1 − t)_k), g_1 = J_1,
 * g_k = J_k − J_{k−1}), loss = Σ_k relu(e_(k))·g_k. A group with no valid pixel gives 0;
 * `perImage` averages over images. The sort order and g are constants for the gradient.
 *
 * **When to use:** when the metric is foreground IoU; it optimises the Jaccard index directly
 * (piecewise linear, exact on hard predictions). Works best as a fine-tuning loss after
 * training with BCE, or added to BCE. Cost: one sort per group (O(N log N) per image), more
 * than the region losses' sums.
 *
 * **Reference:** Berman, Rannen Triki and Blaschko, "The Lovász-Softmax loss: a tractable
 * surrogate for the optimization of the intersection-over-union measure in neural networks",
 * CVPR 2018, arXiv:1705.08790. Cross-checked against Berman's reference code (`lovasz_hinge`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { lovaszHingeLoss } from 'segloss';
 * const loss = lovaszHingeLoss();
 * const yTrue = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
 * const logits = tf.tensor4d([2, -2, -2, 2], [1, 2, 2, 1]);
 * loss(yTrue, logits).print(); // 0: every pixel is on its side with margin ≥ 1
 * ```
 * @throws Error on unknown options, `mode` other than `'binary'`, `fromLogits: false`, yPred with
 * C ≠ 1, or yTrue of a different shape.
 * @see {@link lovaszSoftmaxLoss} for multiclass, {@link jaccardLoss} for the soft Jaccard.
 */
export function lovaszHingeLoss(options: LovaszHingeLossOptions = {}): LossFn {
  const fn = 'lovaszHingeLoss';
  checkKeys(fn, options, KEYS);
  if (options.mode !== undefined && options.mode !== 'binary') {
    fail(fn, `option 'mode' must be 'binary' (use lovaszSoftmaxLoss for multiclass), got ${describe(options.mode)}.`);
  }
  if (options.fromLogits !== undefined && options.fromLogits !== true) {
    fail(fn, `option 'fromLogits' must be true (the hinge is defined on logits), got ${describe(options.fromLogits)}.`);
  }
  const common = parseCommon(fn, options as Record<string, unknown>, ['binary']);
  const o = Object.freeze({ ...common, perImage: checkBoolean(fn, 'perImage', options.perImage, true) });

  /** Errors, sorts and gradient in one pass per group by the fused kernel (cpu, wasm); null elsewhere. */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const inp = fusedInputs(fn, yTrue, yPred, o);
    return inp && tf.mean(fusedLovaszHinge(inp, o.perImage ? inp.B : 1));
  }

  /** Every other backend: errors as ops, then the rows (fused where only the rows kernel runs). */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    const { x, t, m, B } = prepare(fn, yTrue, yPred, o);
    const rows = o.perImage ? B : 1;
    const shape = [rows, x.size / rows];
    const errors = tf.reshape(tf.sub(1, tf.mul(x, tf.sub(tf.mul(t, 2), 1))), shape);
    const labels = tf.reshape(t, shape);
    const v = o.ignoreIndex === undefined ? undefined : tf.reshape(m, shape);
    return tf.mean(fusedLovaszRows(errors, labels, v) ?? lovaszRows(errors, labels, v));
  }

  return defineLoss(fn, (yTrue, yPred) => {
    assertTensor(fn, 'yPred', yPred);
    if (yPred.rank >= 3) {
      const C = yPred.shape[o.dataFormat === 'channelsFirst' ? 1 : yPred.rank - 1];
      if (C !== 1) {
        fail(fn, `yPred must have C = 1 channel of binary logits (use lovaszSoftmaxLoss for C >= 2 classes), got C = ${C} (shape ${shapeText(yPred.shape)}, ${o.dataFormat}).`);
      }
    }
    return fused(yTrue, yPred) ?? composite(yTrue, yPred);
  });
}

/** The modes lovaszHingeLoss accepts (the CLI reads this to build a loss for a task). */
lovaszHingeLoss.modes = ['binary'] as const satisfies readonly Mode[];
