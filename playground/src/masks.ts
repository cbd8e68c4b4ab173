/**
 * Masks and predictions as plain arrays (row-major, H × W), with no tfjs: presets, the
 * prediction sliders (grow/shrink, shift, blur, confidence, noise) and the sweeps.
 */
import { mulberry32 } from '../../src/cli/pipeline/rng';

/** A binary or soft image, row-major. */
export interface Grid {
  readonly H: number;
  readonly W: number;
  readonly data: Float32Array;
}

/** The prediction sliders. */
export interface PredictionSettings {
  /** Pixels to the right (negative: left). */
  shift: number;
  /** Dilation (> 0) or erosion (< 0) radius in pixels. */
  grow: number;
  /** Gaussian blur σ in pixels (0: none). */
  blur: number;
  /** Logit magnitude: a pixel with soft value q gets logit confidence·(2q − 1). */
  confidence: number;
  /** Standard deviation of the Gaussian noise added to the logits. */
  noise: number;
  /** Seed of the noise. */
  seed: number;
}

export const PRESETS = ['small', 'line', 'blob', 'several', 'empty'] as const;
export type Preset = (typeof PRESETS)[number];

export function emptyGrid(H: number, W: number): Grid {
  return { H, W, data: new Float32Array(H * W) };
}

/** Sets every pixel within `r` of (cx, cy) to `value`. */
export function paintDisk(g: Grid, cx: number, cy: number, r: number, value: number): void {
  const r2 = r * r;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(g.H - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(g.W - 1, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) g.data[y * g.W + x] = value;
    }
  }
}

/** Paints a stroke of radius r from (x0, y0) to (x1, y1). */
export function paintLine(g: Grid, x0: number, y0: number, x1: number, y1: number, r: number, value: number): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
  for (let i = 0; i <= steps; i++) paintDisk(g, x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, r, value);
}

/** The ground-truth presets, scaled to the grid. */
export function presetMask(name: Preset, H: number, W: number): Grid {
  const g = emptyGrid(H, W);
  const s = Math.min(H, W) / 64;
  switch (name) {
    case 'small':
      paintDisk(g, W * 0.6, H * 0.4, 3.2 * s, 1);
      break;
    case 'line':
      paintLine(g, W * 0.12, H * 0.8, W * 0.88, H * 0.22, 0.9 * s, 1);
      break;
    case 'blob':
      paintDisk(g, W * 0.48, H * 0.52, 19 * s, 1);
      paintDisk(g, W * 0.66, H * 0.36, 11 * s, 1);
      break;
    case 'several':
      paintDisk(g, W * 0.25, H * 0.28, 6 * s, 1);
      paintDisk(g, W * 0.72, H * 0.3, 4 * s, 1);
      paintDisk(g, W * 0.4, H * 0.72, 8 * s, 1);
      paintDisk(g, W * 0.8, H * 0.75, 2.5 * s, 1);
      break;
    case 'empty':
      break;
  }
  return g;
}

/** A centred disk covering about `fraction` of the image (the foreground-fraction sweep). */
export function diskOfFraction(fraction: number, H: number, W: number): Grid {
  const g = emptyGrid(H, W);
  paintDisk(g, (W - 1) / 2, (H - 1) / 2, Math.sqrt((fraction * H * W) / Math.PI), 1);
  return g;
}

/** Binary dilation (r > 0) or erosion (r < 0) with a disk of radius |r|. */
export function growShrink(g: Grid, r: number): Grid {
  if (r === 0) return g;
  const out = emptyGrid(g.H, g.W);
  const R = Math.abs(r);
  const dilate = r > 0;
  for (let y = 0; y < g.H; y++) {
    for (let x = 0; x < g.W; x++) {
      // Dilation: 1 if any pixel of the disk is 1; erosion: 0 if any pixel of the disk is 0
      // (outside the image counts as 0). `found` = a pixel equal to `dilate` was seen.
      let found = false;
      for (let dy = -R; dy <= R && !found; dy++) {
        for (let dx = -R; dx <= R && !found; dx++) {
          if (dx * dx + dy * dy > R * R) continue;
          const yy = y + dy;
          const xx = x + dx;
          const v = yy >= 0 && yy < g.H && xx >= 0 && xx < g.W && g.data[yy * g.W + xx] > 0.5;
          found = v === dilate;
        }
      }
      out.data[y * g.W + x] = found === dilate ? 1 : 0;
    }
  }
  return out;
}

/** Moves the image `dx` pixels to the right, filling with 0. */
export function shiftRight(g: Grid, dx: number): Grid {
  if (dx === 0) return g;
  const out = emptyGrid(g.H, g.W);
  for (let y = 0; y < g.H; y++) {
    for (let x = 0; x < g.W; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < g.W) out.data[y * g.W + x] = g.data[y * g.W + sx];
    }
  }
  return out;
}

/** Separable Gaussian blur with σ = sigma (zero padding). */
export function gaussianBlur(g: Grid, sigma: number): Grid {
  if (sigma <= 0) return g;
  const R = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * R + 1 }, (_, i) => Math.exp(-((i - R) ** 2) / (2 * sigma * sigma)));
  const norm = k.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < g.H; y++) {
      for (let x = 0; x < g.W; x++) {
        let acc = 0;
        for (let i = -R; i <= R; i++) {
          const xx = horizontal ? x + i : x;
          const yy = horizontal ? y : y + i;
          if (xx >= 0 && xx < g.W && yy >= 0 && yy < g.H) acc += k[i + R] * src[yy * g.W + xx];
        }
        dst[y * g.W + x] = acc / norm;
      }
    }
    return dst;
  };
  return { H: g.H, W: g.W, data: pass(pass(g.data, true), false) };
}

/** The project's seeded generator (mulberry32 from `seed` itself), so that the noise is reproducible. */
export const rng: (seed: number) => () => number = mulberry32;

/** Standard normal samples by Box–Muller. */
export function gaussianNoise(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** The soft prediction q ∈ [0, 1] before logits: grow/shrink, then shift, then blur. */
export function softPrediction(base: Grid, s: PredictionSettings): Grid {
  return gaussianBlur(shiftRight(growShrink(base, s.grow), s.shift), s.blur);
}

/** Logits confidence·(2q − 1) + noise·N(0, 1) of the prediction made from `base`. */
export function predictionLogits(base: Grid, s: PredictionSettings): Float32Array {
  const q = softPrediction(base, s).data;
  const z = s.noise > 0 ? gaussianNoise(q.length, s.seed) : null;
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = s.confidence * (2 * q[i] - 1) + (z ? s.noise * z[i] : 0);
  return out;
}

/** Foreground pixel count and the horizontal extent [min x, max x] of the foreground (null if empty). */
export function extent(g: Grid): { count: number; x0: number; x1: number } | null {
  let count = 0;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (let y = 0; y < g.H; y++) {
    for (let x = 0; x < g.W; x++) {
      if (g.data[y * g.W + x] > 0.5) {
        count++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
      }
    }
  }
  return count === 0 ? null : { count, x0, x1 };
}

/** Shifts of the shift sweep: from 0 (perfect) to the shift where grown, blurred mask and target no longer touch. */
export function shiftSweepValues(base: Grid, s: PredictionSettings, points: number): number[] {
  const e = extent(base);
  const width = e ? e.x1 - e.x0 + 1 : base.W / 4;
  const end = Math.min(base.W, Math.ceil(width + 2 * Math.max(s.grow, 0) + 3 * s.blur + 1));
  return Array.from({ length: points }, (_, i) => Math.round((end * i) / (points - 1)));
}

/** Foreground fractions of the fraction sweep, log-spaced from 50 % to 1 %. */
export function fractionSweepValues(points: number): number[] {
  return Array.from({ length: points }, (_, i) => 0.5 * Math.pow(0.02, i / (points - 1)));
}
