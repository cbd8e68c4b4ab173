/**
 * Every core loss trains a tfjs-layers model through model.compile / model.fit: on a tiny
 * synthetic task (the mask is where a smoothed noisy image is bright), the training loss goes down
 * and the Dice of the thresholded predictions goes up.
 */
import * as tfl from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bceDiceLoss,
  bceLoss,
  comboLoss,
  crossEntropyLoss,
  diceLoss,
  focalLoss,
  focalTverskyLoss,
  jaccardLoss,
  tverskyLoss,
  type LossFn,
} from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { rng } from './helpers/random.js';

const N = 16;
const S = 8;

/** Images of uniform noise; the target is where the pixel is > 0.75 (about a quarter of them). */
function dataset(seed: number): { x: tfl.Tensor4D; y: tfl.Tensor4D } {
  const r = rng(seed);
  const pixels = Float32Array.from({ length: N * S * S }, () => r());
  const mask = pixels.map((v) => (v > 0.75 ? 1 : 0));
  return { x: tfl.tensor4d(pixels, [N, S, S, 1]), y: tfl.tensor4d(mask, [N, S, S, 1]) };
}

function model(outChannels: number): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [S, S, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  // The output bias starts at −2 (a foreground prior of about 12%), the usual initialisation for
  // imbalanced segmentation (Lin et al. 2017); without it Dice-type losses first push every pixel
  // positive and then crawl out of the saturated sigmoid.
  m.add(tfl.layers.conv2d({ filters: outChannels, kernelSize: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }), biasInitializer: tfl.initializers.constant({ value: outChannels === 1 ? -2 : 0 }) }));
  return m;
}

/** Dice of the thresholded prediction against the binary mask (foreground class). */
function hardDice(m: tfl.LayersModel, x: tfl.Tensor, y: tfl.Tensor, multiclass: boolean): number {
  return tfl.tidy(() => {
    const out = m.predict(x) as tfl.Tensor;
    const pred = multiclass ? tfl.argMax(out, -1).expandDims(-1).toFloat() : tfl.cast(tfl.greater(out, 0), 'float32');
    const inter = tfl.sum(tfl.mul(pred, y)).dataSync()[0];
    const total = tfl.sum(pred).dataSync()[0] + tfl.sum(y).dataSync()[0];
    return (2 * inter) / Math.max(total, 1);
  });
}

const BINARY: [string, LossFn][] = [
  ['diceLoss', diceLoss()],
  ['jaccardLoss', jaccardLoss()],
  ['tverskyLoss', tverskyLoss()],
  ['focalTverskyLoss', focalTverskyLoss()],
  ['focalLoss', focalLoss()],
  ['bceLoss', bceLoss()],
  ['bceDiceLoss', bceDiceLoss()],
  ['comboLoss', comboLoss()],
];
const MULTICLASS: [string, LossFn][] = [
  ['crossEntropyLoss', crossEntropyLoss()],
  ['diceLoss', diceLoss({ mode: 'multiclass' })],
];

describe('model.compile({ loss }) with every core loss (cpu backend)', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([...BINARY.map(([n, l]) => [n, l, false] as const), ...MULTICLASS.map(([n, l]) => [`${n} (multiclass)`, l, true] as const)])(
    '%s trains: the loss goes down and the Dice of the predictions goes up',
    async (_name, loss, multiclass) => {
      const { x, y } = dataset(7);
      // tfjs-layers wants the target's shape to equal the output's: one-hot targets for multiclass.
      const target = multiclass ? tfl.concat([tfl.sub(1, y), y], -1) : y;
      const m = model(multiclass ? 2 : 1);
      m.compile({ optimizer: tfl.train.adam(0.01), loss });
      const diceBefore = hardDice(m, x, y, multiclass);
      const history = await m.fit(x, target, { epochs: 100, batchSize: 4, shuffle: false, verbose: 0 });
      const losses = history.history.loss as number[];
      const diceAfter = hardDice(m, x, y, multiclass);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      expect(diceAfter).toBeGreaterThan(diceBefore + 0.1);
      expect(diceAfter).toBeGreaterThan(0.6);
      tfl.dispose([x, y, target]);
      m.dispose();
    },
  );
});
