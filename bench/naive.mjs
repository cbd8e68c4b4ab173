// Naive op-by-op versions of the benchmarked losses, written as a user would with stock tfjs ops
// and autodiff (no custom gradients, no fused kernels), for the default options of each case in
// perf-cases.json. They compute the same values as segloss for those cases; the bench uses them
// as the "before" column.
import * as tf from '@tensorflow/tfjs';

const softplus = (x) => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
const bce = (x, t) => tf.sub(softplus(x), tf.mul(x, t));

function binaryStats(x, t) {
  const p = tf.sigmoid(x);
  return { I: tf.sum(tf.mul(p, t)), P: tf.sum(p), T: tf.sum(t) };
}

function diceOf({ I, P, T }) {
  return tf.sub(1, tf.div(tf.add(tf.mul(I, 2), 1), tf.add(tf.add(P, T), 1)));
}

function multiclassStats(x, labels) {
  const C = x.shape[x.shape.length - 1];
  const p = tf.softmax(x);
  const t = tf.oneHot(labels, C);
  const axes = [...Array(x.rank - 1).keys()];
  return { I: tf.sum(tf.mul(p, t), axes), P: tf.sum(p, axes), T: tf.sum(t, axes) };
}

/** name → (yTrue, yPred) → scalar, for the cases of perf-cases.json. */
export const NAIVE = {
  diceLoss: (t, x) => diceOf(binaryStats(x, t)),
  jaccardLoss: (t, x) => {
    const { I, P, T } = binaryStats(x, t);
    return tf.sub(1, tf.div(tf.add(I, 1), tf.add(tf.sub(tf.add(P, T), I), 1)));
  },
  tverskyLoss: (t, x) => {
    const { I, P, T } = binaryStats(x, t);
    const den = tf.add(tf.add(tf.add(I, tf.mul(tf.sub(P, I), 0.3)), tf.mul(tf.sub(T, I), 0.7)), 1);
    return tf.sub(1, tf.div(tf.add(I, 1), den));
  },
  focalLoss: (t, x) => {
    const p = tf.sigmoid(x);
    const pt = tf.add(tf.mul(p, t), tf.mul(tf.sub(1, p), tf.sub(1, t)));
    const at = tf.add(tf.mul(t, 0.25), tf.mul(tf.sub(1, t), 0.75));
    return tf.mean(tf.mul(tf.mul(tf.square(tf.sub(1, pt)), bce(x, t)), at));
  },
  bceLoss: (t, x) => tf.mean(bce(x, t)),
  bceDiceLoss: (t, x) => tf.add(tf.mean(bce(x, t)), diceOf(binaryStats(x, t))),
  comboLoss: (t, x) => {
    // −(β·t·log p + (1 − β)(1 − t)·log(1 − p)) with log p = −softplus(−x), log(1 − p) = −softplus(x).
    const w = tf.add(tf.mul(tf.mul(t, softplus(tf.neg(x))), 0.5), tf.mul(tf.mul(tf.sub(1, t), softplus(x)), 0.5));
    return tf.add(tf.mul(tf.mean(w), 0.5), tf.mul(diceOf(binaryStats(x, t)), 0.5));
  },
  'diceLoss/multiclass': (labels, x) => tf.mean(diceOf(multiclassStats(x, labels))),
  'focalLoss/multiclass': (labels, x) => {
    const C = x.shape[x.shape.length - 1];
    const logp = tf.logSoftmax(x);
    const t = tf.oneHot(labels, C);
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.mul(t, tf.square(tf.sub(1, tf.exp(logp)))), logp), -1)));
  },
  crossEntropyLoss: (labels, x) => {
    const C = x.shape[x.shape.length - 1];
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(labels, C), tf.logSoftmax(x)), -1)));
  },
};

/** The naive version of a case, or undefined (Lovász: no naive version here). */
export function naiveFor(c) {
  const key = c.options.mode === 'multiclass' && c.fn !== 'crossEntropyLoss' ? `${c.fn}/multiclass` : c.fn;
  return NAIVE[key];
}
