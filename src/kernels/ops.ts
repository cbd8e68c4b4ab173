/**
 * The fused path as ops (the Lovász ones: lovaszOps.ts): each runs one fused forward kernel and gets its gradient from one fused
 * backward kernel through `tf.customGrad`, so that the tape holds one node instead of a dozen
 * full-size elementwise ops. What the backward pass reads (yTrue, and p or x) is saved for it:
 * x may be an intermediate that the caller's scope frees before the gradient is taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import type { ParsedCommon } from '../core/options.js';
import { checkLabelStats, checkPrediction, checkTarget, type TargetKind } from '../core/normalize.js';
import type { RegionSums } from '../core/regionStats.js';
import { fusedAvailable, simdAvailable } from './dispatch.js';
import { SIGMOID_STATS, SIGMOID_STATS_GRAD, SOFTMAX_STATS, SOFTMAX_STATS_GRAD, type SigmoidAttrs, type SoftmaxAttrs } from './kernelNames.js';

/** Validated inputs of a fused call. */
export interface FusedInputs {
  yTrue: Tensor;
  yPred: Tensor;
  B: number;
  C: number;
  /** Spatial positions per image. */
  S: number;
  kind: TargetKind;
  channelsFirst: boolean;
  ignoreIndex?: number;
  fromLogits: boolean;
}

/**
 * Runs the input layer's checks (same errors as `prepare`) and returns the inputs for the fused
 * path, or null when the fused path cannot run (backend without the kernels, switched off, a
 * yTrue dtype the kernels do not read, one-hot targets under `ignoreUnlabeled`).
 */
export function fusedInputs(fn: string, yTrue: unknown, yPred: unknown, options: ParsedCommon): FusedInputs | null {
  if (!fusedAvailable()) return null;
  const xShape = checkPrediction(fn, yPred, options.mode, options.dataFormat);
  const kind = checkTarget(fn, yTrue, yPred as Tensor, xShape, options);
  const y = yTrue as Tensor;
  if (y.dtype !== 'float32' && y.dtype !== 'int32' && y.dtype !== 'bool') return null;
  if (kind === 'dense' && options.ignoreUnlabeled) return null;
  const B = xShape[0];
  const C = xShape[xShape.length - 1];
  const S = xShape.slice(1, -1).reduce((a, b) => a * b, 1);
  return {
    yTrue: y,
    yPred: yPred as Tensor,
    B,
    C,
    S,
    kind,
    channelsFirst: options.dataFormat === 'channelsFirst' && C > 1,
    ...(options.ignoreIndex === undefined ? {} : { ignoreIndex: options.ignoreIndex }),
    fromLogits: options.fromLogits,
  };
}

type Grad = (dy: Tensor, saved: Tensor[]) => Tensor;

/** The parts of the engine's state that {@link customOp} reads (tfjs-core 4). */
interface TapeState {
  activeTape?: { outputs: Tensor[]; saved: Tensor[] }[] | null;
  gradientDepth?: number;
  kernelDepth?: number;
}

/**
 * A second tensor on the same storage as `t` (no copy): what the `cpu` backend's Identity does,
 * while the `wasm` backend's copies the data.
 */
function share(t: Tensor): Tensor {
  const backend = tf.backend() as unknown as { incRef(dataId: object): void };
  backend.incRef(t.dataId);
  return tf.engine().makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, tf.backend());
}

/**
 * A one-input custom-gradient op around `f`; `f` hands what its backward pass reads to `keep`.
 *
 * `tf.customGrad`'s own save clones each saved tensor, and on `wasm` a clone copies the data: two
 * full-size copies per call, more than the fused kernels themselves cost. So, where the engine
 * records a gradient tape (the only time anything is saved) and the backend counts references
 * (`cpu`, `wasm`), the tensors are shared instead and put into the tape node's saved list, which
 * the engine hands to the backward pass and disposes with the tape, as it does its own clones.
 */
export function customOp(x: Tensor, f: (keep: (tensors: Tensor[]) => void) => { value: Tensor; gradFunc: Grad }): Tensor {
  const state = tf.engine().state as unknown as TapeState;
  const tapeOn = (state.gradientDepth ?? 0) > 0 && state.kernelDepth === 0;
  const sharing = tapeOn && Array.isArray(state.activeTape) && typeof (tf.backend() as unknown as { incRef?: unknown }).incRef === 'function';
  let shared: Tensor[] = [];
  const op = tf.customGrad(((...args: (Tensor | tf.GradSaveFunc)[]) =>
    f((tensors) => {
      if (sharing) shared = tensors.map((t) => tf.keep(share(t)));
      else (args[1] as tf.GradSaveFunc)(tensors);
    })) as Parameters<typeof tf.customGrad>[0]);
  const y = (op as (x: Tensor) => Tensor)(x);
  if (sharing) {
    const node = state.activeTape![state.activeTape!.length - 1];
    if (node?.outputs[0] !== y || node.saved.length !== 0) {
      shared.forEach((t) => t.dispose());
      throw new Error('segloss: internal error: the gradient tape of @tensorflow/tfjs-core is not laid out as expected (tfjs-core 4 is required)');
    }
    node.saved.push(...shared);
  }
  return y;
}

/** Sigmoid-family options of a fused call. */
export type SigmoidTerms = Partial<Omit<SigmoidAttrs, 'B' | 'C' | 'S' | 'fromLogits' | 'channelsFirst' | 'hasIgnore' | 'ignoreIndex'>>;

/** Sums `[6, B, C]` (rows I, P, T, N, BCE, FOCAL) of a binary/multilabel prediction, with gradient. */
export function sigmoidSums(inp: FusedInputs, terms: SigmoidTerms): Tensor {
  // A term not asked for gets neutral values, which the kernels never read (the losses own the defaults).
  const attrs: SigmoidAttrs = {
    B: inp.B,
    C: inp.C,
    S: inp.S,
    fromLogits: inp.fromLogits,
    channelsFirst: inp.channelsFirst,
    hasIgnore: inp.ignoreIndex !== undefined,
    ignoreIndex: inp.ignoreIndex ?? 0,
    squared: terms.squared ?? false,
    softLabel: terms.softLabel ?? false,
    wantBce: terms.wantBce ?? false,
    wPos: terms.wPos ?? 1,
    wNeg: terms.wNeg ?? 1,
    smoothing: terms.smoothing ?? 0,
    wantFocal: terms.wantFocal ?? false,
    gamma: terms.gamma ?? 0,
    hasAlpha: terms.hasAlpha ?? false,
    alpha: terms.alpha ?? 0,
    keepP: inp.fromLogits && !(terms.wantFocal ?? false),
  };
  const { yTrue, yPred } = inp;
  const named = attrs as unknown as NamedAttrMap;
  // What the backward pass reads is saved (x may be an intermediate that the caller's scope frees
  // before the gradient is taken): t always; p from logits without the focal term, else x (the
  // focal gradient recomputes p with the softplus it needs anyway; probabilities are x itself).
  const keepP = attrs.keepP;
  // On wasm without the SIMD kernels, XNNPACK's sigmoid is several times faster than a
  // JavaScript loop: let it make p.
  const backendSigmoid = keepP && tf.getBackend() === 'wasm' && !simdAvailable(tf.backend());
  return customOp(yPred, (keep) => {
    let sums: Tensor;
    if (backendSigmoid) {
      const p = tf.sigmoid(yPred);
      [sums] = tf.engine().runKernel(SIGMOID_STATS, { x: yPred, t: yTrue, p }, named) as Tensor[];
      keep([p, yTrue]);
    } else if (keepP) {
      let p: Tensor;
      [sums, p] = tf.engine().runKernel(SIGMOID_STATS, { x: yPred, t: yTrue }, named) as Tensor[];
      keep([p, yTrue]);
    } else {
      [sums] = tf.engine().runKernel(SIGMOID_STATS, { x: yPred, t: yTrue }, named) as Tensor[];
      keep([yPred, yTrue]);
    }
    return {
      value: sums,
      gradFunc: (dy, [kept, ts]) =>
        tf.engine().runKernel(SIGMOID_STATS_GRAD, keepP ? { p: kept, t: ts, coef: dy } : { x: kept, t: ts, coef: dy }, named) as Tensor,
    };
  });
}

/** Softmax-family options of a fused call. */
export type SoftmaxTerms = Partial<Omit<SoftmaxAttrs, 'B' | 'C' | 'S' | 'fromLogits' | 'channelsFirst' | 'hasIgnore' | 'ignoreIndex' | 'dense'>>;

/**
 * Sums `[7, B, C]` (rows I, P, T, N, CE, WT, FOCAL) of a multiclass prediction, with gradient.
 * Index labels are checked as the input layer does (one small read of three numbers, where the data checks run).
 */
export function softmaxSums(fn: string, inp: FusedInputs, terms: SoftmaxTerms): Tensor {
  // A term not asked for gets neutral values, which the kernels never read (the losses own the defaults).
  const attrs: SoftmaxAttrs = {
    B: inp.B,
    C: inp.C,
    S: inp.S,
    fromLogits: inp.fromLogits,
    channelsFirst: inp.channelsFirst,
    dense: inp.kind === 'dense',
    hasIgnore: inp.ignoreIndex !== undefined,
    ignoreIndex: inp.ignoreIndex ?? 0,
    squared: terms.squared ?? false,
    softLabel: terms.softLabel ?? false,
    wantCe: terms.wantCe ?? false,
    ceWeights: terms.ceWeights ?? [],
    smoothing: terms.smoothing ?? 0,
    wantFocal: terms.wantFocal ?? false,
    gamma: terms.gamma ?? 0,
    focalAlpha: terms.focalAlpha ?? [],
  };
  const { yTrue, yPred } = inp;
  const named = attrs as unknown as NamedAttrMap;
  return customOp(yPred, (keep) => {
    const [sums, check, p] = tf.engine().runKernel(SOFTMAX_STATS, { x: yPred, t: yTrue }, named) as Tensor[];
    if (attrs.dense) check.dispose();
    else checkLabelStats(fn, check, inp.C, inp.ignoreIndex);
    // Saved for the backward pass (x may be an intermediate freed before it): t, and p from
    // logits — the backward pass reads x only for probabilities, where p = x.
    keep([attrs.fromLogits ? p : yPred, yTrue]);
    return {
      value: sums,
      gradFunc: (dy, [ps, ts]) => tf.engine().runKernel(SOFTMAX_STATS_GRAD, { x: ps, t: ts, p: ps, coef: dy }, named) as Tensor,
    };
  });
}

/** Row k of sums `[K, B, C]`, as `[B, C]`. */
export function row(sums: Tensor, k: number): Tensor {
  const [, B, C] = sums.shape;
  return tf.reshape(tf.slice(sums, [k, 0, 0], [1, B, C]), [B, C]);
}

/** I, P, T from fused sums, per image `[B, C]` or over the batch `[C]` (few ops: sum, slice, unstack). */
export function regionSumsFrom(sums: Tensor, perImage: boolean): RegionSums {
  const [K, B, C] = sums.shape;
  const grouped = perImage ? sums : tf.sum(sums, 1);
  const [I, P, T] = tf.unstack(K === 3 ? grouped : perImage ? tf.slice(grouped, [0, 0, 0], [3, B, C]) : tf.slice(grouped, [0, 0], [3, C]));
  return { I, P, T };
}
