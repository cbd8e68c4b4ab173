/**
 * pipeline/infer.ts: sliding-window inference equals whole-image inference for pointwise models,
 * its blending weights sum to one at every pixel, tiles are blended as derived by hand, and
 * predictions come back at the ground truth's size. Runs on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { blendWeights, labelsFromLogits, slidingWindow, wholeImageLogits, windowStarts, type FloatImage } from '../../src/cli/pipeline/infer.js';
import { expectClose } from '../helpers/expectClose.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A w×h×C image with pseudo-random values (a fixed formula, no PRNG needed). */
function image(w: number, h: number, C = 1): FloatImage {
  return { width: w, height: h, channels: C, image: Float32Array.from({ length: w * h * C }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5) };
}

/** A pointwise "model": two logits per pixel, 3·x − 1 and 1 − x (x = the first channel). */
const pointwise = (x: tf.Tensor4D) => {
  const first = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]);
  return tf.concat([tf.sub(tf.mul(first, 3), 1), tf.sub(1, first)], 3);
};

describe('slidingWindow()', () => {
  it.each(['gaussian', 'uniform'] as const)('slidingWindow() with a pointwise model equals the whole-image prediction (%s blending)', (blend) => {
    const input = image(23, 17, 2);
    const { logits, classes } = slidingWindow(tf, pointwise, input, { window: 8, overlap: 0.5, blend });
    const whole = tf.tidy(() => pointwise(tf.tensor4d(input.image, [1, 17, 23, 2])).dataSync());
    expect(classes).toBe(2);
    expectClose(logits, whole);
  });

  it('slidingWindow() blending weights sum to one: a constant model gives its constant everywhere', () => {
    for (const [w, h] of [[30, 21], [5, 3]]) {
      const constant = (x: tf.Tensor4D) => tf.fill([x.shape[0], x.shape[1], x.shape[2], 1], 0.75);
      const { logits } = slidingWindow(tf, constant, image(w, h), { window: 8, overlap: 0.6 });
      expectClose(logits, new Float32Array(w * h).fill(0.75));
    }
  });

  it('slidingWindow() averages overlapping tiles by their weights (uniform: the plain mean)', () => {
    // width 12, window 8, overlap 0.5 → tiles start at 0 and 4; the model outputs each pixel's
    // x inside its tile. x = 2: tile 0 only → 2; x = 5: tiles give 5 and 1 → mean 3; x = 10: tile 4 only → 6.
    const localX = (x: tf.Tensor4D) => tf.tile(tf.reshape(tf.range(0, 8), [1, 1, 8, 1]), [x.shape[0], x.shape[1], 1, 1]);
    const { logits } = slidingWindow(tf, localX, image(12, 8), { window: 8, overlap: 0.5, blend: 'uniform' });
    expect([logits[2], logits[5], logits[10]]).toEqual([2, 3, 6]);
  });

  it('slidingWindow() leaves no tensor behind, also when the model throws', () => {
    const before = tf.memory().numTensors;
    slidingWindow(tf, pointwise, image(20, 20), { window: 8 });
    expect(tf.memory().numTensors).toBe(before);
    const wrong = (x: tf.Tensor4D) => tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 1]);
    // 20×20 in windows of 8 at overlap 0.5: 3 × 3 tiles, the first 8 in one call
    expect(() => slidingWindow(tf, wrong, image(20, 20), { window: 8 })).toThrow(/^slidingWindow: predict must return \[8, 8, 8, K\] logits, got \[1, 4, 4, 1\]\./);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('slidingWindow() gives the same logits whatever the number of tiles per call', () => {
    const input = image(23, 17, 2);
    const one = slidingWindow(tf, pointwise, input, { window: 8, batch: 1 }).logits;
    for (const batch of [3, 100]) expect(slidingWindow(tf, pointwise, input, { window: 8, batch }).logits).toEqual(one);
    expect(() => slidingWindow(tf, pointwise, input, { window: 8, batch: 0 })).toThrow('slidingWindow: options.batch must be a positive integer, got 0.');
  });

  it('slidingWindow() rejects bad options', () => {
    expect(() => slidingWindow(tf, pointwise, image(4, 4), { window: 0 })).toThrow(/^slidingWindow: options\.window must be a positive integer, got 0\./);
    expect(() => slidingWindow(tf, pointwise, image(4, 4), { window: 4, overlap: 1 })).toThrow(/options\.overlap must be in \[0, 1\), got 1\./);
  });
});

describe('windows and weights', () => {
  it('windowStarts() spreads tiles evenly from 0 to the last position, at most window·(1 − overlap) apart', () => {
    expect(windowStarts(512, 256, 0.5)).toEqual([0, 128, 256]);
    // 300 − 128 = 172 to cover in steps ≤ 64 → ceil(172/64) + 1 = 4 tiles at round(i·172/3)
    expect(windowStarts(300, 128, 0.5)).toEqual([0, 57, 115, 172]);
    expect(windowStarts(100, 256, 0.5)).toEqual([0]);
    expect(windowStarts(10, 4, 0)).toEqual([0, 3, 6]);
  });

  it('blendWeights() is a Gaussian of σ = window/8 around the centre, 1 there', () => {
    const w = blendWeights(9);
    // window 9: centre (4, 4), σ = 9/8; pixel (0, 4) is d = 4 away → exp(−d²/(2σ²)) = exp(−(32/9)²/2)
    expect(w[4 * 9 + 4]).toBeCloseTo(1, 6);
    expect(w[4 * 9]).toBeCloseTo(Math.exp(-((32 / 9) ** 2) / 2), 6);
    expect(Array.from(blendWeights(3, 'uniform'))).toEqual(new Array(9).fill(1));
  });
});

describe('predictions at the ground truth size', () => {
  it('labelsFromLogits() thresholds one logit at 0 and takes the arg-max of several', () => {
    expect(Array.from(labelsFromLogits(Float32Array.from([-1, 0, 0.1]), 1))).toEqual([0, 0, 1]);
    expect(Array.from(labelsFromLogits(Float32Array.from([0, 2, 1, 5, 4, 3]), 3))).toEqual([1, 0]);
  });

  it('wholeImageLogits() brings a half-resolution prediction back to the mask size', () => {
    // the mask is 16×8 with its right half foreground; the model sees the image at 8×4 and
    // outputs logit x − 0.5, where the image is 1 on the right half and 0 on the left
    const half: FloatImage = { width: 8, height: 4, channels: 1, image: Float32Array.from({ length: 32 }, (_, i) => (i % 8 >= 4 ? 1 : 0)) };
    const { logits, classes } = wholeImageLogits(tf, (x) => tf.sub(x, 0.5), half, { width: 16, height: 8 }, { window: 4 });
    expect(classes).toBe(1);
    const labels = labelsFromLogits(logits, classes);
    expect(labels.length).toBe(128);
    const want = Array.from({ length: 128 }, (_, i) => (i % 16 >= 8 ? 1 : 0));
    expect(Array.from(labels)).toEqual(want);
  });
});
