/**
 * Binary 2-D skeletons on the CPU (plain typed arrays, no tensors): Zhang–Suen thinning as
 * scikit-image's `skeletonize` computes it, the cross (4-neighbourhood) dilation, and the
 * "tubed skeleton" target of the Skeleton Recall loss.
 */

/*
 * Neighbour code of a pixel: the sum of the bits of its set 8-neighbours,
 *     1   2   4        NW  N  NE
 *   128   ·   8         W  ·  E
 *    64  32  16        SW  S  SE
 */
const NW = 1;
const N = 2;
const NE = 4;
const E = 8;
const SE = 16;
const S = 32;
const SW = 64;
const W = 128;

/** Removable in the first sub-iteration (bit 1), in the second (bit 2), in both (3), or never (0). */
type Removal = 0 | 1 | 2 | 3;

/**
 * Zhang and Suen's conditions (CACM 27(3), 1984) for a pixel with neighbour code `code`:
 * 2 ≤ B ≤ 6 set neighbours, exactly one 0→1 transition A around the ring N, NE, …, NW, N; first
 * sub-iteration also N·E·S = 0 and E·S·W = 0, second N·E·W = 0 and N·S·W = 0.
 */
function zhangSuen(code: number): Removal {
  const ring = [N, NE, E, SE, S, SW, W, NW].map((bit) => (code & bit ? 1 : 0));
  const count = ring.reduce<number>((a, b) => a + b, 0);
  let transitions = 0;
  for (let k = 0; k < 8; k++) if (ring[k] === 0 && ring[(k + 1) % 8] === 1) transitions++;
  if (count < 2 || count > 6 || transitions !== 1) return 0;
  const has = (bit: number) => (code & bit ? 1 : 0);
  const first = has(N) * has(E) * has(S) === 0 && has(E) * has(S) * has(W) === 0 ? 1 : 0;
  const second = has(N) * has(E) * has(W) === 0 && has(N) * has(S) * has(W) === 0 ? 2 : 0;
  return (first | second) as Removal;
}

/**
 * scikit-image's table departs from the textbook conditions in 25 neighbourhoods (found by
 * comparing the two tables entry by entry): some two-pixel ends are kept or removed in one
 * sub-iteration only, and corners whose two 4-neighbours touch diagonally are removable. The
 * contract asks for scikit-image's skeletons, so these win.
 */
const SCIKIT_IMAGE_DEPARTURES: ReadonlyArray<readonly [code: number, removal: Removal]> = [
  [NW | N, 1], [N | NE, 1], [NE | E, 1], [N | NE | E, 1], [NW | N | W, 1],
  [NW | N | E, 1], [N | NE | W, 1], [NW | S | W, 1], [N | SW | W, 1], [N | NE | SW | W, 1],
  [E | SE, 2], [S | SW, 2], [SW | W, 2], [E | SE | S, 2], [S | SW | W, 2],
  [N | E | SE, 2], [E | S | SW, 2], [NE | E | S | SW, 2], [SE | S | W, 2],
  [N | E, 3], [E | S, 3], [N | W, 3], [S | W, 3],
  [SE | S, 0], [NW | W, 0],
];

/** The 256-entry removal table, built once. */
const TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let code = 0; code < 256; code++) table[code] = zhangSuen(code);
  for (const [code, removal] of SCIKIT_IMAGE_DEPARTURES) table[code] = removal;
  return table;
})();

/**
 * The skeleton of a binary image `mask` (H×W, row-major, non-zero = foreground), as
 * scikit-image's `skeletonize` (2-D, Zhang–Suen): repeated pairs of parallel sub-iterations
 * (each reads the image as it was before it) until no pixel is removed; outside the image counts
 * as background. Returns a new 0/1 array.
 */
export function skeletonize(mask: ArrayLike<number>, H: number, width: number): Uint8Array {
  const Hp = H + 2;
  const Wp = width + 2;
  const current = new Uint8Array(Hp * Wp);
  for (let i = 0; i < H; i++) for (let j = 0; j < width; j++) current[(i + 1) * Wp + j + 1] = mask[i * width + j] ? 1 : 0;
  const next = current.slice();
  let removed = true;
  while (removed) {
    removed = false;
    for (const pass of [1, 2]) {
      for (let i = 1; i <= H; i++) {
        for (let j = 1; j <= width; j++) {
          const q = i * Wp + j;
          if (!current[q]) continue;
          const code =
            current[q - Wp - 1] * NW + current[q - Wp] * N + current[q - Wp + 1] * NE + current[q + 1] * E +
            current[q + Wp + 1] * SE + current[q + Wp] * S + current[q + Wp - 1] * SW + current[q - 1] * W;
          if (TABLE[code] & pass) {
            next[q] = 0;
            removed = true;
          }
        }
      }
      current.set(next);
    }
  }
  const out = new Uint8Array(H * width);
  for (let i = 0; i < H; i++) for (let j = 0; j < width; j++) out[i * width + j] = current[(i + 1) * Wp + j + 1];
  return out;
}

/** Binary dilation of an H×W 0/1 image by the cross (a pixel and its 4 neighbours); outside is 0. */
export function dilateCross(mask: Uint8Array, H: number, width: number): Uint8Array {
  const out = new Uint8Array(H * width);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < width; j++) {
      const q = i * width + j;
      out[q] =
        mask[q] || (i > 0 && mask[q - width]) || (i < H - 1 && mask[q + width]) || (j > 0 && mask[q - 1]) || (j < width - 1 && mask[q + 1])
          ? 1
          : 0;
    }
  }
  return out;
}

/**
 * The tubed skeleton of each of B label images (`labels`, B×H×W row-major; foreground where
 * the label is > 0): skeleton of the foreground, dilated twice by the cross, times the label.
 * Returns B×H×W int32 labels (0 off the tube).
 */
export function tubedSkeletonOf(labels: ArrayLike<number>, B: number, H: number, width: number): Int32Array {
  const out = new Int32Array(B * H * width);
  const size = H * width;
  for (let b = 0; b < B; b++) {
    const offset = b * size;
    const fg = new Uint8Array(size);
    for (let q = 0; q < size; q++) fg[q] = labels[offset + q] > 0 ? 1 : 0;
    const tube = dilateCross(dilateCross(skeletonize(fg, H, width), H, width), H, width);
    for (let q = 0; q < size; q++) out[offset + q] = tube[q] * labels[offset + q];
  }
  return out;
}
