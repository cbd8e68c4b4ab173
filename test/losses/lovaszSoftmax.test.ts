/**
 * lovaszSoftmaxLoss beyond the golden fixtures: closed forms, class selection, groups, layouts,
 * target kinds, ignored pixels, extreme logits, finite-difference gradients, memory, errors and
 * scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lovaszSoftmaxLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { gradOf, valueOf } from '../helpers/lossValue.js';
import { finiteDiff } from '../helpers/finiteDiff.js';
import { randomLabels, randomLogits } from '../helpers/random.js';
import { expectNoLeak } from '../helpers/expectNoLeak.js';
import { describeLossBattery } from '../helpers/lossBattery.js';

/** Smallest gap between two errors |fg − p_c| of the same class within each group. */
function minErrorGap(labels: ArrayLike<number>, logits: ArrayLike<number>, C: number, groupSize: number): number {
  let gap = Infinity;
  for (let start = 0; start < labels.length; start += groupSize) {
    for (let c = 0; c < C; c++) {
      const e: number[] = [];
      for (let i = start; i < start + groupSize; i++) {
        const z = Array.from({ length: C }, (_, k) => Math.exp(logits[i * C + k]));
        e.push(Math.abs((labels[i] === c ? 1 : 0) - z[c] / z.reduce((a, b) => a + b, 0)));
      }
      e.sort((a, b) => a - b);
      for (let k = 1; k < e.length; k++) gap = Math.min(gap, e[k] - e[k - 1]);
    }
  }
  return gap;
}

describeLossBattery('lovaszSoftmaxLoss', (o = {}) => lovaszSoftmaxLoss(o), {
  modes: ['multiclass'],
  // Random logits put ties within a finite-difference step: see the test below that avoids them.
  gradCheck: false,
});

describe.each(BACKENDS)('lovaszSoftmaxLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('runs its TSDoc @example and gets the 0 it states', () => {
    const loss = lovaszSoftmaxLoss({ fromLogits: false });
    const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
    const probs = tf.cast(tf.reshape(tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), [1, 2, 2, 3]), 'float32');
    expect(valueOf(loss, labels, probs)).toBe(0);
  });

  it('returns 0 for a one-hot prediction equal to the target (fromLogits: false)', () => {
    const labels = randomLabels([2, 4, 3], 3, 1);
    const probs = tf.tidy(() => tf.reshape(tf.cast(tf.oneHot(tf.reshape(labels, [-1]), 3), 'float32'), [2, 4, 3, 3]));
    for (const classes of ['present', 'all'] as const) {
      expect(valueOf(lovaszSoftmaxLoss({ fromLogits: false, classes }), labels, probs)).toBe(0);
    }
  });

  it('gives the closed form for uniform probabilities: 1 − 1/C per present class, 1/C per absent one', () => {
    // p_c = 1/3 everywhere. Present class: its pixels (error 2/3) sort first, and g = 1/G on
    // each of them, then J stays 1: loss_c = 2/3. Absent class (G = 0): every error is 1/3 and
    // J_1 = 1 already, so loss_c = 1/3. Labels use classes 0 and 1 only.
    const labels = tf.tensor3d([0, 1, 1, 0, 1, 1], [1, 2, 3], 'int32');
    const probs = tf.fill([1, 2, 3, 3], 1 / 3);
    expectClose(valueOf(lovaszSoftmaxLoss({ fromLogits: false }), labels, probs), 2 / 3);
    expectClose(valueOf(lovaszSoftmaxLoss({ fromLogits: false, classes: 'all' }), labels, probs), (2 / 3 + 2 / 3 + 1 / 3) / 3);
    // Zero logits give the same uniform softmax.
    expectClose(valueOf(lovaszSoftmaxLoss({ classes: [2] }), labels, tf.zeros([1, 2, 3, 3])), 1 / 3);
  });

  it('a class list averages the single-class losses, and all classes equal classes: "all"', () => {
    const labels = randomLabels([2, 4, 4], 4, 2);
    const logits = randomLogits([2, 4, 4, 4], 3);
    const single = [0, 1, 2, 3].map((c) => valueOf(lovaszSoftmaxLoss({ classes: [c] }), labels, logits));
    expectClose(valueOf(lovaszSoftmaxLoss({ classes: [0, 2] }), labels, logits), (single[0] + single[2]) / 2);
    expectClose(valueOf(lovaszSoftmaxLoss({ classes: 'all' }), labels, logits), single.reduce((a, b) => a + b, 0) / 4);
    expectClose(valueOf(lovaszSoftmaxLoss({ classes: [0, 1, 2, 3] }), labels, logits), single.reduce((a, b) => a + b, 0) / 4);
  });

  it("'present' skips the classes absent from the group's labels", () => {
    // Labels only 0 and 2 (of 4): 'present' = mean of those two single-class losses.
    const labels = tf.tidy(() => tf.mul(randomLabels([2, 3, 3], 2, 4), 2));
    const logits = randomLogits([2, 3, 3, 4], 5);
    const [l0, l2] = [0, 2].map((c) => valueOf(lovaszSoftmaxLoss({ classes: [c] }), labels, logits));
    expectClose(valueOf(lovaszSoftmaxLoss(), labels, logits), (l0 + l2) / 2);
  });

  it('perImage equals the mean of the single-image losses', () => {
    const labels = randomLabels([3, 4, 3], 3, 6);
    const logits = randomLogits([3, 4, 3, 3], 7);
    const loss = lovaszSoftmaxLoss({ perImage: true });
    const singles = [0, 1, 2].map((b) =>
      tf.tidy(() => valueOf(loss, tf.slice(labels, [b, 0, 0], [1, 4, 3]), tf.slice(logits, [b, 0, 0, 0], [1, 4, 3, 3]))),
    );
    expectClose(valueOf(loss, labels, logits), singles.reduce((a, b) => a + b, 0) / 3);
  });

  it('perImage: false equals the loss of the batch laid out as one image', () => {
    const labels = randomLabels([3, 4, 3], 3, 8);
    const logits = randomLogits([3, 4, 3, 3], 9);
    const whole = tf.tidy(() => valueOf(lovaszSoftmaxLoss(), tf.reshape(labels, [1, 12, 3]), tf.reshape(logits, [1, 12, 3, 3])));
    expectClose(valueOf(lovaszSoftmaxLoss(), labels, logits), whole);
  });

  it('one-hot, [B, ...spatial, 1] and float index targets equal int32 index targets', () => {
    const labels = randomLabels([2, 3, 4], 3, 12);
    const logits = randomLogits([2, 3, 4, 3], 13);
    const want = valueOf(lovaszSoftmaxLoss(), labels, logits);
    const forms = tf.tidy(() => [
      tf.reshape(tf.cast(tf.oneHot(tf.reshape(labels, [-1]), 3), 'float32'), [2, 3, 4, 3]),
      tf.expandDims(labels, -1),
      tf.cast(labels, 'float32'),
    ]);
    for (const yTrue of forms) expectClose(valueOf(lovaszSoftmaxLoss(), yTrue, logits), want);
  });

  it('works with 1, 2 and 3 spatial dimensions alike', () => {
    const labels = randomLabels([2, 2, 3, 2], 3, 14);
    const logits = randomLogits([2, 2, 3, 2, 3], 15);
    const flat = tf.tidy(() => valueOf(lovaszSoftmaxLoss({ perImage: true }), tf.reshape(labels, [2, 12]), tf.reshape(logits, [2, 12, 3])));
    expectClose(valueOf(lovaszSoftmaxLoss({ perImage: true }), labels, logits), flat);
  });

  it('ignoreIndex drops ignored pixels from the loss and gives them a zero gradient', () => {
    const lab = [0, 255, 2, 1, 1, 255, 0, 2];
    const keep = lab.map((v, i) => (v === 255 ? -1 : i)).filter((i) => i >= 0);
    const labels = tf.tensor2d(lab, [1, 8], 'int32');
    const logits = randomLogits([1, 8, 3], 16);
    const x = logits.dataSync();
    const [lv, xv] = [tf.tensor2d(keep.map((i) => lab[i]), [1, 6], 'int32'), tf.tensor3d(keep.flatMap((i) => [x[3 * i], x[3 * i + 1], x[3 * i + 2]]), [1, 6, 3])];
    const loss = lovaszSoftmaxLoss({ ignoreIndex: 255 });
    expectClose(valueOf(loss, labels, logits), valueOf(lovaszSoftmaxLoss(), lv, xv));
    const g = gradOf(loss, labels, logits);
    expectClose([...g.slice(3, 6), ...g.slice(15, 18)], new Float32Array(6), { rtol: 0, atol: 0 });
    expectClose(keep.flatMap((i) => [g[3 * i], g[3 * i + 1], g[3 * i + 2]]), gradOf(lovaszSoftmaxLoss(), lv, xv));
  });

  it('gives 0 and a zero gradient for an all-ignored batch, whatever the classes', () => {
    const labels = tf.fill([2, 3, 3], 255, 'int32');
    const logits = randomLogits([2, 3, 3, 3], 17);
    for (const options of [{}, { classes: 'all' as const }, { classes: [1] }, { perImage: true }]) {
      const loss = lovaszSoftmaxLoss({ ignoreIndex: 255, ...options });
      expect(valueOf(loss, labels, logits)).toBe(0);
      expectClose(gradOf(loss, labels, logits), new Float32Array(54), { rtol: 0, atol: 0 });
    }
  });

  it('has the gradient of central finite differences away from ties', () => {
    const labels = randomLabels([2, 2, 3], 3, 28);
    const logits = randomLogits([2, 2, 3, 3], 29);
    // Precondition: a change of h = 0.01 in a logit moves a probability by at most h/4, so no two
    // errors of a class may be closer than that (else the sort order flips inside the stencil).
    expect(minErrorGap(labels.dataSync(), logits.dataSync(), 3, 12)).toBeGreaterThan(1e-2);
    for (const options of [{}, { perImage: true }, { classes: 'all' as const }]) {
      const loss = lovaszSoftmaxLoss(options);
      const numeric = finiteDiff((x) => loss(labels, x), logits, 1e-2);
      expectClose(gradOf(loss, labels, logits), numeric, { rtol: 2e-2, atol: 1e-3 });
    }
  });

  it('leaves only its result behind, over 10 calls, under tf.grad, and when it throws', () => {
    const labels = randomLabels([2, 4, 4], 3, 22);
    const logits = randomLogits([2, 4, 4, 3], 23);
    const loss = lovaszSoftmaxLoss({ ignoreIndex: 255, classes: [0, 2] });
    const outOfRange = tf.fill([2, 4, 4], 7, 'int32');
    expectNoLeak(loss, labels, logits, () => loss(outOfRange, logits), /^lovaszSoftmaxLoss: yTrue class indices must be in \[0, 3\)/);
  });

  it('runs forward and backward on [4, 128, 128, 8] without leaking', () => {
    const labels = randomLabels([4, 128, 128], 8, 24);
    const logits = tf.randomNormal([4, 128, 128, 8], 0, 2, 'float32', 25);
    const before = tf.memory().numTensors;
    const [v, finite] = tf.tidy(() => {
      const { value: out, grad } = tf.valueAndGrad((x: tf.Tensor) => lovaszSoftmaxLoss()(labels, x))(logits);
      return [out.dataSync()[0], tf.all(tf.isFinite(grad)).dataSync()[0]];
    });
    expect(Number.isFinite(v) && v > 0).toBe(true);
    expect(finite).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a non-multiclass mode, bad classes, unknown options and C < 2 with clear errors', () => {
    expect(() => lovaszSoftmaxLoss({ mode: 'binary' as 'multiclass' })).toThrow(/^lovaszSoftmaxLoss: option 'mode' must be 'multiclass'.*lovaszHingeLoss.*got 'binary'/);
    expect(() => lovaszSoftmaxLoss({ classes: 'some' as 'all' })).toThrow(/^lovaszSoftmaxLoss: option 'classes' must be 'present', 'all' or .*got 'some'/);
    expect(() => lovaszSoftmaxLoss({ classes: [1.5] })).toThrow(/^lovaszSoftmaxLoss: option 'classes' must be a non-empty array of integer/);
    expect(() => lovaszSoftmaxLoss({ clases: 'all' } as never)).toThrow(/^lovaszSoftmaxLoss: unknown option 'clases' \(did you mean 'classes'\?\)/);
    expect(() => lovaszSoftmaxLoss({ fromLogits: 'yes' as never })).toThrow(/^lovaszSoftmaxLoss: option 'fromLogits' must be true or false/);
    const [labels, one, three] = [tf.zeros([1, 4, 4], 'int32'), tf.zeros([1, 4, 4, 1]), tf.zeros([1, 4, 4, 3])];
    expect(() => lovaszSoftmaxLoss()(labels, one)).toThrow(/^lovaszSoftmaxLoss: yPred must have C >= 2 .*lovaszHingeLoss.*got C = 1/);
    expect(() => lovaszSoftmaxLoss({ classes: [0, 3] })(labels, three)).toThrow(/^lovaszSoftmaxLoss: option 'classes' must hold class ids in \[0, 3\), got 3/);
  });
});
