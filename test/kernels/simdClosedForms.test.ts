/**
 * Each export of the SIMD WebAssembly kernels (src/kernels/simd/seglossSimd.wat), instantiated
 * here on its own memory, against float64 closed forms; and the shared-memory variant computes
 * the same.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { gammaMode, simdKernelsOn, simdModuleBytes, type SimdKernels } from '../../src/kernels/simd/simdKernels.js';
import { rng } from '../helpers/random.js';

/** The largest |a_i|. */
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

// Each export on its own memory, against float64 closed forms.

/** The module (as built, or its shared-memory variant) instantiated on `memory`. */
function instantiate(shared: boolean, memory: WebAssembly.Memory): SimdKernels {
  const module = new WebAssembly.Module(simdModuleBytes(shared));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
}

const sigmoid64 = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus64 = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const pow64 = (q: number, gamma: number): number => (gamma === 0 ? 1 : q > 0 ? Math.pow(q, gamma) : 0);
const powSlope64 = (q: number, gamma: number): number => (gamma === 0 || !(q > 0) ? 0 : gamma * Math.pow(q, gamma - 1));

/**
 * The kernels' exp clamps its argument at −87.33 (documented in the .wat): e^(−|x|) is never
 * below e^(−87.33) ≈ 1.19e−38, so σ(x) for x < −87.33 (and anything made from it) may be off by
 * that much in absolute terms.
 */
const EXP_FLOOR = Math.exp(-87.33) * (1 + 1e-6);
/** float32 unit roundoff. */
const U = 2 ** -24;

/** x spanning [−100, 100] with the special values first, and targets (hard, then soft). */
function sigmoidInputs(n: number): { x: Float32Array; t: Float32Array } {
  const special = [0, 1e-8, -1e-8, 20, -20, 88, -88, 100, -100, 1, -1, 87.5, -87.5, 0.5, -0.5, 5, -5, 30, -30, 1e-3, -1e-3, 16, -16, 9];
  const r = rng(77);
  const x = new Float32Array(n);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i < special.length ? special[i] : i % 3 === 0 ? (r() - 0.5) * 200 : (r() - 0.5) * 16;
    t[i] = i < (2 * n) / 3 ? (r() < 0.5 ? 1 : 0) : r();
  }
  // Both targets at each special x.
  for (let i = 0; i < special.length; i++) t[i] = i % 2;
  return { x, t };
}

/** Asserts |got − want| ≤ tol (each call derives its tolerance). */
function within(got: number, want: number, tol: number, label: string): void {
  expect(Math.abs(got - want), `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

describe('SIMD kernels against float64 closed forms', () => {
  // Byte addresses in a memory of 4 pages: x, t, p, dx, each with room for 1024 floats.
  const N = 260; // 4 blocks of 64 elements and a partial one
  const X = 0;
  const T = 4096;
  const P = 8192;
  const DX = 12288;
  const SENTINEL = -12345.5;
  let memory: WebAssembly.Memory;
  let k: SimdKernels;
  let f32: Float32Array;
  const { x, t } = sigmoidInputs(N);

  beforeEach(() => {
    memory = new WebAssembly.Memory({ initial: 4, maximum: 65536 });
    k = instantiate(false, memory);
    f32 = new Float32Array(memory.buffer);
    f32.set(x, X / 4);
    f32.set(t, T / 4);
    f32.fill(SENTINEL, P / 4, P / 4 + 1024);
    f32.fill(SENTINEL, DX / 4, DX / 4 + 1024);
  });

  it('sigmoidRegion() writes p = σ(x) to 2e−7 relative and sums Σp·t, Σp, Σt', () => {
    k.sigmoidRegion(X, T, P, N);
    const p = f32.subarray(P / 4, P / 4 + N);
    let I = 0;
    let Ps = 0;
    let Ts = 0;
    let scale = 0;
    for (let i = 0; i < N; i++) {
      const s = sigmoid64(x[i]);
      within(p[i], s, 2e-7 * s + EXP_FLOOR, `sigmoidRegion p at x = ${x[i]}`);
      I += s * t[i];
      Ps += s;
      Ts += t[i];
      scale += s + t[i];
    }
    // Nothing written past n.
    expect(f32[P / 4 + N]).toBe(SENTINEL);
    // Sums in float32 over 16 elements per lane (error ≤ 15u·Σ|terms|), of terms good to 2e−7.
    const tol = (15 * U + 2e-7) * scale + N * EXP_FLOOR;
    within(k.s0.value as number, I, tol, 'sigmoidRegion s0');
    within(k.s1.value as number, Ps, tol, 'sigmoidRegion s1');
    within(k.s2.value as number, Ts, tol, 'sigmoidRegion s2');
  });

  it('sigmoidRegion() sets its sums afresh on each call (n = 0 gives 0), and writes nothing for n = 0', () => {
    k.sigmoidRegion(X, T, P, N);
    expect(k.s2.value).toBeGreaterThan(0);
    k.sigmoidRegion(X, T, P + 4096, 0);
    expect([k.s0.value, k.s1.value, k.s2.value]).toEqual([0, 0, 0]);
    expect(f32[(P + 4096) / 4]).toBe(SENTINEL);
    // n = 4: only the first four elements.
    k.sigmoidRegion(X, T, P, 4);
    expect(k.s2.value).toBe(t[0] + t[1] + t[2] + t[3]);
  });

  it('with an ignore index, the sigmoid kernels leave ignored elements out: p = 0, no sums, count s3, zero gradient', () => {
    // Every 7th target becomes the ignore index 255.
    const tIg = Float32Array.from(t, (v, i) => (i % 7 === 2 ? 255 : v));
    f32.set(tIg, T / 4);
    const valid = (i: number) => i % 7 !== 2;
    const nValid = Array.from({ length: N }, (_, i) => i).filter(valid).length;
    k.sigmoidRegionBce(X, T, P, N, 1, 1, 0, 1, 255);
    expect(k.s3.value).toBe(nValid);
    let I = 0;
    let T2 = 0;
    let bce = 0;
    let scale = 0;
    for (let i = 0; i < N; i++) {
      const p = sigmoid64(x[i]);
      if (!valid(i)) {
        expect(f32[P / 4 + i]).toBe(0);
        continue;
      }
      within(f32[P / 4 + i], p, 2e-7 * p + EXP_FLOOR, `p at ${i}`);
      I += p * tIg[i];
      T2 += tIg[i];
      bce += softplus64(x[i]) - tIg[i] * x[i];
      scale += softplus64(x[i]) + Math.abs(x[i]) + 1;
    }
    within(k.s0.value as number, I, 20 * U * scale, 'I without ignored');
    within(k.s2.value as number, T2, 20 * U * scale, 'T without ignored');
    within(k.s4.value as number, bce, (21 * U + 2e-7) * scale + N * EXP_FLOOR, 'BCE without ignored');
    k.sigmoidFocal(X, T, N, 2, 2, 0, 1, 1, 255);
    expect(k.s3.value).toBe(nValid);
    k.sigmoidFocalGrad(X, T, DX, N, 0.5, 0.5, 1, 2, 2, 0, 1, 1, 255);
    for (let i = 0; i < N; i++) if (!valid(i)) expect(f32[DX / 4 + i]).toBe(0);
    k.sigmoidRegionGrad(T, P, DX, N, 0.5, 0.5, 1, 1, 1, 0.1, 1, 255);
    for (let i = 0; i < N; i++) if (!valid(i)) expect(f32[DX / 4 + i]).toBe(0);
    // Without the flag, 255 is an ordinary (large) target and every element counts.
    k.sigmoidRegion(X, T, P, N, 0, 255);
    expect(k.s3.value).toBe(N);
  });

  it('sigmoidRegionBce() writes the same p and sums as sigmoidRegion() and s4 = Σ bce with weights and smoothing', () => {
    k.sigmoidRegion(X, T, P, N);
    const p0 = f32.slice(P / 4, P / 4 + N);
    const sums0 = [k.s0.value, k.s1.value, k.s2.value];
    for (const [wPos, wNeg, eps] of [
      [1, 1, 0],
      [2.5, 0.75, 0.1],
    ]) {
      f32.fill(SENTINEL, P / 4, P / 4 + 1024);
      k.sigmoidRegionBce(X, T, P, N, wPos, wNeg, eps);
      expect(Array.from(f32.subarray(P / 4, P / 4 + N))).toEqual(Array.from(p0));
      expect([k.s0.value, k.s1.value, k.s2.value]).toEqual(sums0);
      let bce = 0;
      let scale = 0;
      for (let i = 0; i < N; i++) {
        const ts = t[i] * (1 - eps) + eps / 2;
        const w = wPos * ts + wNeg * (1 - ts);
        bce += softplus64(x[i]) * w - wPos * ts * x[i];
        scale += softplus64(x[i]) * w + Math.abs(wPos * ts * x[i]);
      }
      // A handful of roundings per term (≤ 6u of its parts), log1p to ~1e−7, 16-term lane sums.
      within(k.s4.value as number, bce, (21 * U + 2e-7) * scale + N * EXP_FLOOR, `sigmoidRegionBce s4 (wPos ${wPos}, wNeg ${wNeg}, ε ${eps})`);
    }
  });

  const FOCAL = [
    { gamma: 2, alpha: 0.25 },
    { gamma: 1.5, alpha: 0.3 },
    { gamma: 0, alpha: null },
    { gamma: 1, alpha: 0.25 },
  ];

  for (const { gamma, alpha } of FOCAL) {
    const a1 = alpha === null ? 0 : 2 * alpha - 1;
    const a0 = alpha === null ? 1 : 1 - alpha;

    it(`sigmoidFocal() with γ = ${gamma} (mode ${gammaMode(gamma)}), α = ${alpha} sums q^γ·ce·αt and the region sums`, () => {
      k.sigmoidRegion(X, T, P, N);
      const sums0 = [k.s0.value, k.s1.value, k.s2.value];
      k.sigmoidFocal(X, T, N, gamma, gammaMode(gamma), a1, a0);
      expect([k.s0.value, k.s1.value, k.s2.value]).toEqual(sums0);
      let fl = 0;
      let scale = 0;
      for (let i = 0; i < N; i++) {
        const p = sigmoid64(x[i]);
        const q = p + t[i] - 2 * p * t[i];
        const ce = softplus64(x[i]) - t[i] * x[i];
        const term = pow64(q, gamma) * ce * (t[i] * a1 + a0);
        fl += term;
        scale += Math.abs(term) + Math.abs(softplus64(x[i])) + Math.abs(t[i] * x[i]);
      }
      // ce = softplus − t·x cancels (absolute error ~u·(softplus + |t·x|)), q = p + t − 2pt has
      // absolute error ~u; γ·log q for γ = 1.5 to ~1e−7; lane sums of 16 terms.
      within(k.s5.value as number, fl, (30 * U + 3e-7) * scale + N * EXP_FLOOR, `sigmoidFocal s5 (γ ${gamma})`);
    });

    it(`sigmoidFocalGrad() with γ = ${gamma}, α = ${alpha} follows (gI·t + gP)·p(1 − p) + gF·αt·(γq^(γ−1)(1 − 2t)p(1 − p)·ce + q^γ(p − t))`, () => {
      const [gI, gP, gF] = [-0.7, 0.3, 1.9];
      k.sigmoidFocalGrad(X, T, DX, N, gI, gP, gF, gamma, gammaMode(gamma), a1, a0);
      const dx = f32.subarray(DX / 4, DX / 4 + N);
      const want = new Float64Array(N);
      const size = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const p = sigmoid64(x[i]);
        const ti = t[i];
        const slope = p * (1 - p);
        const q = p + ti - 2 * p * ti;
        const ce = softplus64(x[i]) - ti * x[i];
        const at = ti * a1 + a0;
        const region = (gI * ti + gP) * slope;
        const focalA = gF * at * powSlope64(q, gamma) * (1 - 2 * ti) * slope * ce;
        const focalB = gF * at * pow64(q, gamma) * (p - ti);
        want[i] = region + focalA + focalB;
        size[i] = (Math.abs(gI * ti) + Math.abs(gP)) * slope + Math.abs(gF * at * powSlope64(q, gamma) * slope * (softplus64(x[i]) + Math.abs(ti * x[i]))) + Math.abs(focalB);
      }
      // Per element a few ulps of its parts; p(1 − p), q and 1 − p from float32 p carry absolute
      // errors ~u, which the largest gradient bounds.
      const floor = 1e-6 * maxAbs(want);
      for (let i = 0; i < N; i++) {
        within(dx[i], want[i], 30 * U * size[i] + floor + EXP_FLOOR, `sigmoidFocalGrad (γ ${gamma}) dx at x = ${x[i]}, t = ${t[i]}`);
      }
      expect(f32[DX / 4 + N]).toBe(SENTINEL);
    });
  }

  // The lane kernels on x, t read as 65 pixels of 4 classes (stride 16 bytes): lane l holds the
  // elements i ≡ l (mod 4). Their per-lane float64 sums go to OUT (4 rows of 4 lanes).
  const OUT = 16384;
  const COEF = 16640;
  const laneOf = (i: number): number => i % 4;

  for (const [kind, gamma, alpha] of [
    [0, 2, null],
    [1, 2, null],
    [2, 2, 0.25],
    [2, 1.5, 0.3],
  ] as const) {
    const a1 = alpha === null ? 0 : 2 * alpha - 1;
    const a0 = alpha === null ? 1 : 1 - alpha;
    const [wPos, wNeg, eps] = [2.5, 0.75, 0.1];

    it(`sigmoidLanes() kind ${kind} (γ = ${gamma}) sums I, P, T and ${kind === 1 ? 'BCE' : kind === 2 ? 'focal' : 'nothing else'} per lane${kind < 2 ? ' and writes p' : ''}`, () => {
      k.sigmoidLanes(X, T, P, N / 4, 16, OUT, kind, wPos, wNeg, eps, gamma, gammaMode(gamma), a1, a0);
      const out = new Float64Array(memory.buffer, OUT, 16);
      const want = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
      const scale = Array.from({ length: 4 }, () => [0, 0]);
      for (let i = 0; i < N; i++) {
        const l = laneOf(i);
        const p = sigmoid64(x[i]);
        const ts = t[i] * (1 - eps) + eps / 2;
        const w = wPos * ts + wNeg * (1 - ts);
        const q = p + t[i] - 2 * p * t[i];
        const ce = softplus64(x[i]) - t[i] * x[i];
        const extra = kind === 1 ? softplus64(x[i]) * w - wPos * ts * x[i] : kind === 2 ? pow64(q, gamma) * ce * (t[i] * a1 + a0) : 0;
        want[l][0] += p * t[i];
        want[l][1] += p;
        want[l][2] += t[i];
        want[l][3] += extra;
        scale[l][0] += p + t[i];
        scale[l][1] += Math.abs(extra) + softplus64(x[i]) * Math.max(w, 1) + Math.abs(x[i]);
        if (kind < 2) within(f32[P / 4 + i], p, 2e-7 * p + EXP_FLOOR, `sigmoidLanes p at x = ${x[i]}`);
      }
      for (let l = 0; l < 4; l++) {
        for (let r = 0; r < 3; r++) within(out[4 * r + l], want[l][r], (15 * U + 2e-7) * scale[l][0] + N * EXP_FLOOR, `sigmoidLanes row ${r} lane ${l}`);
        within(out[12 + l], want[l][3], (30 * U + 3e-7) * scale[l][1] + N * EXP_FLOOR, `sigmoidLanes row 3 lane ${l}`);
      }
      // p is written only for kinds 0 and 1, and never past the last pixel.
      expect(f32[P / 4 + N]).toBe(SENTINEL);
      if (kind === 2) expect(f32[P / 4]).toBe(SENTINEL);
    });

    it(`sigmoidLanesGrad() kind ${kind} (γ = ${gamma}) applies each lane's own coefficients`, () => {
      const gI = [-0.7, 0.2, 1.1, -0.3];
      const gP = [0.3, -0.5, 0.05, 0.9];
      const gX = [1.9, -0.4, 0.6, 0.25];
      new Float32Array(memory.buffer, COEF, 12).set([...gI, ...gP, ...gX]);
      if (kind < 2) k.sigmoidRegion(X, T, P, N);
      k.sigmoidLanesGrad(X, T, P, DX, N / 4, 16, COEF, kind, wPos, wNeg, eps, gamma, gammaMode(gamma), a1, a0);
      const want = new Float64Array(N);
      const size = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const l = laneOf(i);
        const p = sigmoid64(x[i]);
        const ti = t[i];
        const slope = p * (1 - p);
        const ts = ti * (1 - eps) + eps / 2;
        const q = p + ti - 2 * p * ti;
        const ce = softplus64(x[i]) - ti * x[i];
        const at = ti * a1 + a0;
        const region = (gI[l] * ti + gP[l]) * slope;
        const extra =
          kind === 1 ? gX[l] * ((wPos * ts + wNeg * (1 - ts)) * p - wPos * ts) : kind === 2 ? gX[l] * at * (powSlope64(q, gamma) * (1 - 2 * ti) * slope * ce + pow64(q, gamma) * (p - ti)) : 0;
        want[i] = region + extra;
        size[i] = (Math.abs(gI[l] * ti) + Math.abs(gP[l])) * slope + Math.abs(gX[l]) * (Math.max(wPos, 1) + powSlope64(q, gamma) * slope * (softplus64(x[i]) + Math.abs(ti * x[i])) + 1);
      }
      const dx = f32.subarray(DX / 4, DX / 4 + N);
      const floor = 1e-6 * maxAbs(want);
      for (let i = 0; i < N; i++) within(dx[i], want[i], 30 * U * size[i] + floor + EXP_FLOOR, `sigmoidLanesGrad kind ${kind} dx at x = ${x[i]}, lane ${laneOf(i)}`);
      expect(f32[DX / 4 + N]).toBe(SENTINEL);
    });
  }

  it('sigmoidLanes() and sigmoidLanesGrad() with a stride of 8 classes touch only their block of four', () => {
    // Block 1 of C = 8: vectors at 16 + 32·j, so the lanes of block 0 must keep their sentinels.
    k.sigmoidLanes(X + 16, T + 16, P + 16, N / 8, 32, OUT, 0, 1, 1, 0, 2, 2, 0, 1);
    const out = new Float64Array(memory.buffer, OUT, 16);
    for (let l = 0; l < 4; l++) {
      let T4 = 0;
      for (let j = 0; j < Math.floor(N / 8); j++) T4 += t[8 * j + 4 + l];
      within(out[8 + l], T4, 15 * U * T4, `Σ t of lane ${l} of block 1`); // float32 sums over blocks of 16
    }
    for (let j = 0; j < Math.floor(N / 8); j++) {
      for (let c = 0; c < 4; c++) expect(f32[P / 4 + 8 * j + c]).toBe(SENTINEL);
      for (let c = 4; c < 8; c++) within(f32[P / 4 + 8 * j + c], sigmoid64(x[8 * j + c]), 2e-7 + EXP_FLOOR, 'sigmoidLanes stride 32 p');
    }
    new Float32Array(memory.buffer, COEF, 12).set([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    k.sigmoidLanesGrad(X + 16, T + 16, P + 16, DX + 16, N / 8, 32, COEF, 0, 1, 1, 0, 2, 2, 0, 1);
    for (let j = 0; j < Math.floor(N / 8); j++) for (let c = 0; c < 4; c++) expect(f32[DX / 4 + 8 * j + c]).toBe(SENTINEL);
  });

  it('sigmoidRegionGrad() follows (gI·t + gP)·p(1 − p) + gB·((w₊t̃ + w₋(1 − t̃))·p − w₊t̃) from the kept p', () => {
    k.sigmoidRegion(X, T, P, N);
    const p = f32.slice(P / 4, P / 4 + N);
    for (const [gI, gP, gB, wPos, wNeg, eps] of [
      [-0.7, 0.3, 0, 1, 1, 0], // region only (the gB = 0 branch)
      [-0.7, 0.3, 1.3, 2.5, 0.75, 0.1],
      [0, 0, 0.01, 1, 1, 0], // BCE only
    ]) {
      k.sigmoidRegionGrad(T, P, DX, N, gI, gP, gB, wPos, wNeg, eps);
      const dx = f32.subarray(DX / 4, DX / 4 + N);
      for (let i = 0; i < N; i++) {
        const ts = t[i] * (1 - eps) + eps / 2;
        const region = (gI * t[i] + gP) * p[i] * (1 - p[i]);
        const bce = gB * ((wPos * ts + wNeg * (1 - ts)) * p[i] - wPos * ts);
        const size = (Math.abs(gI * t[i]) + Math.abs(gP)) * p[i] * (1 - p[i]) + Math.abs(gB) * ((wPos * ts + wNeg * (1 - ts)) * p[i] + wPos * ts);
        within(dx[i], region + bce, 8 * U * size + 1e-45, `sigmoidRegionGrad (gB ${gB}) dx[${i}]`);
      }
      expect(f32[DX / 4 + N]).toBe(SENTINEL);
    }
  });

  // Softmax family, C = 5 (Cp = 8: one whole chunk and one of a single lane), S = 8 pixels.
  const C = 5;
  const Cp = 8;
  const S = 8;
  // Pixel labels: 255 is ignored, 7 is out of range, the others valid.
  const LABELS = [2, 1, 0, 255, 7, 4, 2, 3];
  const VALID = LABELS.map((l) => l >= 0 && l < C);
  function softmaxInputs(): Float32Array {
    const r = rng(5);
    const xs = new Float32Array(S * C);
    for (let i = 0; i < S * C; i++) xs[i] = (r() - 0.5) * 8;
    xs.set([100, -100, 0, 3, -3], 1 * C); // label 1 at −100 against +100: p_l underflows, CE ≈ 200
    xs.set([100, 2, -1, 0, 1], 2 * C); // label 0 at +100: p_l = 1
    xs.set([0.25, 0.25, 0.25, 0.25, 0.25], 7 * C); // uniform
    return xs;
  }
  const xs = softmaxInputs();
  const W = [0.5, 1, 2, 1.5, 3];
  const ALPHA = [0.25, 0.5, 1, 0.75, 0.1];
  // Addresses: x, t, p, dx, acc (7 rows of Cp float64), w, α, g (4 rows of Cp float32).
  const SX = 0;
  const ST = 1024;
  const SP = 2048;
  const SDX = 3072;
  const ACC = 4096;
  const SW = 8192;
  const SA = 8192 + 64;
  const SG = 8192 + 128;

  /** float64 softmax and log-softmax of pixel j. */
  function softmax64(j: number): { p: number[]; lp: number[] } {
    const v = Array.from(xs.subarray(j * C, (j + 1) * C));
    const m = Math.max(...v);
    const lse = m + Math.log(v.reduce((s, a) => s + Math.exp(a - m), 0));
    return { p: v.map((a) => Math.exp(a - lse)), lp: v.map((a) => a - lse) };
  }

  function setUpSoftmax(labelsAsFloat: boolean): void {
    f32.set(xs, SX / 4);
    if (labelsAsFloat) f32.set(LABELS.map((l) => (l === 7 ? 2.5 : l)), ST / 4); // non-integral instead of out of range
    else new Int32Array(memory.buffer).set(LABELS, ST / 4);
    f32.fill(SENTINEL, SP / 4, SP / 4 + 256);
    f32.fill(SENTINEL, SDX / 4, SDX / 4 + 256);
    new Float64Array(memory.buffer, ACC, 7 * Cp).fill(0);
    f32.fill(0, SW / 4, SW / 4 + 128);
    f32.set(W, SW / 4);
    f32.set(ALPHA, SA / 4);
  }

  for (const labelsAsFloat of [false, true]) {
    for (const gamma of [2, 1.5]) {
      it(`softmaxForward() with ${labelsAsFloat ? 'float32' : 'int32'} labels, γ = ${gamma}: p = softmax(x), and the rows I, P, T, CE, WT, FOCAL`, () => {
        setUpSoftmax(labelsAsFloat);
        k.softmaxForward(SX, ST, SP, S, C, labelsAsFloat ? 0 : 1, 1, 255, ACC, SW, SA, 1, 1, gamma, gammaMode(gamma), 1, 0);
        expect(k.s3.value).toBe(VALID.filter(Boolean).length);
        const acc = new Float64Array(memory.buffer, ACC, 7 * Cp);
        const want = new Float64Array(7 * Cp);
        const size = new Float64Array(7 * Cp);
        for (let j = 0; j < S; j++) {
          if (!VALID[j]) continue;
          const { p, lp } = softmax64(j);
          for (let c = 0; c < C; c++) {
            const got = f32[SP / 4 + j * C + c];
            within(got, p[c], 1e-6 * p[c] + EXP_FLOOR, `softmaxForward p[${j}, ${c}]`);
            want[Cp + c] += p[c];
            size[Cp + c] += p[c];
          }
          const l = LABELS[j];
          const add = (row: number, v: number, s = Math.abs(v)) => {
            want[row * Cp + l] += v;
            size[row * Cp + l] += s;
          };
          add(0, p[l]);
          add(2, 1);
          add(4, -W[l] * lp[l], Math.abs(W[l] * lp[l]) + W[l] * Math.abs(xs[j * C + l]) + 1);
          add(5, W[l]);
          add(6, -ALPHA[l] * pow64(1 - p[l], gamma) * lp[l], ALPHA[l] * (Math.abs(lp[l]) + Math.abs(xs[j * C + l]) + 1));
        }
        for (let i = 0; i < 7 * Cp; i++) {
          // Row N is not the kernel's (the caller writes it), columns past C stay 0.
          if (i >= 3 * Cp && i < 4 * Cp) expect(acc[i]).toBe(0);
          if (i % Cp >= C) expect(acc[i]).toBe(0);
          within(acc[i], want[i], 1e-6 * size[i] + S * EXP_FLOOR, `softmaxForward (γ ${gamma}) acc row ${Math.floor(i / Cp)} (class ${i % Cp})`);
        }
        // Nothing written past the S·C probabilities (the last chunk of each pixel is written lane by lane).
        expect(f32[SP / 4 + S * C]).toBe(SENTINEL);
      });
    }
  }

  it('softmaxForward() with neither CE nor focal term sums only I, P, T', () => {
    setUpSoftmax(false);
    k.softmaxForward(SX, ST, SP, S, C, 1, 1, 255, ACC, SW, SA, 0, 0, 2, 2, 1, 0);
    const acc = new Float64Array(memory.buffer, ACC, 7 * Cp);
    expect(Array.from(acc.subarray(4 * Cp))).toEqual(new Array(3 * Cp).fill(0));
    expect(acc[2 * Cp + 2]).toBe(2); // two valid pixels of class 2
  });

  // Dense targets: soft rows (one pixel one-hot), every pixel counted.
  function denseTargets(): Float32Array {
    const r = rng(13);
    const td = new Float32Array(S * C);
    for (let j = 0; j < S; j++) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += td[j * C + c] = j === 0 ? (c === 3 ? 1 : 0) : r();
      for (let c = 0; c < C; c++) td[j * C + c] /= sum;
    }
    return td;
  }
  const TD = denseTargets();

  for (const gamma of [2, 1.5]) {
    it(`softmaxDenseForward() with γ = ${gamma}: p = softmax(x), and the rows I, P, T, CE, WT, FOCAL summed over classes`, () => {
      setUpSoftmax(false);
      f32.set(TD, ST / 4);
      k.softmaxDenseForward(SX, ST, SP, S, C, ACC, SW, SA, 1, 1, gamma, gammaMode(gamma), 1, 0);
      const acc = new Float64Array(memory.buffer, ACC, 7 * Cp);
      const want = new Float64Array(7 * Cp);
      const size = new Float64Array(7 * Cp);
      for (let j = 0; j < S; j++) {
        const { p, lp } = softmax64(j);
        for (let c = 0; c < C; c++) {
          within(f32[SP / 4 + j * C + c], p[c], 1e-6 * p[c] + EXP_FLOOR, `softmaxDenseForward p[${j}, ${c}]`);
          const tc = TD[j * C + c];
          const terms = [p[c] * tc, p[c], tc, 0, -W[c] * tc * lp[c], W[c] * tc, -ALPHA[c] * tc * pow64(1 - p[c], gamma) * lp[c]];
          const sizes = [p[c] * tc, p[c], tc, 0, W[c] * tc * (Math.abs(lp[c]) + Math.abs(xs[j * C + c]) + 1), W[c] * tc, ALPHA[c] * tc * (Math.abs(lp[c]) + Math.abs(xs[j * C + c]) + 1)];
          terms.forEach((v, row) => {
            want[row * Cp + c] += v;
            size[row * Cp + c] += sizes[row];
          });
        }
      }
      for (let i = 0; i < 7 * Cp; i++) {
        if (i % Cp >= C || (i >= 3 * Cp && i < 4 * Cp)) expect(acc[i]).toBe(0);
        within(acc[i], want[i], 1e-6 * size[i] + S * EXP_FLOOR, `softmaxDenseForward (γ ${gamma}) acc row ${Math.floor(i / Cp)} (class ${i % Cp})`);
      }
      expect(f32[SP / 4 + S * C]).toBe(SENTINEL);
    });

    it(`softmaxDenseBackward() with γ = ${gamma} follows dx_c = r_c − p_c·Σr, r_c = p_c(gI_c t_c + gP_c) − gCE_c t_c − gF_c t_c ψ_c`, () => {
      setUpSoftmax(false);
      f32.set(TD, ST / 4);
      k.softmaxDenseForward(SX, ST, SP, S, C, ACC, SW, SA, 1, 1, gamma, gammaMode(gamma), 1, 0);
      const r = rng(21);
      const g = [0, 1, 2, 3].map(() => Array.from({ length: C }, () => (r() - 0.5) * 4));
      g.forEach((rowValues, row) => f32.set(rowValues, SG / 4 + row * Cp));
      k.softmaxDenseBackward(ST, SP, SDX, S, C, SG, 1, gamma, gammaMode(gamma), 1, 0);
      const [gP, gI, gCE, gF] = g;
      for (let j = 0; j < S; j++) {
        const p = Array.from(f32.subarray(SP / 4 + j * C, SP / 4 + (j + 1) * C));
        const rc = p.map((pc, c) => {
          const tc = TD[j * C + c];
          const psi = pow64(1 - pc, gamma) - powSlope64(1 - pc, gamma) * (pc > 0 ? pc * Math.log(pc) : 0);
          return pc * (gI[c] * tc + gP[c]) - gCE[c] * tc - gF[c] * tc * psi;
        });
        const sum = rc.reduce((a, b) => a + b, 0);
        const scale = rc.reduce((a, b) => a + Math.abs(b), 0) + 4;
        for (let c = 0; c < C; c++) within(f32[SDX / 4 + j * C + c], rc[c] - p[c] * sum, 2e-6 * scale, `softmaxDenseBackward (γ ${gamma}) dx[${j}, ${c}]`);
      }
      expect(f32[SDX / 4 + S * C]).toBe(SENTINEL);
    });
  }

  for (const gamma of [2, 1.5]) {
    for (const [usesP, wantFocal] of [
      [1, 1],
      [0, 1],
      [1, 0],
    ]) {
      it(`softmaxBackward() with γ = ${gamma}, usesP ${usesP}, focal ${wantFocal} follows dx_c = p_c(gP_c − Σp·gP) + E(δ_cl − p_c)`, () => {
        setUpSoftmax(false);
        k.softmaxForward(SX, ST, SP, S, C, 1, 1, 255, ACC, SW, SA, 1, 1, gamma, gammaMode(gamma), 1, 0);
        const r = rng(9);
        // Rows gP, gI, gCE·w, gF·α (zero past C); gP is 0 where usesP says so.
        const g = [0, 1, 2, 3].map((row) => Array.from({ length: C }, () => (row === 0 && !usesP ? 0 : (r() - 0.5) * 4)));
        g.forEach((rowValues, row) => f32.set(rowValues, SG / 4 + row * Cp));
        k.softmaxBackward(ST, SP, SDX, S, C, 1, 1, 255, SG, usesP, wantFocal, gamma, gammaMode(gamma), 1, 0);
        const [gP, gI, gCE, gF] = g;
        for (let j = 0; j < S; j++) {
          const dx = f32.subarray(SDX / 4 + j * C, SDX / 4 + (j + 1) * C);
          if (!VALID[j]) {
            expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0]);
            continue;
          }
          // From the kept float32 p, in float64.
          const p = Array.from(f32.subarray(SP / 4 + j * C, SP / 4 + (j + 1) * C));
          const l = LABELS[j];
          const pl = p[l];
          const psi = pow64(1 - pl, gamma) - powSlope64(1 - pl, gamma) * (pl > 0 ? pl * Math.log(pl) : 0);
          const E = pl * gI[l] - gCE[l] - (wantFocal ? gF[l] * psi : 0);
          const dot = p.reduce((s, pc, c) => s + pc * gP[c], 0);
          const dotAbs = p.reduce((s, pc, c) => s + pc * Math.abs(gP[c]), 0);
          for (let c = 0; c < C; c++) {
            const want = p[c] * (gP[c] - dot) + E * ((c === l ? 1 : 0) - p[c]);
            const size = p[c] * (Math.abs(gP[c]) + dotAbs) + (Math.abs(pl * gI[l]) + Math.abs(gCE[l]) + Math.abs(gF[l]) * 2) * ((c === l ? 1 : 0) + p[c]);
            within(dx[c], want, 1e-6 * size + 1e-37, `softmaxBackward (γ ${gamma}, usesP ${usesP}, focal ${wantFocal}) dx[${j}, ${c}]`);
          }
        }
        expect(f32[SDX / 4 + S * C]).toBe(SENTINEL);
      });
    }
  }

  it('the shared-memory variant computes what the plain one does', () => {
    k.sigmoidRegionBce(X, T, P, N, 2.5, 1, 0.1);
    const plain = { p: f32.slice(P / 4, P / 4 + N), sums: [k.s0.value, k.s1.value, k.s2.value, k.s4.value] };
    const sharedMemory = new WebAssembly.Memory({ initial: 4, maximum: 100, shared: true });
    expect(sharedMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const shared = instantiate(true, sharedMemory);
    const sf = new Float32Array(sharedMemory.buffer);
    sf.set(x, X / 4);
    sf.set(t, T / 4);
    shared.sigmoidRegionBce(X, T, P, N, 2.5, 1, 0.1);
    expect(Array.from(sf.subarray(P / 4, P / 4 + N))).toEqual(Array.from(plain.p));
    expect([shared.s0.value, shared.s1.value, shared.s2.value, shared.s4.value]).toEqual(plain.sums);
    // simdKernelsOn() picks the shared module for a shared memory, the plain one otherwise.
    const viaSelector = simdKernelsOn(sharedMemory);
    expect(viaSelector).not.toBeNull();
    sf.fill(0, P / 4, P / 4 + N);
    viaSelector!.sigmoidRegion(X, T, P, N);
    expect(Array.from(sf.subarray(P / 4, P / 4 + N))).toEqual(Array.from(plain.p));
    expect(simdKernelsOn(memory)).not.toBeNull();
  });

  it('each variant accepts only its kind of memory', () => {
    const sharedMemory = new WebAssembly.Memory({ initial: 4, maximum: 100, shared: true });
    expect(() => instantiate(false, sharedMemory)).toThrow(WebAssembly.LinkError);
    expect(() => instantiate(true, memory)).toThrow(WebAssembly.LinkError);
  });
});
