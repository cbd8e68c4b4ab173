/**
 * node/predictions.ts writes held-out predictions as 8-bit PNGs at the mask's size: 0/255 in
 * binary mode, class indices in multiclass mode, under `<folder>/<loss label>/<stem>.png`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/cli/node/images.js';
import { predictionImage, writePrediction } from '../../src/cli/node/predictions.js';
import { tempDir } from './imageFiles.js';

const { dir, remove } = tempDir();
afterAll(remove);

describe('writePrediction()', () => {
  it('writePrediction() writes a binary prediction as 0/255 at the mask size', async () => {
    const labels = Int32Array.from({ length: 7 * 3 }, (_, i) => i % 2);
    const file = await writePrediction(`${dir}/predictions`, 'bceDiceLoss', 'em_24', { width: 7, height: 3, labels, mode: 'binary' });
    expect(file).toBe(`${dir}/predictions/bceDiceLoss/em_24.png`);
    const back = await readImage(file);
    expect(back).toMatchObject({ width: 7, height: 3, channels: 1, bitDepth: 8 });
    expect(Array.from(back.data)).toEqual(Array.from(labels, (v) => v * 255));
  });

  it('writePrediction() writes multiclass class indices as they are, and makes loss labels safe as folder names', async () => {
    const labels = Int32Array.from([0, 3, 10, 7]);
    const file = await writePrediction(`${dir}/predictions`, 'dice+0.5*ce / v2', 'a', { width: 2, height: 2, labels, mode: 'multiclass' });
    expect(file).toBe(`${dir}/predictions/dice+0.5_ce_v2/a.png`);
    expect(Array.from((await readImage(file)).data)).toEqual([0, 3, 10, 7]);
  });

  it('predictionImage() rejects labels that do not fit the mode or the size', () => {
    expect(() => predictionImage({ width: 2, height: 1, labels: Int32Array.from([0, 2]), mode: 'binary' })).toThrow(/^predictionImage: binary labels must be 0 or 1, got 2 at pixel 1\./);
    expect(() => predictionImage({ width: 1, height: 1, labels: Int32Array.from([256]), mode: 'multiclass' })).toThrow(/in 0\.\.255 \(8-bit PNG\), got 256/);
    expect(() => predictionImage({ width: 2, height: 2, labels: new Int32Array(3), mode: 'binary' })).toThrow(/must number width·height = 4, got 3/);
  });
});
