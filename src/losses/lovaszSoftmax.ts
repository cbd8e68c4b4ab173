import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { lovaszRows } from '../core/lovasz.js';
import { fusedLovaszRows, fusedLovaszSoftmax } from '../kernels/lovaszOps.js';
import { fusedInputs } from '../kernels/ops.js';
import { activate, maskedOneHot, prepare } from '../core/normalize.js';
import { ignoresSome, parseCommon } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { assertTensor, checkBoolean, checkKeys, checkNumberList, describe, fail, shapeText } from '../core/validate.js';

/** Options of {@link lovaszSoftmaxLoss}. */
export interface LovaszSoftmaxLossOptions {
  /**
   * `true` when yPred holds logits (softmax over C is applied inside); `false` when it already
   * holds class probabilities.
   * @defaultValue `true`
   */
  fromLogits?: boolean;
  /**
   * Classes that contribute: `'present'` (those occurring in the group's labels), `'all'`, or a
   * list of class ids (averaged in that list, repeats count twice).
   * @defaultValue `'present'`
   */
  classes?: 'present' | 'all' | number[];
  /**
   * Compute the loss per image and average over images, instead of over the whole batch.
   * @defaultValue `false`
   */
  perImage?: boolean;
  /**
   * Class index whose pixels take no part in the loss and get a zero gradient.
   * @defaultValue none
   */
  ignoreIndex?: number;
  /**
   * One-hot targets (`[B, ...spatial, C]`, as `model.fit` needs): a pixel whose target row is all
   * zero takes no part in the loss, as an index target equal to `ignoreIndex` would.
   * @defaultValue `false`
   */
  ignoreUnlabeled?: boolean;
  /**
   * `'channelsLast'` for `[B, ...spatial, C]`, `'channelsFirst'` for `[B, C, ...spatial]`.
   * @defaultValue `'channelsLast'`
   */
  dataFormat?: DataFormat;
  /** Accepted for symmetry with the other losses; must be `'multiclass'`. @defaultValue `'multiclass'` */
  mode?: 'multiclass';
}

const KEYS = ['fromLogits', 'classes', 'perImage', 'ignoreIndex', 'ignoreUnlabeled', 'dataFormat', 'mode'] as const;

/**
 * Lovász-Softmax loss: a surrogate of the mean multiclass Jaccard (IoU) loss on probabilities.
 *
 * Per group (the batch, or each image with `perImage`) over valid pixels, for each class c:
 * fg = [label = c], errors e = |fg − p_c|, sorted descending, and
 * loss_c = Σ_k e_(k)·g_k(fg sorted), with g the Lovász gradient of the Jaccard loss
 * (see {@link lovaszHingeLoss}). Group loss = mean of the kept loss_c (0 if none is kept);
 * `perImage` averages over images. With `'present'` a class absent from the group's labels is
 * skipped. One-hot targets are read through their argmax.
 *
 * **When to use:** when the metric is mean IoU over classes; it optimises the Jaccard index of
 * each class directly. Best as a fine-tuning loss after cross-entropy, or added to it. Cost: one
 * sort per group and class (O(N log N) each), more than cross-entropy or Dice.
 *
 * **Reference:** Berman, Rannen Triki and Blaschko, "The Lovász-Softmax loss: a tractable
 * surrogate for the optimization of the intersection-over-union measure in neural networks",
 * CVPR 2018, arXiv:1705.08790. Cross-checked against Berman's reference code (`lovasz_softmax`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { lovaszSoftmaxLoss } from 'segloss';
 * const loss = lovaszSoftmaxLoss({ fromLogits: false });
 * const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
 * const probs = tf.cast(tf.reshape(tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), [1, 2, 2, 3]), 'float32');
 * loss(labels, probs).print(); // 0: the prediction is the target
 * ```
 * @throws Error on unknown options, a bad `classes` value or class id ≥ C, `mode` other than
 * `'multiclass'`, yPred with C < 2, or labels outside [0, C) that are not `ignoreIndex`.
 * @see {@link lovaszHingeLoss} for binary tasks, {@link jaccardLoss} for the soft Jaccard.
 */
export function lovaszSoftmaxLoss(options: LovaszSoftmaxLossOptions = {}): LossFn {
  const fn = 'lovaszSoftmaxLoss';
  checkKeys(fn, options, KEYS);
  if (options.mode !== undefined && options.mode !== 'multiclass') {
    fail(fn, `option 'mode' must be 'multiclass' (use lovaszHingeLoss for a binary task), got ${describe(options.mode)}.`);
  }
  const common = parseCommon(fn, { ...options, mode: 'multiclass' } as Record<string, unknown>, ['multiclass'], 'multiclass');
  const classes = parseClasses(fn, options.classes);
  const o = Object.freeze({ ...common, classes, perImage: checkBoolean(fn, 'perImage', options.perImage, false) });

  /**
   * Softmax, rows, sorts and gradient in two passes by the fused kernels (cpu, wasm); null
   * elsewhere, and for the two cases they do not take (one-hot targets with ignoreIndex, a class
   * listed twice).
   */
  function fused(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const inp = fusedInputs(fn, yTrue, yPred, o);
    if (!inp || (inp.kind === 'dense' && o.ignoreIndex !== undefined)) return null;
    if (Array.isArray(classes)) checkClassOptions(fn, inp.C, { classes });
    const selected = Array.isArray(classes) ? classes : Array.from({ length: inp.C }, (_, c) => c);
    if (new Set(selected).size !== selected.length) return null;
    const [L, present] = tf.unstack(fusedLovaszSoftmax(fn, inp, o.perImage ? inp.B : 1, selected));
    return tf.mean(classes === 'present' ? tf.div(tf.sum(tf.mul(L, present), 1), tf.maximum(tf.sum(present, 1), 1)) : tf.mean(L, 1));
  }

  /** Every other backend: errors as ops, then the rows (fused where only the rows kernel runs). */
  function composite(yTrue: Tensor, yPred: Tensor): Tensor {
    const { x, t, m, labels, B, C } = prepare(fn, yTrue, yPred, o);
    if (Array.isArray(classes)) checkClassOptions(fn, C, { classes });
    const S = x.size / (B * C);
    // fg = [label = c]: prepare's t for index targets (already 0 where ignored); one-hot or soft
    // targets are read through their argmax, as in the reference (no pixel is ignored there but
    // the all-zero rows under ignoreUnlabeled: m is 0 there). maskedOneHot, not a cast of
    // tf.oneHot: fg is transposed into rows below, which webgpu cannot do to a cast int32 tensor.
    const oneHotTargets = yTrue.rank === yPred.rank && yTrue.shape[o.dataFormat === 'channelsFirst' ? 1 : yTrue.rank - 1] === C;
    let fg = tf.reshape(oneHotTargets ? maskedOneHot(labels!, m, C) : t, [B, S, C]);
    const G = o.perImage ? B : 1;
    const p = tf.reshape(activate(x, 'multiclass', o.fromLogits), [B, S, C]);
    let errors = tf.abs(tf.sub(fg, p));
    if (Array.isArray(classes)) {
      // Slices and a concat rather than tf.gather, whose gradient fails on wasm.
      const pick = (a: Tensor) => tf.concat(classes.map((c) => tf.slice(a, [0, 0, c], [B, S, 1])), 2);
      errors = pick(errors);
      fg = pick(fg);
    }
    const K = Array.isArray(classes) ? classes.length : C;
    // One row per (group, class): [G, N, K] → [G, K, N] → [G·K, N].
    const N = (B * S) / G;
    const rows = (a: Tensor) => tf.reshape(tf.transpose(tf.reshape(a, [G, N, K]), [0, 2, 1]), [G * K, N]);
    const v = !ignoresSome(o) ? undefined : rows(tf.broadcastTo(tf.reshape(m, [B, S, 1]), [B, S, K]));
    const fgRows = rows(fg);
    const errorRows = rows(errors);
    const L = tf.reshape(fusedLovaszRows(errorRows, fgRows, v) ?? lovaszRows(errorRows, fgRows, v), [G, K]);
    let perGroup: Tensor;
    if (classes === 'present') {
      const present = tf.reshape(tf.cast(tf.greater(tf.sum(fgRows, 1), 0), 'float32'), [G, K]);
      perGroup = tf.div(tf.sum(tf.mul(L, present), 1), tf.maximum(tf.sum(present, 1), 1));
    } else {
      perGroup = tf.mean(L, 1);
    }
    return tf.mean(perGroup);
  }

  return defineLoss(fn, (yTrue, yPred) => {
    assertTensor(fn, 'yPred', yPred);
    if (yPred.rank >= 3) {
      const C = yPred.shape[o.dataFormat === 'channelsFirst' ? 1 : yPred.rank - 1];
      if (C < 2) {
        fail(fn, `yPred must have C >= 2 class channels (use lovaszHingeLoss for one binary channel), got C = ${C} (shape ${shapeText(yPred.shape)}, ${o.dataFormat}).`);
      }
    }
    return fused(yTrue, yPred) ?? composite(yTrue, yPred);
  });
}

function parseClasses(fn: string, value: unknown): 'present' | 'all' | number[] {
  if (value === undefined) return 'present';
  if (value === 'present' || value === 'all') return value;
  if (Array.isArray(value)) return checkNumberList(fn, 'classes', value, { min: 0, integer: true })!;
  return fail(fn, `option 'classes' must be 'present', 'all' or a non-empty array of class ids, got ${describe(value)}.`, 'TypeError');
}

/** The modes lovaszSoftmaxLoss accepts (the CLI reads this to build a loss for a task). */
lovaszSoftmaxLoss.modes = ['multiclass'] as const satisfies readonly Mode[];
