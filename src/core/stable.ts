/**
 * Numerically stable building blocks, shared by every loss: they work from logits so that
 * values and gradients stay finite for logits of ±100 (and far beyond).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { FLOAT16_EPS, FLOAT16_PROB_EPS, hasFloat16Storage } from './backend.js';

/**
 * softplus(x) = log(1 + eˣ), computed as `relu(x) + log1p(exp(-|x|))` so it never overflows,
 * with the closed-form gradient σ(x) (also right at x = 0, where relu and |x| have kinks).
 */
export const softplus: (x: Tensor) => Tensor = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))),
    gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0])),
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;

/** log σ(x) = −softplus(−x). */
export function logSigmoid(x: Tensor): Tensor {
  return tf.neg(softplus(tf.neg(x)));
}

/** log softmax over the last axis, `x − logSumExp(x)`. */
export function logSoftmax(x: Tensor): Tensor {
  return tf.logSoftmax(x, -1);
}

/** Default clamp for probabilities given directly (`fromLogits: false`). */
export const PROB_EPS = 1e-7;

/**
 * The probability clamp on the active backend: {@link PROB_EPS}, or 2⁻¹¹ where tensors are
 * stored as 16-bit floats (there 1 − 1e-7 rounds to 1, and log(1 − p) and its gradient are infinite).
 */
export function probEps(): number {
  return hasFloat16Storage() ? FLOAT16_PROB_EPS : PROB_EPS;
}

/**
 * Weighted binary cross-entropy per element, −[wPos·t·log p + wNeg·(1 − t)·log(1 − p)].
 * From logits it uses log p = −softplus(−x) and log(1 − p) = −softplus(x), so the whole term is
 * softplus(x)·(wPos·t + wNeg·(1 − t)) − wPos·t·x: one softplus, no log of a sigmoid.
 * From probabilities, p is clamped to [eps, 1 − eps] first (eps = {@link probEps}).
 */
export function binaryCrossEntropy(x: Tensor, t: Tensor, fromLogits: boolean, wPos = 1, wNeg = 1): Tensor {
  if (fromLogits) {
    if (wPos === 1 && wNeg === 1) return tf.sub(softplus(x), tf.mul(x, t));
    const weight = tf.add(tf.mul(t, wPos - wNeg), wNeg);
    return tf.sub(tf.mul(softplus(x), weight), tf.mul(tf.mul(x, t), wPos));
  }
  const eps = probEps();
  const p = tf.clipByValue(x, eps, 1 - eps);
  const pos = tf.mul(tf.mul(t, tf.log(p)), wPos);
  const neg = tf.mul(tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))), wNeg);
  return tf.neg(tf.add(pos, neg));
}

/** log p per class for multiclass predictions: log-softmax of logits, or log(max(p, {@link probEps})). */
export function logProbabilities(x: Tensor, fromLogits: boolean): Tensor {
  return fromLogits ? logSoftmax(x) : tf.log(tf.maximum(x, probEps()));
}

/** Runs `f` as a custom-gradient op of any number of tensor inputs. */
function customOp(f: (inputs: Tensor[], save: tf.GradSaveFunc) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] }) {
  const op = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return f(args.slice(0, -1) as Tensor[], save);
  }) as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: Tensor[]) => (op as (...xs: Tensor[]) => Tensor)(...inputs);
}

/**
 * max(x, 0)^γ with a finite gradient everywhere: where x ≤ 0 the value is 0 (1 when γ = 0) and
 * the gradient 0, instead of the 0·∞ = NaN that `pow` gives at 0 for γ < 1. The gradient is
 * closed-form, so no comparison op ends up on the gradient tape.
 */
export function safePow(x: Tensor, gamma: number): Tensor {
  if (gamma === 0) return tf.onesLike(x);
  if (gamma === 1) return tf.relu(x);
  return safePowOp(gamma)(x);
}

const safePowOps = new Map<number, (x: Tensor) => Tensor>();
function safePowOp(gamma: number): (x: Tensor) => Tensor {
  let op = safePowOps.get(gamma);
  if (!op) {
    op = customOp(([x], save) => {
      save([x]);
      const positive = tf.greater(x, 0);
      const base = tf.where(positive, x, tf.onesLike(x));
      return {
        value: tf.where(positive, tf.pow(base, gamma), tf.zerosLike(x)),
        gradFunc: (dy, [xs]) => {
          const pos = tf.greater(xs, 0);
          const b = tf.where(pos, xs, tf.onesLike(xs));
          return tf.mul(dy, tf.where(pos, tf.mul(tf.pow(b, gamma - 1), gamma), tf.zerosLike(xs)));
        },
      };
    });
    safePowOps.set(gamma, op);
  }
  return op;
}

/**
 * a / b where b > 0, else 0 with a zero gradient (means over possibly empty sets). `a` and `b`
 * must have the same shape (scalars, typically); the gradient is closed-form and, like
 * {@link ratio}'s, free of b².
 */
export const safeDivide = customOp(([a, b], save) => {
  save([a, b]);
  const positive = tf.greater(b, 0);
  const safeB = tf.where(positive, b, tf.onesLike(b));
  return {
    value: tf.where(positive, tf.div(a, safeB), tf.zerosLike(a)),
    gradFunc: (dy, [sa, sb]) => {
      const pos = tf.greater(sb, 0);
      const denom = tf.where(pos, sb, tf.onesLike(sb));
      const da = tf.where(pos, tf.div(dy, denom), tf.zerosLike(dy));
      // −dy·(a/b)/b rather than −dy·a/b²: b² overflows float16 once b passes 256.
      const db = tf.where(pos, tf.neg(tf.div(tf.mul(dy, tf.div(sa, denom)), denom)), tf.zerosLike(dy));
      return [da, db];
    },
  };
}) as (a: Tensor, b: Tensor) => Tensor;

/**
 * a / b with a gradient free of b²: ∂/∂a = dy/b and ∂/∂b = −dy·(a/b)/b. tfjs's `div` gradient
 * forms a·dy/b², and on 16-bit-float storage b² overflows (float16's largest is 65504) as soon
 * as b passes 256, a region sum of 256 pixels: the gradient turns NaN. `a` and `b` have one shape.
 */
export const ratio = customOp(([a, b], save) => {
  const q = tf.div(a, b);
  save([b, q]);
  return {
    value: q,
    gradFunc: (dy, [sb, sq]) => [tf.div(dy, sb), tf.neg(tf.div(tf.mul(dy, sq), sb))],
  };
}) as (a: Tensor, b: Tensor) => Tensor;

/**
 * The eps a loss uses on the active backend: `eps` as given where tensors are stored as float32
 * (cpu, wasm, webgpu, webgl with float32 textures), at least {@link FLOAT16_EPS} where they are
 * stored as 16-bit floats (smaller clamps are subnormal or 0 there).
 */
export function backendEps(eps: number): number {
  return hasFloat16Storage() ? Math.max(eps, FLOAT16_EPS) : eps;
}

/**
 * Σ m·bce(x, t) from logits as one op with the closed-form gradient
 * ∂/∂x = m·(w·σ(x) − wPos·t), w = wPos·t + wNeg·(1 − t): two elementwise ops in the backward pass
 * instead of the chain of softplus, products and sums. `t` and `m` are constants (no gradient).
 */
export function bceSumFromLogits(x: Tensor, t: Tensor, m: Tensor, wPos = 1, wNeg = 1): Tensor {
  const op = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as Tensor;
    (args[1] as tf.GradSaveFunc)([xs, t, m]);
    return {
      value: tf.sum(tf.mul(binaryCrossEntropy(xs, t, true, wPos, wNeg), m)),
      gradFunc: (dy: Tensor, [sx, st, sm]: Tensor[]) => {
        const w = wPos === wNeg ? wPos : tf.add(tf.mul(st, wPos - wNeg), wNeg);
        return tf.mul(tf.mul(tf.sub(tf.mul(tf.sigmoid(sx), w), tf.mul(st, wPos)), sm), dy);
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
  return op(x);
}

/**
 * Σ over pixels of −valid·Σ_c a_c·log softmax(x)_c from logits (a = w·t̃, `valid` `[B, ...spatial]`),
 * as one op with the closed-form gradient valid·(p·Σ_c a_c − a)·dy.
 */
export function softmaxCrossEntropySum(x: Tensor, a: Tensor, valid: Tensor): Tensor {
  const op = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as Tensor;
    (args[1] as tf.GradSaveFunc)([xs, a, valid]);
    return {
      value: tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(a, logSoftmax(xs)), -1), valid))),
      gradFunc: (dy: Tensor, [sx, sa, sv]: Tensor[]) => {
        const p = tf.softmax(sx, -1);
        const g = tf.sub(tf.mul(p, tf.sum(sa, -1, true)), sa);
        return tf.mul(tf.mul(g, tf.expandDims(sv, -1)), dy);
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
  return op(x);
}
