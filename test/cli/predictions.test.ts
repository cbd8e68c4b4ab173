/**
 * report/predictions.ts: held-out predictions as 8-bit gray PNGs at the mask's size, 0/255 in
 * binary mode, class indices in multiclass mode, under `predictions/<loss label>/<stem>.png`;
 * encoded by node/images.ts and decoded back to check the values.
 */
import { describe, expect, it } from 'vitest';
import { decodeImage, loadPngEncoder } from '../../src/cli/node/images.js';
import { predictionImage, predictionPath } from '../../src/cli/report/predictions.js';

describe('predictions as PNG files', () => {
  it('a binary prediction is stored as 0/255 at the mask size', async () => {
    const labels = Int32Array.from({ length: 7 * 3 }, (_, i) => i % 2);
    const png = (await loadPngEncoder())(predictionImage({ width: 7, height: 3, labels, mode: 'binary' }));
    const back = await decodeImage(png, 'em_24.png');
    expect(back).toMatchObject({ width: 7, height: 3, channels: 1, bitDepth: 8 });
    expect(Array.from(back.data)).toEqual(Array.from(labels, (v) => v * 255));
  });

  it('multiclass class indices are stored as they are', async () => {
    const png = (await loadPngEncoder())(predictionImage({ width: 2, height: 2, labels: Int32Array.from([0, 3, 10, 7]), mode: 'multiclass' }));
    expect(Array.from((await decodeImage(png, 'a.png')).data)).toEqual([0, 3, 10, 7]);
  });

  it('predictionPath() makes loss labels and stems safe as file names', () => {
    expect(predictionPath('bceDiceLoss', 'em_24')).toBe('predictions/bceDiceLoss/em_24.png');
    expect(predictionPath('dice+0.5*ce / v2', '../a')).toBe('predictions/dice+0.5_ce_v2/__a.png');
  });

  it('predictionImage() rejects labels that do not fit the mode or the size', () => {
    expect(() => predictionImage({ width: 2, height: 1, labels: Int32Array.from([0, 2]), mode: 'binary' })).toThrow(/^predictionImage: binary labels must be 0 or 1, got 2 at pixel 1\./);
    expect(() => predictionImage({ width: 1, height: 1, labels: Int32Array.from([256]), mode: 'multiclass' })).toThrow(/in 0\.\.255 \(8-bit PNG\), got 256/);
    expect(() => predictionImage({ width: 2, height: 2, labels: new Int32Array(3), mode: 'binary' })).toThrow(/must number width·height = 4, got 3/);
  });
});
