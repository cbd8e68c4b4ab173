/**
 * Source coordinates of TensorFlow.js's image resizing along one axis, shared by the two resize
 * gradients: output index `o` reads input position `f(o)`, with
 *
 *   ratio = (alignCorners && out > 1) ? (in − 1)/(out − 1) : in/out
 *   f(o)  = halfPixelCenters ? ratio·(o + ½) − ½ (bilinear) or ratio·(o + ½) (nearest) : ratio·o
 *
 * A gradient kernel is the transpose of that read: each `dy` element is added back to the input
 * elements its output read, with the same weights.
 */

/** Bilinear reads: the lower and upper input index of each output index, and the upper weight. */
export function bilinearAxis(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const ratio = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const f = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    // Below 0 (half-pixel, first output) both reads are clamped to row 0, so the weights still sum to 1.
    lo[o] = Math.max(0, Math.floor(f));
    hi[o] = Math.min(inSize - 1, Math.ceil(f));
    frac[o] = f - lo[o];
  }
  return { lo, hi, frac };
}

/** Nearest-neighbour reads: the input index each output index copies. */
export function nearestAxis(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const ratio = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const src = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const f = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    const i = Math.min(inSize - 1, alignCorners ? Math.round(f) : Math.floor(f));
    src[o] = halfPixelCenters ? Math.max(0, i) : i;
  }
  return src;
}
