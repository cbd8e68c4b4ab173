/**
 * The unified focal family as one custom-gradient op: the forward pass evaluates the two terms of
 * focalFamily.ts on the clamped probabilities, and the backward pass is their closed-form
 * gradient, so the gradient tape holds one node instead of the chain of activation, clamp, slices,
 * logs, powers and sums that autodiff would record. Call inside a `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  asymmetricFocalTerm,
  backgroundColumn,
  backgroundVector,
  timesMatrix,
  tverskyIndex,
  asymmetricFocalTverskyTerm,
  familyProbabilities,
  type FocalFamilyInputs,
  type ParsedUnifiedFocal,
} from './focalFamily.js';

/** δ and γ of both terms, and the weight of each (0 leaves a term out). */
export interface FocalFamilyMix {
  delta: number;
  gamma: number;
  tversky: number;
  focal: number;
}

/**
 * ∂(focal term)/∂p for the clamped p, `[B, N, K]`, before the reduction's 1/Z:
 * background (1 − δ)·t₀·(γ·(1 − p₀)^(γ−1)·log p₀ − (1 − p₀)^γ / p₀), foreground −δ·t_c / p_c.
 * p₀ ≤ 1 − eps keeps (1 − p₀)^(γ−1) finite.
 */
function focalSlope(p: Tensor, t: Tensor, delta: number, gamma: number): Tensor {
  const K = p.shape[2]!;
  const p0 = backgroundColumn(p);
  const q0 = tf.sub(1, p0);
  const powered = tf.pow(q0, gamma);
  const bracket = tf.sub(tf.mul(tf.mul(tf.div(powered, q0), tf.log(p0)), gamma), tf.div(powered, p0));
  const back = tf.mul(tf.mul(backgroundColumn(t), bracket), 1 - delta); // [B, N, 1]
  // −δ·t/p in the foreground columns and `back` in column 0, placed by small matrices.
  const foreOnly = tf.diag(tf.tensor1d(Array.from({ length: K }, (_, k) => (k === 0 ? 0 : -delta))));
  return tf.add(timesMatrix(tf.div(t, p), foreOnly), timesMatrix(back, tf.transpose(backgroundVector(K))));
}

/**
 * ∂(Tversky term)/∂p, `[B, N, K]`, per unit of each image's value. With D the denominator of
 * {@link tverskyIndex}, ∂TI/∂p_i = t_i / D − (TP + eps)·(1 − δ)·m_i / D². The per-image value is
 * the mean over classes of 1 − TI₀ and max(1 − TI_c, eps)^(1 − γ), whose slopes in TI are −1/K
 * and −(1 − γ)·(1 − TI_c)^(−γ)/K where 1 − TI_c ≥ eps (else 0, as the clamp).
 */
function tverskySlope(p: Tensor, t: Tensor, m: Tensor, delta: number, gamma: number, eps: number): Tensor {
  const K = p.shape[2]!;
  const isBack = tf.reshape(backgroundVector(K), [1, 1, K]);
  const { TP, D, TI } = tverskyIndex({ p, t, m }, delta, eps); // [B, 1, K], small
  const miss = tf.sub(1, TI);
  const foreSlope = tf.mul(tf.mul(tf.pow(tf.maximum(miss, eps), -gamma), tf.cast(tf.greaterEqual(miss, eps), 'float32')), -(1 - gamma));
  const slope = tf.div(tf.add(tf.neg(isBack), tf.mul(foreSlope, tf.sub(1, isBack))), K); // ∂value/∂TI
  const A = tf.div(slope, D);
  const Cm = tf.mul(tf.div(tf.mul(A, tf.add(TP, eps)), D), -(1 - delta));
  // A·t per image as t times diag(A_b) (batched matMul), and m·Cm as an outer product.
  const diagA = tf.mul(tf.reshape(A, [-1, K, 1]), tf.reshape(tf.eye(K), [1, K, K]));
  return tf.add(tf.matMul(t, diagA), tf.matMul(m, Cm));
}

/**
 * mix.tversky·asymmetricFocalTverskyTerm + mix.focal·asymmetricFocalTerm of the inputs, with a
 * closed-form gradient with respect to `inputs.x` (the channels-last prediction `[B, N, C]`).
 */
export function focalFamilyLoss(inputs: FocalFamilyInputs, o: ParsedUnifiedFocal, mix: FocalFamilyMix): Tensor {
  const { delta, gamma } = mix;
  const terms = (x: Tensor) => {
    const q = familyProbabilities(x, o);
    return { q, p: tf.clipByValue(q, o.eps, 1 - o.eps) };
  };
  const op = tf.customGrad(((x: Tensor, t: Tensor, m: Tensor, save: tf.GradSaveFunc) => {
    save([x, t, m]);
    const { p } = terms(x);
    const parts: Tensor[] = [];
    // Each term in its own scope, so its full-size intermediates are freed before the next.
    if (mix.tversky !== 0) parts.push(tf.tidy(() => tf.mul(asymmetricFocalTverskyTerm({ p, t, m }, delta, gamma, o.eps, o.reduction), mix.tversky)));
    if (mix.focal !== 0) parts.push(tf.tidy(() => tf.mul(asymmetricFocalTerm({ p, t, m }, delta, gamma, o.reduction), mix.focal)));
    const value = parts.length === 1 ? parts[0] : tf.add(parts[0], parts[1]);
    const gradFunc = (dy: Tensor, saved: Tensor[]) => {
      const [xs, ts, ms] = saved;
      const { q, p: ps } = terms(xs);
      const B = xs.shape[0];
      // dy per image, [B, 1, 1] ('none') or a scalar ('mean').
      const dyImage = o.reduction === 'none' ? tf.reshape(dy, [B, 1, 1]) : dy;
      const slopes: Tensor[] = [];
      if (mix.tversky !== 0) {
        const perImage = o.reduction === 'none' ? mix.tversky : mix.tversky / B;
        slopes.push(tf.tidy(() => tf.mul(tverskySlope(ps, ts, ms, delta, gamma, o.eps), tf.mul(dyImage, perImage))));
      }
      if (mix.focal !== 0) {
        const Z = tf.maximum(o.reduction === 'none' ? tf.sum(ms, [1, 2], true) : tf.sum(ms), 1);
        slopes.push(tf.tidy(() => tf.mul(focalSlope(ps, ts, delta, gamma), tf.div(tf.mul(dyImage, mix.focal), Z))));
      }
      const g = slopes.length === 1 ? slopes[0] : tf.add(slopes[0], slopes[1]);
      // Through the clamp (its gradient passes where eps ≤ q ≤ 1 − eps) and the activation.
      const gq = tf.mul(g, tf.cast(tf.logicalAnd(tf.greaterEqual(q, o.eps), tf.lessEqual(q, 1 - o.eps)), 'float32'));
      let dx: Tensor;
      if (o.mode === 'multiclass') {
        // q·(gq − Σ_k gq·q), the Σ spread back over K by a product with a row of ones.
        dx = o.fromLogits ? tf.mul(q, tf.sub(gq, timesMatrix(tf.sum(tf.mul(gq, q), -1, true), tf.ones([1, q.shape[2]!])))) : gq;
      } else {
        const diff = timesMatrix(gq, tf.tensor2d([[-1], [1]])); // q = [1 − s, s]: ∂/∂s = g₁ − g₀
        dx = o.fromLogits ? tf.mul(diff, tf.mul(tf.sigmoid(xs), tf.sigmoid(tf.neg(xs)))) : diff;
      }
      return [dx, tf.zerosLike(ts), tf.zerosLike(ms)];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: Tensor, t: Tensor, m: Tensor) => Tensor;
  return op(inputs.x, inputs.t, inputs.m);
}
