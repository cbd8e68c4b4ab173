/**
 * `focalLoss` on the composite path (every backend without the fused kernels) as one
 * custom-gradient op, input layer and reduction included: the forward pass builds the loss from
 * the stable pieces of `stable.ts`, and the backward pass is a closed form of a few elementwise ops
 * on what the forward pass saved. The gradient tape then holds one node instead of the chain of
 * one-hot, activation, BCE, powers and products that autodiff would record (keeping each link's
 * inputs alive until the backward pass).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Reduction } from '../types.js';
import { checkPrediction, checkTarget, prepare, toFirstPerm, toLastPerm, type InputOptions } from './normalize.js';
import { ignoresSome } from './options.js';
import { binaryCrossEntropy, logProbabilities, probEps, safeDivide } from './stable.js';
import { fail } from './validate.js';

/** The parsed options of `focalLoss` the composite path reads. */
export interface FocalTermOptions extends InputOptions {
  fromLogits: boolean;
  /** Focusing exponent γ ≥ 0. */
  gamma: number;
  /** Binary / multilabel: α or null. Multiclass: one α per class, one for all, or null. */
  alpha: number | readonly number[] | null;
  reduction: Reduction;
}

type GradFunc = (dy: Tensor, saved: Tensor[]) => Tensor;

/** `f` as a custom-gradient op of one tensor; the backward pass reads only what `save` kept. */
function oneInputOp(f: (x: Tensor, save: tf.GradSaveFunc) => { value: Tensor; gradFunc: GradFunc }): (x: Tensor) => Tensor {
  return tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => f(x, save)) as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
}

/**
 * Applies `steps` to `v` in turn and frees each intermediate as soon as the next exists, so that a
 * chain of elementwise ops holds one full-size temporary, not one per op. `v` must be a tensor of
 * the caller's own making: it is freed too.
 */
function pipe(v: Tensor, ...steps: ((v: Tensor) => Tensor)[]): Tensor {
  for (const step of steps) {
    const next = step(v);
    if (next !== v) v.dispose();
    v = next;
  }
  return v;
}

/** a·b, where `b = null` stands for 1. */
function times(a: Tensor, b: Tensor | number | null): Tensor {
  return b === null ? a : tf.mul(a, b);
}

/**
 * The modulating factor w = max(q, 0)^γ (`safePow`'s value) of q = `makeQ()`; `null` stands for 1
 * (γ = 0, where q is not even computed). For γ ∉ {0, 1, 2} also w₁ = b^(γ−1), with b = q where
 * q > 0 and 1 elsewhere, so that w = w₁·max(q, 0) and the backward pass needs no second `pow`.
 * q is never negative for targets in [0, 1]; the clamp keeps `safePow`'s meaning for any q.
 */
function modulating(makeQ: () => Tensor, gamma: number): { w: Tensor | null; w1: Tensor | null } {
  if (gamma === 0) return { w: null, w1: null };
  const q = makeQ();
  const qp = tf.relu(q);
  if (gamma === 1 || gamma === 2) {
    q.dispose();
    return { w: gamma === 1 ? qp : pipe(qp, tf.square), w1: null };
  }
  const w1 = pipe(tf.step(q), (v) => tf.sub(1, v), (v) => tf.add(qp, v), (v) => tf.pow(v, gamma - 1));
  q.dispose();
  return { w: pipe(qp, (v) => tf.mul(w1, v)), w1 };
}

/**
 * slope·d + w·e for w = max(q, 0)^γ and its slope γ·max(q, 0)^(γ−1) (0 where q ≤ 0, as
 * `safePow`), in factored form: qp·(2d + qp·e) for γ = 2 and w₁·(γ·[q > 0]·d + qp·e) otherwise
 * (w₁ = 1 for γ = 1), with qp = max(q, 0) and e = `makeE()` (`null` stands for 1), made once d
 * is used up. Frees q and d; γ > 0.
 */
function slopeTimesPlusPower(q: Tensor, d: Tensor, makeE: (() => Tensor) | null, gamma: number, w1: Tensor | null): Tensor {
  const qp = tf.relu(q);
  let slopeD: Tensor;
  if (gamma === 2) slopeD = pipe(d, (v) => tf.mul(v, 2));
  else {
    slopeD = pipe(tf.step(q), (v) => tf.mul(v, d), (v) => (gamma === 1 ? v : tf.mul(v, gamma)));
    d.dispose();
  }
  q.dispose();
  const inner = makeE === null ? tf.add(slopeD, qp) : pipe(makeE(), (v) => tf.mul(v, qp), (v) => tf.add(slopeD, v));
  slopeD.dispose();
  const out = gamma === 2 ? tf.mul(inner, qp) : times(inner, w1);
  if (out !== inner) inner.dispose();
  qp.dispose();
  return out;
}

/**
 * A focal map and its gradient: `fl` is the loss per element (binary, multilabel; channels-last)
 * or per pixel (multiclass), `keep` what the backward pass reads, and `grad(dy, kept)` the
 * gradient with respect to the channels-last prediction for an upstream gradient `dy` of `fl`'s
 * shape or a scalar (the same for every entry), given the kept tensors.
 */
interface FocalMap {
  fl: Tensor;
  keep: Tensor[];
  grad: (dy: Tensor, kept: Tensor[]) => Tensor;
}

/**
 * Binary / multilabel focal loss per element, FL = α_t·(1 − p_t)^γ·ce·m, with
 * q = 1 − p_t = t + p·(1 − 2t), α_t = α·t + (1 − α)(1 − t) and ce = softplus(x) − x·t from
 * logits, or the BCE of p = x clamped to [eps, 1 − eps] from probabilities (eps = `probEps()`,
 * 1e-7 on float32 storage). Gradient, from
 * logits ∂FL/∂x = α_t·m·(γq^(γ−1)·(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)), from probabilities
 * ∂FL/∂x = α_t·m·(γq^(γ−1)·(1 − 2t)·ce + q^γ·∂ce/∂p) with ∂ce/∂p = (1 − t)/(1 − p) − t/p inside
 * the clamp range and 0 outside. Kept for the backward pass: t, p (or x), ce, and α_t·m when
 * there is a mask, w₁ for γ ∉ {0, 1, 2}.
 */
function sigmoidFocal(x: Tensor, t: Tensor, m: Tensor | null, o: FocalTermOptions): FocalMap {
  const { fromLogits, gamma } = o;
  const alpha = o.alpha as number | null;
  // α_t = t·(2α − 1) + (1 − α).
  const alphaT = (ts: Tensor): Tensor | null => (alpha === null ? null : pipe(tf.mul(ts, 2 * alpha - 1), (v) => tf.add(v, 1 - alpha)));
  // q = t + p·(1 − 2t), which is p for t = 0 and 1 − p for t = 1.
  const qOf = (ts: Tensor, p: Tensor): Tensor => pipe(tf.mul(ts, 2), (v) => tf.sub(1, v), (v) => tf.mul(v, p), (v) => tf.add(v, ts));

  const ce = tf.tidy(() => binaryCrossEntropy(x, t, fromLogits));
  const p = fromLogits ? tf.sigmoid(x) : x;
  const { w, w1 } = modulating(() => qOf(t, p), gamma);
  // α_t·m as one tensor: m is 0 or 1, so (FL·α_t)·m = FL·(α_t·m) exactly.
  const a = alphaT(t);
  const weight = m === null ? a : a === null ? m : pipe(a, (v) => tf.mul(v, m));
  const fl = w === null ? times(ce, weight) : pipe(tf.mul(w, ce), (v) => times(v, weight));
  if (w !== null) w.dispose();
  return {
    fl,
    keep: [t, p, ce, ...(w1 ? [w1] : []), ...(m && weight ? [weight] : [])],
    grad: (dy, [ts, pv, ces, ...rest]) => {
      const w1s = w1 ? rest[0] : null;
      // e = ∂ce/∂x = p − t (logits), or ∂ce/∂p = (1 − t)/(1 − p) − t/p inside the clamp range.
      const dce = (): Tensor =>
        fromLogits
          ? tf.sub(pv, ts)
          : tf.tidy(() => {
              const eps = probEps();
              const inRange = tf.tidy(() => tf.cast(tf.logicalAnd(tf.greaterEqual(pv, eps), tf.lessEqual(pv, 1 - eps)), 'float32'));
              const pc = tf.clipByValue(pv, eps, 1 - eps);
              const oneMinusPc = tf.sub(1, pc);
              const negative = pipe(tf.sub(1, ts), (v) => tf.div(v, oneMinusPc));
              oneMinusPc.dispose();
              return pipe(tf.div(ts, pc), (v) => tf.sub(negative, v), (v) => tf.mul(v, inRange));
            });
      let g: Tensor;
      if (gamma === 0) g = dce();
      else {
        // d = ∂q/∂x·ce = (1 − 2t)·p(1 − p)·ce (logits), or ∂q/∂p·ce = (1 − 2t)·ce.
        const s = pipe(tf.mul(ts, 2), (v) => tf.sub(1, v));
        const q = pipe(tf.mul(s, pv), (v) => tf.add(v, ts));
        const d = fromLogits ? pipe(tf.sub(1, pv), (v) => tf.mul(v, pv), (v) => tf.mul(v, ces), (v) => tf.mul(v, s)) : tf.mul(ces, s);
        s.dispose();
        g = slopeTimesPlusPower(q, d, dce, gamma, w1s);
      }
      const weights = m === null ? alphaT(ts) : rest[rest.length - 1];
      return pipe(g, (v) => times(v, weights), (v) => tf.mul(v, dy));
    },
  };
}

/**
 * Multiclass focal loss per pixel, FL = −m·Σ_c α_c·t_c·(1 − p_c)^γ·log p_c, with log p from a
 * stable log-softmax (logits) or log(max(x, eps)) (probabilities, eps = `probEps()`). With
 * ψ = ∂[(1 − p)^γ·log p]/∂log p = (1 − p)^γ − γ(1 − p)^(γ−1)·p·log p and r = −m·α·t·ψ, the
 * gradient is the softmax Jacobian applied to r, ∂FL/∂x = r − p·Σ_c r_c (logits), or r/x where
 * x ≥ eps and 0 below (probabilities). Kept for the backward pass: t, p, log p, and x
 * (probabilities), w₁ (γ ∉ {0, 1, 2}) and m where present.
 */
function softmaxFocal(x: Tensor, t: Tensor, m: Tensor | null, o: FocalTermOptions): FocalMap {
  const { fromLogits, gamma } = o;
  const alpha = o.alpha;
  const alphaOf = (): Tensor | number | null => (Array.isArray(alpha) ? tf.tensor1d(alpha as number[]) : (alpha as number | null));
  let p: Tensor;
  let logp: Tensor;
  if (fromLogits) {
    // log softmax as tf.logSoftmax computes it, (x − max) − log Σ exp(x − max), and p = e/Σe
    // from the same exponentials.
    const shifted = pipe(tf.max(x, -1, true), (v) => tf.sub(x, v));
    const e = tf.exp(shifted);
    const total = tf.sum(e, -1, true);
    p = pipe(e, (v) => tf.div(v, total));
    logp = pipe(tf.log(total), (v) => tf.sub(shifted, v));
    tf.dispose([shifted, total]);
  } else {
    logp = logProbabilities(x, false);
    p = tf.exp(logp);
  }
  const { w, w1 } = modulating(() => tf.sub(1, p), gamma);
  const weighted = pipe(w === null ? tf.mul(t, logp) : pipe(tf.mul(t, w), (v) => tf.mul(v, logp)), (v) => times(v, alphaOf()));
  if (w !== null) w.dispose();
  const fl = pipe(tf.sum(weighted, -1), tf.neg, (v) => (m === null ? v : tf.mul(v, tf.squeeze(m, [-1]))));
  weighted.dispose();
  return {
    fl,
    keep: [t, p, logp, ...(fromLogits ? [] : [x]), ...(w1 ? [w1] : []), ...(m ? [m] : [])],
    grad: (dy, [ts, ps, lps, ...rest]) => {
      const xs = fromLogits ? null : rest.shift()!;
      const w1s = w1 ? rest.shift()! : null;
      const ms = m ? rest.shift()! : null;
      // ψ = w + slope·(−p·log p); γ = 0: ψ = 1.
      const psi = gamma === 0 ? null : slopeTimesPlusPower(tf.sub(1, ps), pipe(tf.mul(ps, lps), tf.neg), null, gamma, w1s);
      // r = −α·t·ψ·(dy·m), dy per pixel for the map and one number for a sum.
      const dyPixel = pipe(tf.neg(dy.rank === 0 ? dy : tf.expandDims(dy, -1)), (v) => times(v, ms));
      const r = pipe(psi === null ? tf.mul(ts, dyPixel) : pipe(psi, (v) => tf.mul(v, ts), (v) => tf.mul(v, dyPixel)), (v) => times(v, alphaOf()));
      if (fromLogits) return pipe(tf.sum(r, -1, true), (v) => tf.mul(ps, v), (v) => tf.sub(r, v));
      return tf.where(tf.greaterEqual(xs!, probEps()), tf.div(r, xs!), tf.zerosLike(r));
    },
  };
}

/**
 * The multiclass α_c of each of the C classes: the list as given (its length checked against C),
 * or one number (1 for null) repeated. Both paths of `focalLoss` call it after the shape checks
 * and before the label values are read.
 * @throws on a per-class `alpha` whose length is not C.
 */
export function focalAlphaPerClass(fn: string, alpha: number | readonly number[] | null, C: number): number[] {
  if (!Array.isArray(alpha)) return new Array<number>(C).fill((alpha as number | null) ?? 1);
  if (alpha.length !== C) fail(fn, `option 'alpha' must have one entry per class (${C}), got ${alpha.length}.`);
  return [...alpha];
}

/**
 * `focalLoss` on the composite path: the input layer (`prepare`), the focal map of
 * {@link sigmoidFocal} or {@link softmaxFocal} and the reduction — `'none'` the map (binary,
 * multilabel in yPred's layout; multiclass `[B, ...spatial]`), `'sum'` Σ FL, `'mean'`
 * Σ FL / Σ m (0 when nothing is valid) — as one op of yPred whose gradient is the closed form of
 * the focal map, scaled by the reduction's ∂/∂FL and laid out as yPred. Call it inside a `tf.tidy`.
 * @throws the input layer's errors, and on a per-class `alpha` whose length is not C.
 */
export function focalTerm(fn: string, yTrue: Tensor, yPred: Tensor, o: FocalTermOptions): Tensor {
  // The shape and dtype checks again, here: tfjs's profiler and DEBUG mode lose errors thrown
  // inside an op (they create no tensor; `prepare` repeats them and checks the label values).
  const xShape = checkPrediction(fn, yPred, o.mode, o.dataFormat);
  checkTarget(fn, yTrue, yPred, xShape, o);
  focalAlphaPerClass(fn, o.alpha, xShape[xShape.length - 1]);
  const multiclass = o.mode === 'multiclass';
  const first = o.dataFormat === 'channelsFirst';
  const op = oneInputOp((input, save) => {
    // The input layer's intermediates are freed at once; the all-ones mask is dropped when
    // nothing can be ignored.
    const [x, t, m = null] = tf.tidy(() => {
      const r = prepare(fn, yTrue, input, o);
      return ignoresSome(o) ? [r.x, r.t, r.m] : [r.x, r.t];
    });
    const C = x.shape[x.rank - 1];
    const { fl, keep, grad } = (multiclass ? softmaxFocal : sigmoidFocal)(x, t, m, o);
    let value: Tensor;
    let count: Tensor | null = null;
    if (o.reduction === 'none') value = multiclass || !first ? fl : tf.transpose(fl, toFirstPerm(fl.rank));
    else {
      value = tf.sum(fl);
      if (!keep.includes(fl)) fl.dispose(); // (for γ = 0 and no weights, fl is ce)
      if (o.reduction === 'mean') {
        // Valid elements (binary, multilabel) or valid pixels (multiclass).
        count = m === null ? tf.scalar(multiclass ? x.size / C : x.size) : tf.sum(m);
        value = pipe(value, (v) => safeDivide(v, count!));
      }
    }
    save([...keep, ...(count ? [count] : [])]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.tidy(() => {
          let dyMap = dy;
          if (o.reduction === 'mean') dyMap = safeDivide(dy, saved[saved.length - 1]);
          else if (o.reduction === 'none' && first && !multiclass) dyMap = tf.transpose(dy, toLastPerm(dy.rank));
          const dx = grad(dyMap, saved.slice(0, keep.length));
          return first ? pipe(dx, (v) => tf.transpose(v, toFirstPerm(v.rank))) : dx;
        }),
    };
  });
  return op(yPred);
}
