/**
 * Exact Euclidean distance transform (EDT) in plain TypeScript (no tfjs), by the separable
 * lower envelope of parabolas of Felzenszwalb and Huttenlocher: one 1-D pass per axis, each
 * linear in the number of elements, so the whole transform is O(N·d) time and O(N) memory
 * for N elements in d dimensions, in any number of dimensions, with any (anisotropic) spacing.
 *
 * Semantics are those of `scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`:
 * every nonzero element gets its distance to the nearest zero element, zeros get 0.
 *
 * Reference: P. F. Felzenszwalb and D. P. Huttenlocher, "Distance Transforms of Sampled
 * Functions", Theory of Computing 8 (2012) 415–428.
 */

/** A flat, row-major array of mask values (nonzero = foreground). */
export type MaskArray = ArrayLike<number>;

function checkGrid(fn: string, length: number, shape: readonly number[], spacing: readonly number[] | undefined): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${fn}: shape must be a non-empty array of positive integers, got [${String(shape)}].`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== length) throw new Error(`${fn}: mask must have ${n} elements for shape [${shape.join(',')}], got ${length}.`);
  if (spacing === undefined) return shape.map(() => 1);
  if (!Array.isArray(spacing) || spacing.length !== shape.length || !spacing.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new Error(
      `${fn}: spacing must hold ${shape.length} finite number(s) > 0 (one per axis), got [${Array.isArray(spacing) ? spacing.join(', ') : String(spacing)}].`,
    );
  }
  return [...spacing];
}

/**
 * One 1-D pass: d[q] = min_p ((q − p)·h)² + f[p] over the n samples of `f`, Infinity where every
 * f[p] is infinite. `v` (Int32Array) and `z` (Float64Array, n + 1) are caller-provided scratch.
 *
 * The parabolas y = (x − p·h)² + f[p] are added left to right; the one at p = v[k] is the lowest
 * on [z[k], z[k+1]). Two parabolas at p < q cross at
 * x = ((f[q] + (q·h)²) − (f[p] + (p·h)²)) / (2·h·(q − p)); a parabola whose interval becomes empty
 * is dropped. Infinite samples (no zero reachable yet) never join the envelope.
 */
function envelope1d(f: Float64Array, d: Float64Array, n: number, h: number, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const xq = q * h;
    const aq = fq + xq * xq;
    let s = -Infinity;
    while (k >= 0) {
      const p = v[k];
      const xp = p * h;
      s = (aq - (f[p] + xp * xp)) / (2 * (xq - xp));
      if (s > z[k]) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    const x = q * h;
    while (z[k + 1] < x) k++;
    const dx = x - v[k] * h;
    d[q] = dx * dx + f[v[k]];
  }
}

/**
 * Squared Euclidean distance of every nonzero element of `mask` to the nearest zero element
 * (0 at zero elements), with `spacing[i]` the distance between neighbours along axis i.
 * Returns Infinity everywhere if the mask has no zero element (scipy returns an artefact there).
 *
 * Cost: one pass per axis, each O(N) time; O(N) extra memory (Float64).
 *
 * @param mask - row-major values of a `shape`-shaped grid; nonzero elements are the foreground.
 * @param shape - grid shape, any number of axes ≥ 1.
 * @param spacing - sample distance along each axis.
 * @defaultValue spacing: 1 along every axis
 * @throws Error when `mask.length` differs from the product of `shape`, or `spacing` has the
 * wrong length or a non-positive entry.
 */
export function squaredEuclideanDistanceTransform(mask: MaskArray, shape: readonly number[], spacing?: readonly number[]): Float64Array {
  const h = checkGrid('squaredEuclideanDistanceTransform', mask.length, shape, spacing);
  return squaredEdt(mask, shape, h);
}

/**
 * The pass along the last (contiguous) axis straight from the mask: in 1-D the distance to
 * the nearest zero is found by a forward and a backward sweep, no parabolas needed.
 */
function lastAxisPass(mask: MaskArray, out: Float64Array, n: number, h: number): void {
  for (let base = 0; base < out.length; base += n) {
    let last = -Infinity; // index of the nearest zero on the left
    for (let q = 0; q < n; q++) {
      if (mask[base + q] === 0) last = q;
      out[base + q] = q - last;
    }
    let next = Infinity; // index of the nearest zero on the right
    for (let q = n - 1; q >= 0; q--) {
      if (mask[base + q] === 0) next = q;
      const g = Math.min(out[base + q], next - q) * h;
      out[base + q] = g * g;
    }
  }
}

/** {@link squaredEuclideanDistanceTransform} without the argument checks. */
export function squaredEdt(mask: MaskArray, shape: readonly number[], spacing: readonly number[]): Float64Array {
  const total = mask.length;
  const out = new Float64Array(total);
  const rank = shape.length;
  lastAxisPass(mask, out, shape[rank - 1], spacing[rank - 1]);
  const longest = Math.max(...shape);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  // The other axes, one envelope pass each. Axis `axis` has length n and stride `stride`; its
  // lines start at every index whose coordinate along it is 0: blocks of n·stride elements,
  // `stride` offsets in each.
  let stride = total;
  for (let axis = 0; axis < rank - 1; axis++) {
    const n = shape[axis];
    stride /= n;
    if (n === 1) continue;
    const block = n * stride;
    const hx = spacing[axis];
    for (let start = 0; start < total; start += block) {
      for (let off = 0; off < stride; off++) {
        const base = start + off;
        let finite = false;
        let positive = false;
        for (let q = 0, i = base; q < n; q++, i += stride) {
          const value = out[i];
          f[q] = value;
          if (value !== Infinity) finite = true;
          if (value !== 0) positive = true;
        }
        if (!finite || !positive) continue; // all infinite, or all 0: the line does not change
        envelope1d(f, d, n, hx, v, z);
        for (let q = 0, i = base; q < n; q++, i += stride) out[i] = d[q];
      }
    }
  }
  return out;
}

/**
 * Euclidean distance of every nonzero element of `mask` to the nearest zero element (0 at zero
 * elements): the numbers of `scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`.
 * Exact (no chamfer approximation), linear time, any number of axes, anisotropic spacing.
 * Returns Infinity everywhere if the mask has no zero element.
 *
 * **Reference:** Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions",
 * Theory of Computing 8 (2012) — the separable lower envelope of parabolas.
 *
 * @example
 * ```ts
 * import { euclideanDistanceTransform } from 'segloss';
 * // 1 1 0 1 over a 2 × 2 grid: the zero sits at (1, 0)
 * euclideanDistanceTransform([1, 1, 0, 1], [2, 2]); // Float64Array [1, √2, 0, 1]
 * ```
 * @param mask - row-major values of a `shape`-shaped grid; nonzero elements are the foreground.
 * @param shape - grid shape, any number of axes ≥ 1.
 * @param spacing - sample distance along each axis.
 * @defaultValue spacing: 1 along every axis
 * @throws Error when `mask.length` differs from the product of `shape`, or `spacing` has the
 * wrong length or a non-positive entry.
 */
export function euclideanDistanceTransform(mask: MaskArray, shape: readonly number[], spacing?: readonly number[]): Float64Array {
  const h = checkGrid('euclideanDistanceTransform', mask.length, shape, spacing);
  const out = squaredEdt(mask, shape, h);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
  return out;
}

/** True if `region` (0/1) has at least one 1 and at least one 0. */
function isProper(region: Uint8Array): boolean {
  let ones = 0;
  for (let i = 0; i < region.length; i++) ones += region[i];
  return ones > 0 && ones < region.length;
}

/**
 * Both distances of a proper 0/1 region G: `toRegion[q]` = dist(q, G)² (0 inside G, by the EDT
 * of ∁G) and `toOutside[q]` = dist(q, ∁G)² (0 outside G, by the EDT of G).
 */
function squaredDistances(region: Uint8Array, shape: readonly number[], spacing: readonly number[]): { toRegion: Float64Array; toOutside: Float64Array } {
  const complement = new Uint8Array(region.length);
  for (let i = 0; i < region.length; i++) complement[i] = region[i] ? 0 : 1;
  return { toRegion: squaredEdt(complement, shape, spacing), toOutside: squaredEdt(region, shape, spacing) };
}

/**
 * Signed distance map of a region G given as 0/1 values (SPEC boundaryLoss):
 * φ = dist(q, G) outside G and −(dist(q, ∁G) − 1) inside G; all 0 if G is empty or full.
 * Cost: two EDTs.
 */
export function signedDistanceField(region: Uint8Array, shape: readonly number[], spacing: readonly number[]): Float64Array {
  const out = new Float64Array(region.length);
  if (!isProper(region)) return out;
  const { toRegion, toOutside } = squaredDistances(region, shape, spacing);
  for (let i = 0; i < out.length; i++) out[i] = region[i] ? 1 - Math.sqrt(toOutside[i]) : Math.sqrt(toRegion[i]);
  return out;
}

/**
 * Unsigned distance field of a 0/1 region (SPEC hausdorffDTLoss): inside, the distance to the
 * nearest element outside; outside, the distance to the nearest element inside; all 0 if the
 * region is empty or full. Cost: two EDTs.
 */
export function unsignedDistanceField(region: Uint8Array, shape: readonly number[], spacing: readonly number[]): Float64Array {
  const out = new Float64Array(region.length);
  if (!isProper(region)) return out;
  const { toRegion, toOutside } = squaredDistances(region, shape, spacing);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(region[i] ? toOutside[i] : toRegion[i]);
  return out;
}
