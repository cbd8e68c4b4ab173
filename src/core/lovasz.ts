/**
 * The Lovász extension of the Jaccard loss (Berman, Rannen Triki and Blaschko, CVPR 2018),
 * batched over rows: every row of an `[R, N]` tensor is one sort group (an image, or the whole
 * batch, times a class), and all rows are sorted at once by one `tf.topk` — the composite path of
 * every backend without the fused Lovász kernels (src/kernels/lovaszRows.ts, lovaszSoftmax.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sortRowsDescending } from './backend.js';

/**
 * Lovász gradient of rows of labels already sorted by decreasing error: `[R, N]` → `[R, N]`.
 *
 * With G = Σ t over the row, the Jaccard loss of the first k elements is
 * J_k = 1 − (G − cumsum(t)_k) / (G + cumsum(v·(1 − t))_k), and g_1 = J_1, g_k = J_k − J_{k−1}
 * (v the valid mask; t is already 0 where v = 0). With I_k = G − cumsum(t)_k = Σ_{j>k} t_j
 * (the targets still to come), n_k = cumsum(v)_k the valid elements so far, the union is
 * G + cumsum(v·(1 − t))_k = I_k + n_k, and J_k = n_k / max(I_k + n_k, 1); J_{k−1} uses I_k + t_k
 * and n_k − v_k.
 *
 * I is the row total minus a forward cumsum, not a reverse cumsum: tfjs-backend-webgpu 4.22's
 * reverse `cumsum` shader compiles the row length into its source but leaves it out of its cache
 * key, so every length after the first one a page uses gives wrong sums (the Lovász losses were
 * silently wrong there). The difference is exact: t is 0/1, so every partial sum is an integer
 * below 2²⁴ in float32.
 *
 * The union is at least n_k, so clamping it at 1 changes nothing once a valid element has been
 * seen and gives J = 0 before that. Hence an invalid element leaves J unchanged (g = 0 there,
 * wherever it sorts), and a row with no valid element gets g = 0 throughout.
 * `vSorted` may be omitted when every element is valid.
 */
export function lovaszGrad(tSorted: Tensor, vSorted?: Tensor): Tensor {
  return tf.tidy(() => {
    const I = tf.sub(tf.sum(tSorted, 1, true), tf.cumsum(tSorted, 1));
    const n = vSorted ? tf.cumsum(vSorted, 1) : tf.cumsum(tf.onesLike(tSorted), 1);
    const J = tf.div(n, tf.maximum(tf.add(I, n), 1));
    const nPrev = vSorted ? tf.sub(n, vSorted) : tf.sub(n, 1);
    const JPrev = tf.div(nPrev, tf.maximum(tf.add(tf.add(I, tSorted), nPrev), 1));
    return tf.sub(J, JPrev);
  });
}

/**
 * Σ_k relu(e_(k))·g_k per row: the Lovász extension evaluated at the errors `e` `[R, N]`, with
 * e_(k) sorted descending (ties keep index order, as tfjs's `topk` does on cpu and wasm, which
 * is the reference's stable sort) and g the {@link lovaszGrad} of the labels `t` permuted the
 * same way. `v` is the valid mask (0 excludes an element: g = 0 there; omit it when all are
 * valid). Returns `[R]`.
 *
 * The sort order and g are constants; the gradient is relu'(e)·g scattered back to the original
 * element order (one `scatterND`, in the backward pass only). It is a `tf.customGrad`, so neither
 * `topk` (no gradient in tfjs) nor `gather` (whose gradient needs `UnsortedSegmentSum`, missing
 * on wasm) is taped. Cost: one sort of every row (O(N log N)), one or two gathers and two
 * cumulative sums forward; one scatter backward. The sort stays on the device on webgl too
 * ({@link sortRowsDescending}): no synchronous read on any backend. On 16-bit webgl, indices
 * (stored as float16) are exact only below 2048, so rows of more elements sort wrongly there.
 * For the softmax form, errors are ≥ 0 so the relu changes nothing (and |·|' is 0 at 0 anyway).
 * On `cpu` and `wasm` the fused `SeglossLovaszRows` kernel does all of it in one pass per row
 * (radix sort, walk), about ten times faster than these ops there: callers write
 * `fusedLovaszRows(e, t, v) ?? lovaszRows(e, t, v)`.
 */
export function lovaszRows(e: Tensor, t: Tensor, v?: Tensor): Tensor {
  const [R, N] = e.shape as [number, number];
  const op = tf.customGrad(((errors: Tensor, save: tf.GradSaveFunc) => {
    const { values, indices } = sortRowsDescending(errors);
    // Row r's indices become flat positions r·N + i into the flattened [R·N] tensors (a flat
    // gather: tfjs-backend-wasm 4.22 gathers wrongly with batchDims = 1).
    const rowStart = tf.mul(tf.reshape(tf.range(0, R, 1, 'int32'), [R, 1]), tf.scalar(N, 'int32'));
    const flat = tf.reshape(tf.add(indices, rowStart), [R * N]);
    const sorted = (x: Tensor) => tf.reshape(tf.gather(tf.reshape(x, [R * N]), flat), [R, N]);
    const g = lovaszGrad(sorted(t), v && sorted(v));
    save([g, values, flat]);
    return {
      value: tf.sum(tf.mul(tf.relu(values), g), 1),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [gS, valuesS, flatS] = saved as [Tensor, Tensor, Tensor];
        // Weight of each sorted error: dy·g where the hinge is active, scattered back.
        const w = tf.mul(tf.mul(gS, tf.cast(tf.greater(valuesS, 0), 'float32')), tf.reshape(dy, [R, 1]));
        return tf.reshape(tf.scatterND(tf.reshape(flatS, [R * N, 1]), tf.reshape(w, [R * N]), [R * N]), [R, N]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: Tensor) => Tensor;
  return op(e);
}
