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
 * The family's tensors, channels last and flattened: `x` the prediction `[B, N, C]` (logits or
 * probabilities), `t` the one-hot (or soft) targets times the valid mask `[B, N, K]` (K = 2,
 * [1 − t, t], in binary mode; K = C in multiclass mode, class 0 the background), `m` the valid
 * mask `[B, N, 1]`.
 */
export interface FocalFamilyInputs {
  x: Tensor;
  t: Tensor;
  m: Tensor;
}

/** Validates the tensors and builds {@link FocalFamilyInputs}. */
export function focalFamilyInputs(fn: string, yTrue: Tensor, yPred: Tensor, o: ParsedUnifiedFocal): FocalFamilyInputs {
  const prepared = prepare(fn, yTrue, yPred, o);
  const { B, C } = prepared;
  const flat = (v: Tensor, k: number) => tf.reshape(v, [B, -1, k]);
  // Multiclass index targets already carry the mask; binary targets get it here.
  const t = o.mode === 'multiclass' ? prepared.t : twoColumns(tf.mul(tf.sub(1, prepared.t), prepared.m), prepared.t); // prepare() already masked t
  return { x: flat(prepared.x, C), t: flat(t, o.mode === 'multiclass' ? C : 2), m: flat(prepared.m, 1) };
}

/*
 * No strided slice, concat along the class axis or broadcast over a big tensor here: on the cpu
 * backend each of those costs more than the whole loss (they walk element by element through
 * index arithmetic). Columns are picked and placed with small matrix products instead (matMul
 * is a tight loop on every backend).
 */

/** `v` as a matrix `[rows, K]`. */
function rows(v: Tensor): Tensor {
  return tf.reshape(v, [-1, v.shape[v.rank - 1]!]);
}

/** `[a, b]` along a new last axis of size 2, for a and b of shape `[..., 1]`. */
function twoColumns(a: Tensor, b: Tensor): Tensor {
  const placed = tf.add(tf.matMul(rows(a), tf.tensor2d([[1, 0]])), tf.matMul(rows(b), tf.tensor2d([[0, 1]])));
  return tf.reshape(placed, [...a.shape.slice(0, -1), 2]);
}

/** `v` `[..., K]` times the matrix `M` `[K, L]`, as `[..., L]`. */
export function timesMatrix(v: Tensor, M: Tensor): Tensor {
  return tf.reshape(tf.matMul(rows(v), M), [...v.shape.slice(0, -1), M.shape[1]!]);
}

/**
 * The probabilities q `[B, N, K]` of x `[B, N, C]`: softmax (multiclass) or [1 − p, p] with
 * p = sigmoid(x) (binary; sigmoid(−x) is 1 − p without the cancellation near p = 1), or x itself
 * with `fromLogits: false`. Not yet clamped.
 */
export function familyProbabilities(x: Tensor, o: Pick<ParsedUnifiedFocal, 'mode' | 'fromLogits'>): Tensor {
  if (o.mode === 'multiclass') return o.fromLogits ? tf.softmax(x, -1) : x;
  return o.fromLogits ? twoColumns(tf.sigmoid(tf.neg(x)), tf.sigmoid(x)) : twoColumns(tf.sub(1, x), x);
}

/** The clamped probabilities p and the targets and mask the two terms read. */
export interface FocalFamilyTerms {
  p: Tensor;
  t: Tensor;
  m: Tensor;
}

/** The class-0 indicator `[K, 1]` (1 for the background, 0 for the foreground). */
export function backgroundVector(K: number): Tensor {
  return tf.tensor2d(Array.from({ length: K }, (_, k) => (k === 0 ? 1 : 0)), [K, 1]);
}

/** Column 0 of `[B, N, K]`, as `[B, N, 1]`. */
export function backgroundColumn(v: Tensor): Tensor {
  return timesMatrix(v, backgroundVector(v.shape[2]!));
}

/** Σ over pixels of `[B, N, K]` weighted by `w` `[B, N, 1]` (default 1), as `[B, 1, K]`. */
function pixelSums(v: Tensor, w?: Tensor): Tensor {
  const [B, N] = v.shape;
  return tf.matMul(w ? tf.reshape(w, [B!, 1, N!]) : tf.ones([B!, 1, N!]), v);
}

/**
 * Asymmetric focal term: per pixel ℓ = (1 − δ)·(1 − p₀)^γ·(−t₀ log p₀) + δ·Σ_{c≥1} (−t_c log p_c);
 * returns Σ m·ℓ / Σ m over the batch (`'mean'`) or per image (`'none'`, `[B]`), the count
 * clamped to ≥ 1 so an all-ignored input gives 0.
 */
export function asymmetricFocalTerm(inputs: FocalFamilyTerms, delta: number, gamma: number, reduction: UnifiedFocalReduction): Tensor {
  const { p, t, m } = inputs;
  // t already carries the mask m, so the sums below skip ignored pixels.
  const crossEntropy = tf.mul(t, tf.log(p)); // t·log p, [B, N, K]
  const ce0 = backgroundColumn(crossEntropy);
  const ceAll = tf.sum(crossEntropy, -1, true); // innermost-axis sum: no broadcast
  const back = tf.mul(tf.mul(tf.pow(tf.sub(1, backgroundColumn(p)), gamma), ce0), -(1 - delta));
  const perPixel = tf.sub(back, tf.mul(tf.sub(ceAll, ce0), delta)); // [B, N, 1]
  if (reduction === 'mean') return tf.div(tf.sum(perPixel), tf.maximum(tf.sum(m), 1));
  return tf.div(tf.sum(perPixel, [1, 2]), tf.maximum(tf.sum(m, [1, 2]), 1));
}

/**
 * Tversky index per image and class, `[B, 1, K]`, and its denominator: TP = Σ m·t·p,
 * FN = Σ m·t·(1 − p), FP = Σ m·(1 − t)·p, TI = (TP + eps) / (TP + δ·FN + (1 − δ)·FP + eps), where
 * the denominator is δ·Σ t + (1 − δ)·Σ m·p + eps (TP cancels; t carries m).
 */
export function tverskyIndex(inputs: FocalFamilyTerms, delta: number, eps: number): { TP: Tensor; D: Tensor; TI: Tensor } {
  const { p, t, m } = inputs;
  const TP = pixelSums(tf.mul(t, p));
  const D = tf.add(tf.add(tf.mul(pixelSums(t), delta), tf.mul(pixelSums(p, m), 1 - delta)), eps);
  return { TP, D, TI: tf.div(tf.add(TP, eps), D) };
}

/**
 * Asymmetric focal Tversky term: per image the mean over classes of 1 − TI₀ (background) and
 * max(1 − TI_c, eps)^(1 − γ) (c ≥ 1), with TI from {@link tverskyIndex}. Returns the batch mean
 * or `[B]`.
 */
export function asymmetricFocalTverskyTerm(
  inputs: FocalFamilyTerms,
  delta: number,
  gamma: number,
  eps: number,
  reduction: UnifiedFocalReduction,
): Tensor {
  const miss = tf.sub(1, tverskyIndex(inputs, delta, eps).TI); // [B, 1, K], small
  const isBack = tf.reshape(backgroundVector(miss.shape[2]!), [1, 1, -1]);
  const fore = tf.pow(tf.maximum(miss, eps), 1 - gamma);
  const perImage = tf.mean(tf.add(tf.mul(miss, isBack), tf.mul(fore, tf.sub(1, isBack))), [1, 2]);
  return reduction === 'mean' ? tf.mean(perImage) : perImage;
}
