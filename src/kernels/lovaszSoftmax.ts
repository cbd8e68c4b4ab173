/**
 * Fused Lovász-Softmax kernels for the `cpu` and `wasm` backends, on yPred and yTrue as given:
 * softmax, the labels' one-hot columns, errors |fg − p|, one sorted walk per (group, class) and
 * the gradient, as loops over the backend's memory instead of a dozen full-size ops.
 *
 * Forward `SeglossLovaszSoftmax`: inputs `x` (yPred: logits, or probabilities without
 * `fromLogits`; channels last or first) and `t` (class indices, one per pixel; or, when `dense`,
 * one-hot targets in x's layout, read through their argmax as the reference does). Attributes:
 * B, S, C, G (groups: B per image, or 1), channelsFirst, dense, hasIgnore, ignoreIndex and
 * `classes` (the K distinct classes that take part). Outputs `out` `[2, G, K]` — row 0 the
 * Lovász extension L of each (group, class), row 1 whether the class occurs in the group's
 * labels —, a label check `[3]` (as SeglossSoftmaxStats), p and W in x's shape: W = ∂L_(g,k)/∂p
 * at each pixel of group g in class c_k's column (0 elsewhere), i.e. g_rank·[e > 0]·sign(p − fg)
 * (see `lovaszRow`).
 * Backward `SeglossLovaszSoftmaxGrad`: inputs W, p, dy `[2, G, K]`; output ∂/∂x: with
 * dp_c = dy[0, g, k(c)]·W_c, dx = p ⊙ (dp − Σ_c p_c·dp_c) from logits, or dp itself.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, view } from './access.js';
import type { LovaszSoftmaxAttrs } from './kernelNames.js';
import { maxOf, shiftedExps } from './fastMath.js';
import { LovaszScratch, lovaszRow } from './lovaszRows.js';
import { checkLabelValues, labelAt } from './softmaxLoops.js';

function attrsOf(a: NamedAttrMap | undefined): LovaszSoftmaxAttrs {
  return a as unknown as LovaszSoftmaxAttrs;
}

/** Offset of pixel j's class 0 and the stride between classes, in x's layout. */
function pixel(a: LovaszSoftmaxAttrs, j: number): [number, number] {
  if (!a.channelsFirst) return [j * a.C, 1];
  const b = Math.floor(j / a.S);
  return [b * a.C * a.S + (j - b * a.S), a.S];
}

export function lovaszSoftmaxForward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs);
  const { B, S, C, G, fromLogits, dense, classes } = a;
  const K = classes.length;
  const P = B * S;
  const shape = args.inputs.x.shape;
  const { infos, views } = allocate(backend, [[2, G, K], [3], shape, shape]);
  const [out, check, p, W] = views;
  const x = view(backend, args.inputs.x);
  const t = view(backend, args.inputs.t);
  if (dense) check.set([0, 3e38, -3e38]);
  else checkLabelValues(t, P, a.hasIgnore, a.ignoreIndex, check);
  // Probabilities, and each pixel's label (−1: ignored or invalid, no part in any row).
  const label = new Int32Array(P);
  for (let j = 0; j < P; j++) {
    const [base, cs] = pixel(a, j);
    if (fromLogits) {
      const inv = 1 / shiftedExps(x, base, cs, C, maxOf(x, base, cs, C), p, base, cs);
      for (let c = 0, i = base; c < C; c++, i += cs) p[i] *= inv;
    } else for (let c = 0, i = base; c < C; c++, i += cs) p[i] = x[i];
    if (dense) {
      // argmax, the first of equal maxima
      let best = 0;
      for (let c = 1, i = base + cs; c < C; c++, i += cs) if (t[i] > t[base + best * cs]) best = c;
      label[j] = best;
    } else label[j] = labelAt(a, t, j, C);
  }
  W.fill(0);
  // One row per (group, class): gathered, walked, its gradient scattered back.
  const N = P / G;
  const s = new LovaszScratch(N);
  const e = new Float32Array(N);
  const fg = new Float32Array(N);
  const v = new Float32Array(N);
  const dE = new Float32Array(N);
  const at = new Int32Array(N);
  let allValid = true;
  for (let j = 0; j < P; j++) if (label[j] < 0) allValid = false;
  for (let g = 0; g < G; g++) {
    for (let k = 0; k < K; k++) {
      const c = classes[k];
      let present = 0;
      for (let n = 0; n < N; n++) {
        const j = g * N + n;
        const [base, cs] = pixel(a, j);
        const i = base + c * cs;
        const l = label[j];
        const f = l === c ? 1 : 0;
        at[n] = i;
        fg[n] = f;
        v[n] = l < 0 ? 0 : 1;
        e[n] = l < 0 ? 0 : Math.abs(f - p[i]);
        present |= f;
      }
      out[g * K + k] = lovaszRow(e, fg, allValid ? null : v, dE, s);
      out[G * K + g * K + k] = present;
      for (let n = 0; n < N; n++) {
        const i = at[n];
        const d = p[i] - fg[n];
        W[i] = d > 0 ? dE[n] : d < 0 ? -dE[n] : 0;
      }
    }
  }
  return infos;
}

export function lovaszSoftmaxBackward(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as KernelBackend;
  const a = attrsOf(args.attrs);
  const { B, S, C, G, fromLogits, classes } = a;
  const K = classes.length;
  const P = B * S;
  const { infos, views } = allocate(backend, [args.inputs.W.shape]);
  const dx = views[0];
  const W = view(backend, args.inputs.W);
  const p = view(backend, args.inputs.p);
  const dy = view(backend, args.inputs.dy);
  // dy of each class column per group (0 for classes that take no part).
  const coef = new Float64Array(G * C);
  for (let g = 0; g < G; g++) for (let k = 0; k < K; k++) coef[g * C + classes[k]] = dy[g * K + k];
  const N = P / G;
  for (let j = 0; j < P; j++) {
    const [base, cs] = pixel(a, j);
    const row = Math.floor(j / N) * C;
    if (!fromLogits) {
      for (let c = 0, i = base; c < C; c++, i += cs) dx[i] = coef[row + c] * W[i];
      continue;
    }
    let dot = 0;
    for (let c = 0, i = base; c < C; c++, i += cs) dot += p[i] * coef[row + c] * W[i];
    for (let c = 0, i = base; c < C; c++, i += cs) dx[i] = p[i] * (coef[row + c] * W[i] - dot);
  }
  return infos[0];
}
