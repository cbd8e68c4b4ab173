/**
 * The SPEC's surface metrics written the slow, obvious way, as an independent check of the
 * implementation: boundaries by looking at each pixel's axis neighbours, distances by comparing
 * every pair of boundary pixels (O(n·m)), percentiles by sorting, Boundary IoU's band by
 * repeating the 3×3(×3) erosion d times. 0/1 masks as flat row-major arrays.
 */

export type Mask = ArrayLike<number>;

function coords(i: number, shape: readonly number[]): number[] {
  const x = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    x[a] = i % shape[a]!;
    i = Math.floor(i / shape[a]!);
  }
  return x;
}

function index(x: readonly number[], shape: readonly number[]): number {
  return x.reduce((acc, v, a) => acc * shape[a]! + v, 0);
}

/** Value at coordinates x, 0 outside the grid. */
function at(mask: Mask, shape: readonly number[], x: readonly number[]): number {
  return x.every((v, a) => v >= 0 && v < shape[a]!) ? mask[index(x, shape)]! : 0;
}

/** Indices of the pixels of M with an axis neighbour outside M or outside the grid. */
export function boundaryPixels(mask: Mask, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = coords(i, shape);
    const edge = shape.some((_, a) =>
      [-1, 1].some((s) => {
        const y = x.slice();
        y[a]! += s;
        return at(mask, shape, y) === 0;
      }),
    );
    if (edge) out.push(i);
  }
  return out;
}

/** For each pixel of `from`, the distance to the nearest pixel of `to` (all pairs). */
export function pairDistances(from: number[], to: number[], shape: readonly number[], spacing: readonly number[]): number[] {
  const toCoords = to.map((j) => coords(j, shape));
  return from.map((i) => {
    const x = coords(i, shape);
    let best = Infinity;
    for (const y of toCoords) best = Math.min(best, Math.hypot(...x.map((v, a) => (v - y[a]!) * spacing[a]!)));
    return best;
  });
}

/** numpy's default percentile: linear interpolation at rank (n − 1)·q/100 of the sorted values. */
export function sortedPercentile(values: number[], q: number): number {
  const a = [...values].sort((u, v) => u - v);
  const h = ((a.length - 1) * q) / 100;
  const lo = Math.floor(h);
  return lo + 1 < a.length ? a[lo]! + (h - lo) * (a[lo + 1]! - a[lo]!) : a[lo]!;
}

const any = (m: Mask) => Array.from(m).some((v) => v !== 0);

/** Applies the empty-mask policy, else `f` of the two boundary sets. */
function withPolicy(G: Mask, P: Mask, both: number, one: number, f: () => number): number {
  if (!any(G) && !any(P)) return both;
  if (!any(G) || !any(P)) return one;
  return f();
}

export interface DistanceOptions {
  spacing?: number[];
  percentile?: number;
  directed?: boolean;
  symmetric?: boolean;
}

function directions(G: Mask, P: Mask, shape: readonly number[], spacing: readonly number[]) {
  const dG = boundaryPixels(G, shape);
  const dP = boundaryPixels(P, shape);
  return { pg: pairDistances(dP, dG, shape, spacing), gp: pairDistances(dG, dP, shape, spacing) };
}

export function refHausdorff(G: Mask, P: Mask, shape: number[], o: DistanceOptions = {}): number {
  return withPolicy(G, P, 0, Infinity, () => {
    const { pg, gp } = directions(G, P, shape, o.spacing ?? shape.map(() => 1));
    const stat = (d: number[]) => (o.percentile === undefined ? Math.max(...d) : sortedPercentile(d, o.percentile));
    return o.directed ? stat(pg) : Math.max(stat(pg), stat(gp));
  });
}

export function refAverage(G: Mask, P: Mask, shape: number[], o: DistanceOptions = {}): number {
  return withPolicy(G, P, 0, Infinity, () => {
    const { pg, gp } = directions(G, P, shape, o.spacing ?? shape.map(() => 1));
    const sum = (d: number[]) => d.reduce((s, v) => s + v, 0);
    return o.symmetric === false ? sum(pg) / pg.length : (sum(pg) + sum(gp)) / (pg.length + gp.length);
  });
}

export function refSurfaceDice(G: Mask, P: Mask, shape: number[], tolerance: number, spacing?: number[]): number {
  return withPolicy(G, P, 1, 0, () => {
    const { pg, gp } = directions(G, P, shape, spacing ?? shape.map(() => 1));
    return [...pg, ...gp].filter((d) => d <= tolerance).length / (pg.length + gp.length);
  });
}

/** One erosion by the full 3^d square, outside = background. */
function erodeSquare(mask: Mask, shape: readonly number[]): number[] {
  const offsets = Array.from({ length: 3 ** shape.length }, (_, k) => coords(k, shape.map(() => 3)).map((v) => v - 1));
  return Array.from(mask, (v, i) => {
    if (!v) return 0;
    const x = coords(i, shape);
    return offsets.every((o) => at(mask, shape, x.map((u, a) => u + o[a]!)) === 1) ? 1 : 0;
  });
}

export function refBoundaryIoU(G: Mask, P: Mask, shape: number[], dilationRatio = 0.02): number {
  return withPolicy(G, P, 1, 0, () => {
    const d = Math.max(1, Math.floor(dilationRatio * Math.hypot(...shape) + 0.5));
    const band = (M: Mask) => {
      let e: Mask = M;
      for (let k = 0; k < d; k++) e = erodeSquare(e, shape);
      return Array.from(M, (v, i) => (v && !e[i] ? 1 : 0));
    };
    const g = band(G);
    const p = band(P);
    const inter = g.filter((v, i) => v && p[i]).length;
    const union = g.filter((v, i) => v || p[i]).length;
    return inter / union;
  });
}
