/**
 * The backend-facing adapter of the sigmoid-family kernels (binary and multilabel predictions):
 * reads the attributes, chooses the strategy once per call ({@link sigmoidPlan}, the same
 * function for forward and backward), allocates the outputs, finds the arrays (the backend's own
 * memory, or copies in the SIMD arena on cpu, written back at the end) and runs the loops of
 * sigmoidLoops.ts, sigmoidGeneral.ts, sigmoidSimd.ts or sigmoidLanes.ts. One pass for the forward
 * sums, one for the gradient, no full-size temporaries besides the p kept for the backward pass.
 *
 * Names, inputs, attributes and rows: kernelNames.ts (`SIGMOID_STATS`, `SIGMOID_ROW`, ...).
 * Forward outputs the sums `[SIGMOID_ROWS, B, C]` and, when `keepP` and not given, p.
 * Backward inputs t, `coef` = ∂L/∂sums and p (`keepP`) or x; output ∂L/∂x.
 */
import type { DataType, KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, view } from './access.js';
import { SIGMOID_ROW, SIGMOID_ROWS, type SigmoidAttrs } from './kernelNames.js';
import { SimdArena, simdKernelsFor, simdPlace, type SimdKernels, type SimdPlace } from './simd/simdKernels.js';
import { generalBackward, generalForward } from './sigmoidGeneral.js';
import { lanesBackward, lanesForward } from './sigmoidLanes.js';
import { fastBackward } from './sigmoidFastGrad.js';
import { fastForward, groupStart, type GroupCoef, type SigmoidArrays } from './sigmoidLoops.js';
import { simdBackward, simdForward, simdTerms } from './sigmoidSimd.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_I = SIGMOID_ROW.I;
const ROW_P = SIGMOID_ROW.P;
const ROW_N = SIGMOID_ROW.N;
const ROW_BCE = SIGMOID_ROW.BCE;
const ROW_FOCAL = SIGMOID_ROW.FOCAL;

/**
 * How a call runs: `lanes` (SIMD, four classes per vector: channels last, C a multiple of 4),
 * `simd` (SIMD per contiguous group: one channel or channels first, with a JavaScript tail),
 * `jsFast` (tight JavaScript loops: logits, nothing ignored) or `general` (one loop for every
 * option).
 */
export type SigmoidStrategy = 'lanes' | 'simd' | 'jsFast' | 'general';

/**
 * The strategy of a call with these attributes, dtypes of x (or p) and t, and SIMD place (null
 * also where p is handed in: wasm's own sigmoid runs only where the SIMD kernels do not).
 */
export function sigmoidPlan(a: SigmoidAttrs, dtypes: { x: DataType; t: DataType }, place: SimdPlace): SigmoidStrategy {
  const float32 = dtypes.x === 'float32' && dtypes.t === 'float32';
  // Plain sums with at most one of BCE and focal: what every fast variant computes.
  const plain = !a.squared && !a.softLabel && !(a.wantFocal && a.wantBce);
  const probsRegion = !a.fromLogits && !a.wantBce && !a.wantFocal;
  if (place !== null && a.fromLogits && plain && !a.channelsFirst && a.C % 4 === 0 && float32) return 'lanes';
  // The SIMD kernels take ignored elements when each group is a whole number of vectors.
  const simdable = (a.fromLogits || probsRegion) && plain && (!a.hasIgnore || a.S % 4 === 0);
  if (simdable && (a.C === 1 || a.channelsFirst) && (place === 'arena' || (place === 'heap' && float32))) return 'simd';
  if (simdable && a.fromLogits && !a.hasIgnore) return 'jsFast';
  return 'general';
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/**
 * The arrays the SIMD kernels run on: the views themselves on the heap, or arena copies of the
 * given ones (inputs filled, outputs blank). Null where SIMD cannot run after all.
 */
function simdArrays(backend: KernelBackend, parts: { length: number; from?: ArrayLike<number> }[]): { simd: SimdKernels; copies: Float32Array[] | null } | null {
  const onHeap = simdKernelsFor(backend);
  if (onHeap) return { simd: onHeap, copies: null };
  const arena = SimdArena.get();
  const copies = arena?.regions(parts);
  return copies ? { simd: arena!.kernels, copies } : null;
}

/**
 * `SeglossSigmoidStats`: the sums `[SIGMOID_ROWS, B, C]` of x against t (and p unless given or
 * not kept), by the strategy of {@link sigmoidPlan}.
 */
export function sigmoidStatsForward(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as KernelBackend;
  const a = args.attrs as unknown as SigmoidAttrs;
  const { x: xInfo, t: tInfo, p: pInfo } = args.inputs;
  const given = pInfo !== undefined;
  const place = given ? null : simdPlace(backend);
  let plan = sigmoidPlan(a, { x: xInfo.dtype, t: tInfo.dtype }, place);
  if (plan === 'lanes') {
    const infos = lanesForward(backend, a, args.inputs);
    if (infos) return infos;
    plan = sigmoidPlan(a, { x: xInfo.dtype, t: tInfo.dtype }, null);
  }
  const { B, C, S } = a;
  // p is an output only when the backward pass will read it (see `keepP`).
  const writeP = !given && a.keepP;
  const { infos, views } = allocate(backend, writeP ? [[SIGMOID_ROWS, B, C], xInfo.shape] : [[SIGMOID_ROWS, B, C]]);
  const stats = views[0];
  const pOut = writeP ? views[1] : null;
  const own: SigmoidArrays = { x: view(backend, xInfo), t: view(backend, tInfo), pOut, pIn: given ? view(backend, pInfo) : null };
  let arr = own;
  let simd: SimdKernels | null = null;
  if (plan === 'simd') {
    const run = simdArrays(backend, [{ length: own.x.length, from: own.x }, { length: own.t.length, from: own.t }, ...(pOut ? [{ length: pOut.length }] : [])]);
    if (run) {
      simd = run.simd;
      if (run.copies) arr = { x: run.copies[0], t: run.copies[1], pOut: run.copies[2] ?? null, pIn: null };
    } else plan = sigmoidPlan(a, { x: xInfo.dtype, t: tInfo.dtype }, null);
  }
  const G = B * C;
  if (plan === 'general') generalForward(a, arr, stats);
  else {
    // SIMD takes the first n = 4·⌊S/4⌋ elements of each group, the JavaScript loops the rest
    // (every element for jsFast), all groups in one call.
    const n = simd ? S & ~3 : 0;
    const sums = new Float64Array(SIGMOID_ROWS * G);
    if (n < S) fastForward(a, arr, n, sums);
    const acc = new Float64Array(SIGMOID_ROWS);
    const terms = simdTerms(a);
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const g = b * C + c;
        if (n > 0) simdForward(simd!, a, terms, arr, groupStart(a, b, c), n, acc);
        for (let k = 0; k < SIGMOID_ROWS; k++) stats[k * G + g] = acc[k] + sums[k * G + g];
        // Valid elements: the SIMD part's count, plus the JavaScript part (never ignored there).
        stats[ROW_N * G + g] = acc[ROW_N] + (S - n);
      }
    }
  }
  if (arr !== own && pOut) pOut.set(arr.pOut!);
  return infos;
}

/** `SeglossSigmoidStatsGrad`: ∂L/∂x from `coef` = ∂L/∂sums, by the same strategy as the forward pass. */
export function sigmoidStatsBackward(args: KernelArgs): TensorInfo {
  const backend = args.backend as KernelBackend;
  const a = args.attrs as unknown as SigmoidAttrs;
  // Inputs: t, coef, and p (logits without focal term) or x (otherwise: p recomputed, or p = x).
  const { t: tInfo, p: pInfo, coef: coefInfo } = args.inputs;
  const srcInfo = pInfo ?? args.inputs.x;
  let plan = sigmoidPlan(a, { x: srcInfo.dtype, t: tInfo.dtype }, simdPlace(backend));
  if (plan === 'lanes') {
    const info = lanesBackward(backend, a, args.inputs);
    if (info) return info;
    plan = sigmoidPlan(a, { x: srcInfo.dtype, t: tInfo.dtype }, null);
  }
  const { B, C, S } = a;
  const { infos, views } = allocate(backend, [srcInfo.shape]);
  const dxOut = views[0];
  const src = view(backend, srcInfo);
  const own: SigmoidArrays = { x: src, t: view(backend, tInfo), pOut: null, pIn: pInfo ? src : null };
  const coef = view(backend, coefInfo);
  let arr = own;
  let dx = dxOut;
  let simd: SimdKernels | null = null;
  if (plan === 'simd') {
    const run = simdArrays(backend, [{ length: src.length, from: src }, { length: own.t.length, from: own.t }, { length: dxOut.length }]);
    if (run) {
      simd = run.simd;
      if (run.copies) {
        arr = { x: run.copies[0], t: run.copies[1], pOut: null, pIn: pInfo ? run.copies[0] : null };
        dx = run.copies[2];
      }
    } else plan = sigmoidPlan(a, { x: srcInfo.dtype, t: tInfo.dtype }, null);
  }
  const G = B * C;
  if (plan === 'general') generalBackward(a, arr, dx, coef);
  else {
    // SIMD takes the first n = 4·⌊S/4⌋ elements of each group, the JavaScript loops the rest.
    const n = simd ? S & ~3 : 0;
    if (n > 0) {
      const terms = simdTerms(a);
      const g: GroupCoef = { gI: 0, gP: 0, gB: 0, gF: 0 };
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) {
          const k = b * C + c;
          g.gI = coef[ROW_I * G + k];
          g.gP = coef[ROW_P * G + k];
          g.gB = a.wantBce ? coef[ROW_BCE * G + k] : 0;
          g.gF = a.wantFocal ? coef[ROW_FOCAL * G + k] : 0;
          simdBackward(simd!, a, terms, arr, dx, groupStart(a, b, c), n, g);
        }
      }
    }
    if (n < S) fastBackward(a, arr, dx, n, coef);
  }
  if (dx !== dxOut) dxOut.set(dx);
  return infos[0];
}
