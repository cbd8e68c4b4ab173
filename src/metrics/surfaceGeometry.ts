/**
 * Binary morphology of the surface metrics on flat row-major 0/1 masks of any number of axes,
 * with everything outside the grid counting as background. Each operation is O(N·d) for N
 * elements in d dimensions: one scan (boundary, box) or one linear pass per axis (band).
 */

/** Calls `line(base, stride, n)` for every line of the grid along `axis`. */
function forEachLine(shape: readonly number[], axis: number, line: (base: number, stride: number, n: number) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  const n = shape[axis];
  let stride = 1;
  for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
  const block = n * stride;
  for (let start = 0; start < total; start += block) {
    for (let off = 0; off < stride; off++) line(start + off, stride, n);
  }
}

/**
 * 1-D erosion of radius r along `axis`, outside = background: `dst[i]` is 1 iff `src` is 1 at
 * the 2r + 1 positions i − r … i + r of its line and they all lie inside the grid. A forward sweep records the distance to the last 0 on the left (a 0 sits
 * just before the line), a backward sweep the distance to the next 0 on the right.
 */
function erodeAxis(src: Uint8Array, dst: Uint8Array, shape: readonly number[], axis: number, r: number): void {
  const left = new Int32Array(shape[axis]);
  forEachLine(shape, axis, (base, stride, n) => {
    let last = -1;
    for (let q = 0, i = base; q < n; q++, i += stride) {
      if (src[i] === 0) last = q;
      left[q] = q - last;
    }
    let next = n;
    for (let q = n - 1, i = base + (n - 1) * stride; q >= 0; q--, i -= stride) {
      if (src[i] === 0) next = q;
      dst[i] = left[q] > r && next - q > r ? 1 : 0;
    }
  });
}

/**
 * ∂M: the elements of M with a neighbour along some axis that is outside M or outside the grid
 * (M minus its erosion by the cross-shaped element). One pass, row by row along the last axis
 * (a row on the grid's border along another axis is boundary wherever it is in M); only
 * elements of M look at their 2·d neighbours. Returns the 0/1 boundary and its size.
 */
export function boundary(mask: Uint8Array, shape: readonly number[]): { edge: Uint8Array; count: number } {
  const d = shape.length;
  const n = shape[d - 1];
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, s) => p * s, 1)).slice(0, d - 1);
  const x = new Int32Array(Math.max(d - 1, 0)); // the row's coordinates along the other axes
  const edge = new Uint8Array(mask.length);
  let count = 0;
  for (let start = 0; start < mask.length; start += n) {
    let borderRow = false;
    for (let a = 0; a < d - 1; a++) if (x[a] === 0 || x[a] === shape[a] - 1) borderRow = true;
    for (let q = 0, i = start; q < n; q++, i++) {
      if (mask[i] === 0) continue;
      let onEdge = borderRow || q === 0 || q === n - 1 || mask[i - 1] === 0 || mask[i + 1] === 0;
      for (let a = 0; a < d - 1 && !onEdge; a++) onEdge = mask[i - strides[a]] === 0 || mask[i + strides[a]] === 0;
      if (onEdge) {
        edge[i] = 1;
        count++;
      }
    }
    for (let a = d - 2; a >= 0; a--) {
      if (++x[a] < shape[a]) break;
      x[a] = 0;
    }
  }
  return { edge, count };
}

/**
 * Boundary IoU's band: M minus its erosion by the full 3×3(×3) square repeated `r` times,
 * i.e. by the (2r + 1)-wide cube, which is one 1-D erosion of radius r per axis in turn.
 */
export function innerBand(mask: Uint8Array, shape: readonly number[], r: number): Uint8Array {
  let eroded = mask;
  for (let axis = 0; axis < shape.length; axis++) {
    const next = new Uint8Array(mask.length);
    erodeAxis(eroded, next, shape, axis, r);
    eroded = next;
  }
  const band = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) band[i] = mask[i] & (eroded[i] ^ 1);
  return band;
}

/** A box of the grid: `lo[a] ≤ coordinate < hi[a]` along each axis a. */
export interface Box {
  lo: number[];
  hi: number[];
}

/**
 * The smallest box holding every 1 of `a` or `b`, or null if both are all 0. The surface
 * metrics only look at boundary elements, which lie inside it, and everything outside it is
 * background either way, so they may run on the crop instead of the whole grid.
 */
export function unionBox(a: Uint8Array, b: Uint8Array, shape: readonly number[]): Box | null {
  const d = shape.length;
  const n = shape[d - 1];
  const lo = shape.slice();
  const hi = shape.map(() => 0);
  const x = shape.map(() => 0); // coordinates of the current row's first element (x[d − 1] = 0)
  let found = false;
  // Row by row along the last axis: the first and last 1 of a row bound that axis; a row with
  // any 1 bounds the other axes at its own coordinates.
  for (let start = 0; start < a.length; start += n) {
    let first = -1;
    let last = -1;
    for (let q = 0; q < n; q++) {
      if ((a[start + q] | b[start + q]) !== 0) {
        if (first < 0) first = q;
        last = q;
      }
    }
    if (first >= 0) {
      found = true;
      if (first < lo[d - 1]) lo[d - 1] = first;
      if (last >= hi[d - 1]) hi[d - 1] = last + 1;
      for (let k = 0; k < d - 1; k++) {
        if (x[k] < lo[k]) lo[k] = x[k];
        if (x[k] >= hi[k]) hi[k] = x[k] + 1;
      }
    }
    for (let k = d - 2; k >= 0; k--) {
      if (++x[k] < shape[k]) break;
      x[k] = 0;
    }
  }
  return found ? { lo, hi } : null;
}

/** The elements of `src` inside `box`, row-major over the box's shape. */
export function crop(src: Uint8Array, shape: readonly number[], box: Box): Uint8Array {
  const d = shape.length;
  const size = box.hi.map((h, k) => h - box.lo[k]);
  const out = new Uint8Array(size.reduce((p, s) => p * s, 1));
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((p, s) => p * s, 1));
  const x = box.lo.slice(0, d - 1);
  const rowLength = size[d - 1];
  for (let o = 0; o < out.length; o += rowLength) {
    let start = box.lo[d - 1];
    for (let k = 0; k < d - 1; k++) start += x[k] * strides[k];
    out.set(src.subarray(start, start + rowLength), o);
    for (let k = d - 2; k >= 0; k--) {
      if (++x[k] < box.hi[k]) break;
      x[k] = box.lo[k];
    }
  }
  return out;
}
