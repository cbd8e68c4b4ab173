import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasFloat16Storage } from '../../src/core/backend.js';
import { backendEps, probEps, PROB_EPS, ratio } from '../../src/core/stable.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';

describe.each(BACKENDS)('ratio() and the backend eps on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('ratio(a, b) has the value and both gradients of tf.div, and leaves only its result', () => {
    const a = tf.tensor1d([3, -2, 0.5, 1e3]);
    const b = tf.tensor1d([7, 0.25, 300, 6e4]);
    const w = tf.tensor1d([1, -2, 3, 0.5]); // dL/dq, so that each gradient entry is distinct
    const run = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => [f(a, b), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), w)))([a, b])].map((t) => Array.from(t.dataSync())));
    const [q, ga, gb] = run(ratio);
    const [wq, wa, wb] = run(tf.div);
    expectClose(q, wq, { rtol: 1e-6, atol: 0 }, 'value');
    expectClose(ga, wa, { rtol: 1e-6, atol: 0 }, 'd/da');
    expectClose(gb, wb, { rtol: 1e-5, atol: 1e-12 }, 'd/db');
    const before = tf.memory().numTensors;
    const r = ratio(a, b);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([r, a, b, w]);
  });

  it('stores float32, so an explicit eps and the 1e-7 probability clamp are kept as given', () => {
    expect(hasFloat16Storage()).toBe(false);
    expect(backendEps(1e-7)).toBe(1e-7);
    expect(backendEps(1e-12)).toBe(1e-12);
    expect(probEps()).toBe(PROB_EPS);
  });
});
