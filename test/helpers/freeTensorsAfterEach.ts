import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Runs each test of the enclosing `describe` in a tfjs scope: the tensors a test creates are
 * freed after it, whether it passed or failed, so a test needs no `tf.dispose` on its last
 * line and a failed assertion cannot make later `numTensors` checks fail too. After the scope
 * ends the count must equal the count before the test, which catches a tensor kept with
 * `tf.keep` (or created outside any scope by the code under test).
 */
export function freeTensorsAfterEach(): void {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
    tf.engine().startScope('test');
  });
  afterEach(() => {
    tf.engine().endScope();
    expect(tf.memory().numTensors, 'tensors left after the test').toBe(before);
  });
}
