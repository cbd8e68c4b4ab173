/**
 * The built-in synthetic dataset: small bright objects (ellipses, rotated rectangles,
 * triangles, rings) of varied size on smooth textured backgrounds with dark distractor shapes
 * and pixel noise. The foreground fraction per image is drawn around `fgFraction` (±40%), so
 * the default reproduces the few-percent imbalance losses such as Dice and focal address.
 * Deterministic by seed.
 */
import { rng } from './rng.js';
import type { Sample } from './types.js';

export interface SyntheticOptions {
  count: number;
  size: number;
  fgFraction: number;
  seed: number;
  /** Number of classes including background; objects take labels 1..classes-1 by shape. */
  classes: number;
}

type Shape = (x: number, y: number) => boolean;

function makeShape(kind: number, cx: number, cy: number, r: number, angle: number, aspect: number): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const local = (x: number, y: number): [number, number] => {
    const dx = x - cx;
    const dy = y - cy;
    return [(dx * c + dy * s) / r, (-dx * s + dy * c) / (r * aspect)];
  };
  switch (kind) {
    case 0: // ellipse
      return (x, y) => {
        const [u, v] = local(x, y);
        return u * u + v * v <= 1;
      };
    case 1: // rotated rectangle
      return (x, y) => {
        const [u, v] = local(x, y);
        return Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
      };
    case 2: // triangle
      return (x, y) => {
        const [u, v] = local(x, y);
        return v >= -0.6 && v <= 0.9 && Math.abs(u) <= (0.9 - v) * 0.66;
      };
    default: // ring
      return (x, y) => {
        const [u, v] = local(x, y);
        const d = u * u + v * v;
        return d <= 1 && d >= 0.3;
      };
  }
}

function boundingArea(r: number, aspect: number): number {
  return Math.PI * r * r * aspect * 0.8;
}

/** Generates `count` image/mask pairs, `size`×`size`, one gray channel. */
export function syntheticDataset(options: SyntheticOptions): Sample[] {
  const { count, size, fgFraction, seed, classes } = options;
  const samples: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const next = rng(seed * 7919 + n * 104729 + 1);
    const between = (lo: number, hi: number) => lo + (hi - lo) * next();
    const N = size * size;
    const image = new Float32Array(N);
    const mask = new Int32Array(N);
    // Background: a level plus three oriented sinusoids (texture) plus a broad shading gradient.
    const level = between(0.3, 0.5);
    const waves = Array.from({ length: 3 }, () => ({
      fx: between(-0.5, 0.5),
      fy: between(-0.5, 0.5),
      phase: between(0, 2 * Math.PI),
      amp: between(0.03, 0.08),
    }));
    const gx = between(-0.15, 0.15) / size;
    const gy = between(-0.15, 0.15) / size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let v = level + gx * (x - size / 2) + gy * (y - size / 2);
        for (const w of waves) v += w.amp * Math.sin(w.fx * x + w.fy * y + w.phase);
        image[y * size + x] = v;
      }
    }
    const paint = (shape: Shape, cx: number, cy: number, r: number, delta: number, label: number) => {
      const x0 = Math.max(0, Math.floor(cx - 2 * r));
      const x1 = Math.min(size - 1, Math.ceil(cx + 2 * r));
      const y0 = Math.max(0, Math.floor(cy - 2 * r));
      const y1 = Math.min(size - 1, Math.ceil(cy + 2 * r));
      let added = 0;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          if (!shape(x + 0.5, y + 0.5)) continue;
          const i = y * size + x;
          image[i] += delta;
          if (label > 0) {
            if (mask[i] === 0) added++;
            mask[i] = label;
          }
        }
      }
      return added;
    };
    const maxR = Math.max(2.5, size * 0.12);
    // Dark distractors: same shapes, darker than the background, not foreground.
    const distractors = Math.floor(between(0, 3));
    for (let d = 0; d < distractors; d++) {
      const r = between(2, maxR);
      const aspect = between(0.5, 1);
      const kind = Math.floor(between(0, 4));
      const cx = between(0, size);
      const cy = between(0, size);
      paint(makeShape(kind, cx, cy, r, between(0, Math.PI), aspect), cx, cy, r, -between(0.12, 0.25), 0);
    }
    // Foreground objects until the drawn fraction is reached.
    const target = fgFraction * N * between(0.6, 1.4);
    let fg = 0;
    for (let tries = 0; tries < 60 && fg < 0.95 * target; tries++) {
      const remaining = target - fg;
      const aspect = between(0.45, 1);
      const limit = Math.sqrt((remaining * 1.15) / (Math.PI * 0.8 * aspect));
      const r = Math.min(between(1.6, maxR), Math.max(1.6, limit));
      const kind = Math.floor(between(0, 4));
      const cx = between(r, size - r);
      const cy = between(r, size - r);
      const label = classes > 2 ? 1 + (kind % (classes - 1)) : 1;
      if (boundingArea(r, aspect) > remaining * 2.5 && fg > 0) continue;
      fg += paint(makeShape(kind, cx, cy, r, between(0, Math.PI), aspect), cx, cy, r, between(0.2, 0.35), label);
    }
    // Pixel noise (Box–Muller), then clamp to [0, 1].
    for (let i = 0; i < N; i++) {
      const u = Math.max(next(), 1e-12);
      const noise = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      image[i] = Math.min(1, Math.max(0, image[i] + 0.07 * noise));
    }
    samples.push({ name: `synthetic_${String(n).padStart(3, '0')}`, width: size, height: size, channels: 1, image, labels: mask });
  }
  return samples;
}
