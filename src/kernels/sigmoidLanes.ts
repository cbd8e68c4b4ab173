/**
 * The `lanes` strategy of the sigmoid-family kernels: channels last with C a multiple of 4, where
 * one SIMD vector holds four classes of a pixel. Per image and block of four classes, one
 * `sigmoidLanes` call walks the image's pixels and returns four classes' sums at once; the
 * gradient likewise. In place on the wasm heap, or on copies in the arena (cpu). Each returns
 * null where the kernels cannot run (the adapter then plans again without SIMD).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, isCpu, view } from './access.js';
import { SIGMOID_ROW, SIGMOID_ROWS, type SigmoidAttrs } from './kernelNames.js';
import { SimdArena, simdKernelsFor, type SimdKernels } from './simd/simdKernels.js';
import { ptr, simdTerms } from './sigmoidSimd.js';

// Row indices as module constants: a named property read that first runs after a hot loop has no
// type feedback when V8 compiles that loop on the stack (OSR), and would deoptimize every call.
const ROW_I = SIGMOID_ROW.I;
const ROW_P = SIGMOID_ROW.P;
const ROW_T = SIGMOID_ROW.T;
const ROW_N = SIGMOID_ROW.N;
const ROW_BCE = SIGMOID_ROW.BCE;
const ROW_FOCAL = SIGMOID_ROW.FOCAL;

/** The lane kernels' `kind` argument. */
const LANE_KIND = { region: 0, regionBce: 1, focal: 2 } as const;

/** Where the lane kernels put four lanes' sums (float64 offsets): the extra term is BCE or focal by kind. */
const LANE_OUT = { I: 0, P: 4, T: 8, TERM: 12, N: 16 } as const;
/** Where they read four lanes' coefficients (float32 offsets). */
const LANE_COEF = { I: 0, P: 4, TERM: 8 } as const;

function laneKind(a: SigmoidAttrs): number {
  return a.wantFocal ? LANE_KIND.focal : a.wantBce ? LANE_KIND.regionBce : LANE_KIND.region;
}

/** The kernels for a lane call and, on cpu, the arena they run in (null: not available). */
function laneKernels(backend: KernelBackend): { kernels: SimdKernels; arena: SimdArena | null } | null {
  const onHeap = simdKernelsFor(backend);
  if (onHeap) return { kernels: onHeap, arena: null };
  const arena = isCpu(backend) ? SimdArena.get() : null;
  return arena ? { kernels: arena.kernels, arena } : null;
}

/** The forward pass: sums `[SIGMOID_ROWS, B, C]` and, unless focal, p. */
export function lanesForward(backend: KernelBackend, a: SigmoidAttrs, inputs: Record<string, TensorInfo>): TensorInfo[] | null {
  const k = laneKernels(backend);
  if (!k) return null;
  const { B, C, S } = a;
  const G = B * C;
  const kind = laneKind(a);
  const writeP = kind !== LANE_KIND.focal;
  const heap = k.arena === null;
  // On the heap, a scratch of 40 floats (20 float64 sums) is allocated with the outputs.
  const { infos, views } = allocate(backend, [[SIGMOID_ROWS, B, C], ...(writeP ? [inputs.x.shape] : []), ...(heap ? [[40]] : [])]);
  const stats = views[0];
  const pOut = writeP ? views[1] : null;
  const own = { x: view(backend, inputs.x), t: view(backend, inputs.t) };
  let work: { x: Float32Array; t: Float32Array; p: Float32Array | null; out: Float64Array };
  if (k.arena) {
    const r = k.arena.regions([{ length: own.x.length, from: own.x }, { length: own.t.length, from: own.t }, { length: 40 }, ...(pOut ? [{ length: pOut.length }] : [])]);
    if (!r) {
      infos.forEach((info) => backend.disposeData(info.dataId));
      return null;
    }
    work = { x: r[0], t: r[1], p: pOut ? r[3] : null, out: new Float64Array(r[2].buffer, r[2].byteOffset, 20) };
  } else {
    const scratch = views[views.length - 1];
    work = { x: own.x as Float32Array, t: own.t as Float32Array, p: pOut, out: new Float64Array(scratch.buffer, scratch.byteOffset, 20) };
  }
  const s = simdTerms(a);
  const { out } = work;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < C; j += 4) {
      const at = b * S * C + j;
      const pp = work.p ? ptr(work.p, at) : 0;
      k.kernels.sigmoidLanes(ptr(work.x, at), ptr(work.t, at), pp, S, 4 * C, out.byteOffset, kind, s.wPos, s.wNeg, s.smoothing, s.gamma, s.mode, s.a1, s.a0, s.hasIgnore, s.ignore);
      for (let l = 0; l < 4; l++) {
        const g = b * C + j + l;
        stats[ROW_I * G + g] = out[LANE_OUT.I + l];
        stats[ROW_P * G + g] = out[LANE_OUT.P + l];
        stats[ROW_T * G + g] = out[LANE_OUT.T + l];
        stats[ROW_N * G + g] = out[LANE_OUT.N + l];
        stats[ROW_BCE * G + g] = kind === LANE_KIND.regionBce ? out[LANE_OUT.TERM + l] : 0;
        stats[ROW_FOCAL * G + g] = kind === LANE_KIND.focal ? out[LANE_OUT.TERM + l] : 0;
      }
    }
  }
  if (k.arena && pOut) pOut.set(work.p!);
  if (heap) backend.disposeData(infos[infos.length - 1].dataId);
  return heap ? infos.slice(0, -1) : infos;
}

/** The backward pass, with each lane's coefficients: reads x (focal) or the kept p. */
export function lanesBackward(backend: KernelBackend, a: SigmoidAttrs, inputs: Record<string, TensorInfo>): TensorInfo | null {
  const k = laneKernels(backend);
  if (!k) return null;
  const { B, C, S } = a;
  const G = B * C;
  const kind = laneKind(a);
  const heap = k.arena === null;
  const source = kind === LANE_KIND.focal ? inputs.x : inputs.p;
  const { infos, views } = allocate(backend, [source.shape, ...(heap ? [[12]] : [])]);
  const dxOut = views[0];
  const own = { src: view(backend, source), t: view(backend, inputs.t) };
  const coef = view(backend, inputs.coef);
  let work: { src: Float32Array; t: Float32Array; dx: Float32Array; g: Float32Array };
  if (k.arena) {
    const r = k.arena.regions([{ length: own.src.length, from: own.src }, { length: own.t.length, from: own.t }, { length: dxOut.length }, { length: 12 }]);
    if (!r) {
      infos.forEach((info) => backend.disposeData(info.dataId));
      return null;
    }
    work = { src: r[0], t: r[1], dx: r[2], g: r[3] };
  } else work = { src: own.src as Float32Array, t: own.t as Float32Array, dx: dxOut, g: views[1] };
  const s = simdTerms(a);
  const { g } = work;
  const termRow = kind === LANE_KIND.focal ? ROW_FOCAL : ROW_BCE;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < C; j += 4) {
      for (let l = 0; l < 4; l++) {
        const c = b * C + j + l;
        g[LANE_COEF.I + l] = coef[ROW_I * G + c];
        g[LANE_COEF.P + l] = coef[ROW_P * G + c];
        g[LANE_COEF.TERM + l] = kind === LANE_KIND.region ? 0 : coef[termRow * G + c];
      }
      const at = b * S * C + j;
      const [xp, pp] = kind === LANE_KIND.focal ? [ptr(work.src, at), 0] : [0, ptr(work.src, at)];
      k.kernels.sigmoidLanesGrad(xp, ptr(work.t, at), pp, ptr(work.dx, at), S, 4 * C, g.byteOffset, kind, s.wPos, s.wNeg, s.smoothing, s.gamma, s.mode, s.a1, s.a0, s.hasIgnore, s.ignore);
    }
  }
  if (k.arena) dxOut.set(work.dx);
  if (heap) backend.disposeData(infos[1].dataId);
  return infos[0];
}
