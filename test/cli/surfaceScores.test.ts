import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { surfaceScores, type LabelPair } from '../../src/cli/pipeline/surfaceScores.js';
import { IGNORED, type Tf } from '../../src/cli/pipeline/types.js';

const T = tf as unknown as Tf;

/** A `w`×`h` map holding `value` inside the rectangle [x0, x1) × [y0, y1) and 0 elsewhere. */
function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number, value = 1): Int32Array {
  const out = new Int32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * w + x] = value;
  return out;
}

describe('surfaceScores()', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives HD95 0 and NSD 1 for a perfect prediction, and leaves no tensor behind', () => {
    const truth = rect(9, 7, 2, 1, 6, 5);
    const before = tf.memory().numTensors;
    const s = surfaceScores(T, [{ width: 9, height: 7, truth, prediction: truth }], 'binary', 2, 1);
    expect(s).toEqual({ hd95: 0, hd95Infinite: 0, nsd: 1, nsdTolerance: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('measures a prediction shifted by 2 px: HD95 = 2, NSD at τ = 1 below 1 and at τ = 2 equal to 1', () => {
    // The predicted 6×6 square is the true one moved 2 px right. Each way, the boundary pixels
    // lie 0 (on the shared top and bottom rows), 1 or 2 px from the other boundary, and the 6 px
    // edge that moved lies exactly 2 px away, so the 95th percentile is 2; at τ = 1 the 2 px
    // pixels miss (NSD < 1), at τ = 2 every pixel is within tolerance (NSD = 1).
    const truth = rect(16, 12, 2, 2, 8, 8);
    const prediction = rect(16, 12, 4, 2, 10, 8);
    const pair: LabelPair = { width: 16, height: 12, truth, prediction };
    const tight = surfaceScores(T, [pair], 'binary', 2, 1);
    const loose = surfaceScores(T, [pair], 'binary', 2, 2);
    expect(tight.hd95).toBeCloseTo(2, 5);
    expect(tight.nsd).toBeGreaterThan(0);
    expect(tight.nsd).toBeLessThan(1);
    expect(loose.nsd).toBe(1);
  });

  it('counts an empty prediction as an infinite HD95 instead of averaging it in; NSD 0 for it', () => {
    const truth = rect(8, 8, 1, 1, 5, 5);
    const good = { width: 8, height: 8, truth, prediction: truth };
    const empty = { width: 8, height: 8, truth, prediction: new Int32Array(64) };
    const s = surfaceScores(T, [good, empty], 'binary', 2, 1);
    expect(s.hd95).toBe(0);
    expect(s.hd95Infinite).toBe(1);
    expect(s.nsd).toBe(0.5); // (1 + 0) / 2 images
  });

  it('removes ignored pixels from both masks: a wrong prediction under IGNORED does not count', () => {
    const truth = rect(8, 8, 1, 1, 5, 5);
    const withIgnored = truth.slice();
    for (let x = 0; x < 8; x++) withIgnored[7 * 8 + x] = IGNORED; // the last row is ignored
    const prediction = truth.slice();
    for (let x = 0; x < 8; x++) prediction[7 * 8 + x] = 1; // and predicted foreground there
    const s = surfaceScores(T, [{ width: 8, height: 8, truth: withIgnored, prediction }], 'binary', 2, 1);
    expect(s).toMatchObject({ hd95: 0, nsd: 1 });
  });

  it('scores every class but 0 in multiclass mode, averaging over images and classes', () => {
    // Class 1 exact (HD95 0). Class 2's 3×3 square is predicted 3 px to the right: each way, the
    // 8 boundary pixels lie at distances [1, 1, 1, 2, 2, 3, 3, 3] from the other boundary, whose
    // 95th percentile (index 0.95·7 = 6.65, between two 3s) is 3; the mean over classes is 1.5.
    const truth = rect(12, 6, 1, 1, 4, 4, 1);
    const class2 = rect(12, 6, 5, 1, 8, 4, 2);
    const shifted = rect(12, 6, 8, 1, 11, 4, 2);
    const t = truth.map((v, i) => v || class2[i]);
    const p = truth.map((v, i) => v || shifted[i]);
    const s = surfaceScores(T, [{ width: 12, height: 6, truth: t, prediction: p }], 'multiclass', 3, 1);
    expect(s.hd95).toBeCloseTo(1.5, 5);
    expect(s.hd95Infinite).toBe(0);
  });
});
