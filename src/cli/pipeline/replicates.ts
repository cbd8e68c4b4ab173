/**
 * The bootstrap's inner loop, on flat typed arrays: for every replicate, each run's per-image
 * values are summed with the replicate's image multiplicities, each loss's runs with its run
 * multiplicities, and the sums turned into scores. One layout serves both aggregations: pixel
 * counts (V = 3C: TP, FP, FN per class) and per-image scores (V = 8: value and weight of Dice,
 * IoU, precision, recall). Portable: no Node, no tfjs.
 */
import type { Resamples } from './bootstrap.js';
import type { ImageScores, LabelCounts } from './runRecord.js';
import { scoresFromCounts } from './score.js';
import type { Scores, TaskMode } from './types.js';

/** Per-image values of the runs to resample. */
export interface Units {
  /** Values per image. */
  V: number;
  /** `[loss][run]` → `N × V` values (undefined where the run is missing). */
  runs: (Float64Array | undefined)[][];
  /** The trivial baseline's `N × V` values: each run's difference to it is kept per replicate. */
  baseline?: Float64Array;
  /** Scores of summed values. */
  finish(sum: Float64Array): Scores;
}

/** Per-image counts as `N × 3C` values, and their scores. */
export function countUnits(mode: TaskMode, C: number) {
  return {
    V: 3 * C,
    flat(images: readonly LabelCounts[]): Float64Array {
      const out = new Float64Array(images.length * 3 * C);
      images.forEach((c, i) => {
        out.set(c.tp, 3 * C * i);
        out.set(c.fp, 3 * C * i + C);
        out.set(c.fn, 3 * C * i + 2 * C);
      });
      return out;
    },
    finish(v: Float64Array): Scores {
      const part = (k: number) => Array.from(v.subarray(k * C, (k + 1) * C));
      return scoresFromCounts({ tp: part(0), fp: part(1), fn: part(2) }, mode);
    },
  };
}

const KEYS = ['dice', 'iou', 'precision', 'recall'] as const;

/** Per-image scores as `N × 8` (value, weight) pairs, weight 0 where undefined; their weighted means. */
export const scoreUnits = {
  V: 8,
  flat(images: readonly ImageScores[]): Float64Array {
    const out = new Float64Array(images.length * 8);
    images.forEach((s, i) =>
      KEYS.forEach((k, j) => {
        if (Number.isFinite(s[k])) out.set([s[k], 1], 8 * i + 2 * j);
      }),
    );
    return out;
  },
  finish(v: Float64Array): Scores {
    const m = (j: number) => v[2 * j] / v[2 * j + 1];
    return { dice: m(0), iou: m(1), precision: m(2), recall: m(3) };
  },
};

/** Scores of every replicate: per loss (Dice and IoU), and per run its headline minus the baseline's. */
export interface Replicated {
  losses: { dice: Float64Array; iou: Float64Array }[];
  /** `[loss][run]` (with a baseline): replicates of the run's `key` score minus the baseline's. */
  runDiffs: (Float64Array | undefined)[][];
}

function sumImages(flat: Float64Array, imgW: Uint32Array, offset: number, N: number, V: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < N; i++) {
    const w = imgW[offset + i];
    if (!w) continue;
    const base = i * V;
    for (let v = 0; v < V; v++) out[v] += w * flat[base + v];
  }
}

/** Runs every replicate of `draws` over `units`; `key` is the score the run differences use. */
export function replicate(units: Units, draws: Resamples, key: 'dice' | 'iou'): Replicated {
  const { V, runs, baseline, finish } = units;
  const { replicates: B, runs: R, images: N, runWeights, imageWeights } = draws;
  const acc = new Float64Array(V);
  const total = new Float64Array(V);
  const losses = runs.map(() => ({ dice: new Float64Array(B), iou: new Float64Array(B) }));
  const runDiffs = runs.map((l) => l.map((flat) => (flat && baseline ? new Float64Array(B) : undefined)));
  for (let b = 0; b < B; b++) {
    let base = Number.NaN;
    if (baseline) {
      sumImages(baseline, imageWeights, b * N, N, V, acc);
      base = finish(acc)[key];
    }
    runs.forEach((lossRuns, l) => {
      total.fill(0);
      let any = false;
      lossRuns.forEach((flat, r) => {
        if (!flat) return;
        sumImages(flat, imageWeights, b * N, N, V, acc);
        const diffs = runDiffs[l][r];
        if (diffs) diffs[b] = finish(acc)[key] - base;
        const w = runWeights[b * R + r];
        if (!w) return;
        any = true;
        for (let v = 0; v < V; v++) total[v] += w * acc[v];
      });
      const s = any ? finish(total) : { dice: Number.NaN, iou: Number.NaN };
      losses[l].dice[b] = s.dice;
      losses[l].iou[b] = s.iou;
    });
  }
  return { losses, runDiffs };
}
