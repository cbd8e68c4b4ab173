/**
 * The unified focal family's shared input layer and its two terms (Yeung et al., 2022):
 * background/foreground probabilities, the asymmetric focal (cross-entropy) term and the
 * asymmetric focal Tversky term. Used by asymmetricFocalLoss, asymmetricFocalTverskyLoss and
 * unifiedFocalLoss, so the three share one computation path. Call inside a `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions } from '../types.js';
import { prepare } from './normalize.js';
import { COMMON_KEYS, parseCommon, type ParsedCommon } from './options.js';
import { checkEnum, checkNumber } from './validate.js';

/** Reductions of the unified focal family: the batch mean, or one value per image. */
export type UnifiedFocalReduction = 'mean' | 'none';
/** Every valid {@link UnifiedFocalReduction}. */
export const UNIFIED_FOCAL_REDUCTIONS = ['mean', 'none'] as const;

/** Options shared by {@link asymmetricFocalLoss}, {@link asymmetricFocalTverskyLoss} and {@link unifiedFocalLoss}. */
export interface UnifiedFocalCommonOptions extends Omit<CommonOptions, 'mode'> {
  /**
   * `'binary'` (C = 1, sigmoid; background 1 − p, foreground p) or `'multiclass'` (C ≥ 2,
   * softmax; class 0 is the background, classes 1…C−1 the foreground).
   * @defaultValue `'binary'`
   */
  mode?: 'binary' | 'multiclass';
  /**
   * Probabilities are clamped to [eps, 1 − eps] before any log or ratio (and the foreground
   * Tversky term to ≥ eps before its power).
   * @defaultValue `1e-7`
   */
  eps?: number;
  /**
   * `'mean'` over the batch, or `'none'` for one value per image (`[B]`).
   * @defaultValue `'mean'`
   */
  reduction?: UnifiedFocalReduction;
}

/** Keys of {@link UnifiedFocalCommonOptions}. */
export const UNIFIED_FOCAL_KEYS = [...COMMON_KEYS, 'eps', 'reduction'] as const;

/** {@link UnifiedFocalCommonOptions} with defaults applied. */
export interface ParsedUnifiedFocal extends ParsedCommon {
  readonly eps: number;
  readonly reduction: UnifiedFocalReduction;
}

/** Reads the common options of the family (validated once, in the factory). */
export function parseUnifiedFocal(fn: string, options: Record<string, unknown>): ParsedUnifiedFocal {
  return {
    ...parseCommon(fn, options, ['binary', 'multiclass']),
    eps: checkNumber(fn, 'eps', options.eps, 1e-7, { above: 0, max: 0.5 }),
    reduction: checkEnum(fn, 'reduction', options.reduction, UNIFIED_FOCAL_REDUCTIONS, 'mean'),
  };
}

/** Reads δ (weight of the foreground, in [0, 1]). */
export function parseDelta(fn: string, value: unknown, fallback: number): number {
  return checkNumber(fn, 'delta', value, fallback, { min: 0, max: 1 });
}

/**
 * The family's tensors, channels last and flattened to `[B, N, K]`: `p` the clamped
 * probabilities (K = 2, [1 − p, p], in binary mode; K = C in multiclass mode, class 0 the
 * background), `t` the one-hot (or soft) targets times the valid mask, `m` the valid mask
 * `[B, N, 1]`.
 */
export interface FocalFamilyInputs {
  p: Tensor;
  t: Tensor;
  m: Tensor;
  B: number;
}

/** Validates the tensors and builds {@link FocalFamilyInputs}. */
export function focalFamilyInputs(fn: string, yTrue: Tensor, yPred: Tensor, o: ParsedUnifiedFocal): FocalFamilyInputs {
  const prepared = prepare(fn, yTrue, yPred, o);
  const { x, B, C } = prepared;
  const flat = (v: Tensor, k: number) => tf.reshape(v, [B, -1, k]);
  const m = flat(prepared.m, 1);
  let p: Tensor;
  let t: Tensor;
  if (o.mode === 'multiclass') {
    p = o.fromLogits ? tf.softmax(x, -1) : x;
    t = tf.mul(prepared.t, prepared.m);
  } else {
    // sigmoid(−x) is 1 − sigmoid(x) without the cancellation of 1 − q near q = 1.
    p = o.fromLogits ? tf.concat([tf.sigmoid(tf.neg(x)), tf.sigmoid(x)], -1) : tf.concat([tf.sub(1, x), x], -1);
    t = tf.mul(tf.concat([tf.sub(1, prepared.t), prepared.t], -1), prepared.m);
  }
  const K = o.mode === 'multiclass' ? C : 2;
  return { p: flat(tf.clipByValue(p, o.eps, 1 - o.eps), K), t: flat(t, K), m, B };
}

/** Splits `[B, N, K]` into the background column `[B, N, 1]` and the foreground `[B, N, K − 1]`. */
function splitBackground(v: Tensor): [Tensor, Tensor] {
  const [B, N, K] = v.shape;
  return [tf.slice(v, [0, 0, 0], [B, N, 1]), tf.slice(v, [0, 0, 1], [B, N, K - 1])];
}

/**
 * Asymmetric focal term: per pixel ℓ = (1 − δ)·(1 − p₀)^γ·(−t₀ log p₀) + δ·Σ_{c≥1} (−t_c log p_c);
 * returns Σ m·ℓ / Σ m over the batch (`'mean'`) or per image (`'none'`, `[B]`), the count
 * clamped to ≥ 1 so an all-ignored input gives 0.
 */
export function asymmetricFocalTerm(inputs: FocalFamilyInputs, delta: number, gamma: number, reduction: UnifiedFocalReduction): Tensor {
  const { p, t, m } = inputs;
  const [p0, pf] = splitBackground(p);
  const [t0, tf_] = splitBackground(t);
  // t already carries the mask m, so the sums below skip ignored pixels.
  const back = tf.mul(tf.mul(tf.pow(tf.sub(1, p0), gamma), tf.mul(t0, tf.log(p0))), -(1 - delta));
  const fore = tf.mul(tf.sum(tf.mul(tf_, tf.log(pf)), -1, true), -delta);
  const perPixel = tf.add(back, fore);
  if (reduction === 'mean') return tf.div(tf.sum(perPixel), tf.maximum(tf.sum(m), 1));
  return tf.div(tf.sum(perPixel, [1, 2]), tf.maximum(tf.sum(m, [1, 2]), 1));
}

/**
 * Asymmetric focal Tversky term: per image and class TP = Σ m·t·p, FN = Σ m·t·(1 − p),
 * FP = Σ m·(1 − t)·p, TI = (TP + eps) / (TP + δ·FN + (1 − δ)·FP + eps); per image the mean over
 * classes of 1 − TI₀ and max(1 − TI_c, eps)^(1 − γ) (c ≥ 1). Returns the batch mean or `[B]`.
 */
export function asymmetricFocalTverskyTerm(
  inputs: FocalFamilyInputs,
  delta: number,
  gamma: number,
  eps: number,
  reduction: UnifiedFocalReduction,
): Tensor {
  const { p, t, m } = inputs;
  const TP = tf.sum(tf.mul(t, p), 1);
  const FN = tf.sub(tf.sum(t, 1), TP); // Σ m·t·(1 − p) = Σ m·t − TP (t carries m)
  const FP = tf.sub(tf.sum(tf.mul(m, p), 1), TP); // Σ m·(1 − t)·p = Σ m·p − TP
  const denominator = tf.add(tf.add(tf.add(TP, tf.mul(FN, delta)), tf.mul(FP, 1 - delta)), eps);
  const TI = tf.div(tf.add(TP, eps), denominator); // [B, K]
  const [B, K] = TI.shape;
  const back = tf.sub(1, tf.slice(TI, [0, 0], [B, 1]));
  const fore = tf.pow(tf.maximum(tf.sub(1, tf.slice(TI, [0, 1], [B, K - 1])), eps), 1 - gamma);
  const perImage = tf.mean(tf.concat([back, fore], 1), 1);
  return reduction === 'mean' ? tf.mean(perImage) : perImage;
}
