/**
 * The Lovász extension of the Jaccard loss (Berman, Rannen Triki and Blaschko, CVPR 2018),
 * batched over rows: every row of an `[R, N]` tensor is one sort group (an image, or the whole
 * batch, times a class), and all rows are sorted at once by one `tf.topk`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Lovász gradient of rows of labels already sorted by decreasing error: `[R, N]` → `[R, N]`.
 *
 * With G = Σ t over the row, pos_k = cumsum(t)_k and neg_k = cumsum(v·(1 − t))_k (v the valid
 * mask, t already 0 where v = 0), the Jaccard loss of the first k elements is
 * J_k = 1 − (G − pos_k) / (G + neg_k) = (pos_k + neg_k) / (G + neg_k), and g_1 = J_1,
 * g_k = J_k − J_{k−1}.
 *
 * The denominator G + neg_k is at least pos_k + neg_k, the number of valid elements among the
 * first k (each contributes t + (1 − t) = 1), so clamping it at 1 changes nothing where a valid
 * element has been seen and gives J = 0 before that. Hence an invalid element leaves J unchanged
 * (g = 0 there, wherever it sorts), and a row with no valid element gets g = 0 throughout.
 */
export function lovaszGrad(tSorted: Tensor, vSorted: Tensor): Tensor {
  return tf.tidy(() => {
    const isNeg = tf.sub(vSorted, tSorted);
    const pos = tf.cumsum(tSorted, 1);
    const neg = tf.cumsum(isNeg, 1);
    const G = tf.sum(tSorted, 1, true);
    const jaccard = (p: Tensor, n: Tensor) => tf.div(tf.add(p, n), tf.maximum(tf.add(G, n), 1));
    // J_{k−1} from the exclusive sums pos_k − t_k and neg_k − (v_k − t_k), exact for 0/1 labels
    // (and J_0 = 0): cheaper than shifting J by a slice and a pad.
    return tf.sub(jaccard(pos, neg), jaccard(tf.sub(pos, tSorted), tf.sub(neg, isNeg)));
  });
}

/**
 * Σ_k relu(e_(k))·g_k per row: the Lovász extension evaluated at the errors `e` `[R, N]`, with
 * e_(k) sorted descending (ties keep index order, as tfjs's `topk` does on cpu and wasm, which
 * is the reference's stable sort) and g the {@link lovaszGrad} of the labels `t` permuted the
 * same way. `v` is the valid mask (0 excludes an element: g = 0 there). Returns `[R]`.
 *
 * The sort order and g are constants; the gradient is relu'(e)·g scattered back to the original
 * element order (one `scatterND`). It is a `tf.customGrad`, so neither `topk` (no gradient in
 * tfjs) nor `gather` (whose gradient needs `UnsortedSegmentSum`, missing on wasm) is taped.
 * Cost: one sort of every row (O(N log N)), two gathers and two cumulative sums.
 * For the softmax form, errors are ≥ 0 so the relu changes nothing (and |·|' is 0 at 0 anyway).
 */
export function lovaszRows(e: Tensor, t: Tensor, v: Tensor): Tensor {
  const [R, N] = e.shape;
  const op = tf.customGrad(((errors: Tensor, save: tf.GradSaveFunc) => {
    const { values, indices } = tf.topk(errors, N, true);
    // Row r's indices become flat positions r·N + i into the flattened [R·N] tensors.
    const flat = tf.reshape(tf.add(indices, tf.mul(tf.reshape(tf.range(0, R, 1, 'int32'), [R, 1]), tf.scalar(N, 'int32'))), [R * N]);
    const sorted = (x: Tensor) => tf.reshape(tf.gather(tf.reshape(x, [R * N]), flat), [R, N]);
    const g = lovaszGrad(sorted(t), sorted(v));
    // Weight of each sorted error in the gradient: g where the hinge is active.
    const w = tf.mul(g, tf.cast(tf.greater(values, 0), 'float32'));
    save([w, flat]);
    return {
      value: tf.sum(tf.mul(tf.relu(values), g), 1),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [wSaved, flatSaved] = saved;
        const updates = tf.reshape(tf.mul(tf.reshape(dy, [R, 1]), wSaved), [R * N]);
        return tf.reshape(tf.scatterND(tf.reshape(flatSaved, [R * N, 1]), updates, [R * N]), [R, N]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: Tensor) => Tensor;
  return op(e);
}
