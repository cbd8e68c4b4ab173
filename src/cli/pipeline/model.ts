/**
 * The small U-Net every loss is trained with: `depth` levels of two 3×3 conv + ReLU
 * (`width`·2^level filters), 2×2 max-pooling down, 2×2 stride-2 transposed conv (+ ReLU) up, skip
 * concatenations, and a 1×1 conv to `outChannels` logits. Fully convolutional: the input is
 * `[null, null, inChannels]`, so it trains on patches and predicts tiles or whole images of any
 * size divisible by 2^depth. Seeded initialisers give every loss the same initial weights.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './types.js';

export interface UNetConfig {
  inChannels: number;
  outChannels: number;
  width: number;
  depth: number;
  seed: number;
}

export function buildUNet(tf: Tf, config: UNetConfig): TF.LayersModel {
  const { inChannels, outChannels, width, depth, seed } = config;
  let layerSeed = seed * 1000;
  const conv = (filters: number, kernel: number, name: string, activation: 'relu' | 'linear' = 'relu') =>
    tf.layers.conv2d({
      filters,
      kernelSize: kernel,
      padding: 'same',
      activation,
      name,
      kernelInitializer: tf.initializers.heNormal({ seed: ++layerSeed }),
      biasInitializer: 'zeros',
    });
  const input = tf.input({ shape: [null, null, inChannels], name: 'image' });
  let x = input as TF.SymbolicTensor;
  const skips: TF.SymbolicTensor[] = [];
  for (let level = 0; level < depth; level++) {
    const f = width * 2 ** level;
    x = conv(f, 3, `down${level}_a`).apply(x) as TF.SymbolicTensor;
    x = conv(f, 3, `down${level}_b`).apply(x) as TF.SymbolicTensor;
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${level}` }).apply(x) as TF.SymbolicTensor;
  }
  const fb = width * 2 ** depth;
  x = conv(fb, 3, 'bottom_a').apply(x) as TF.SymbolicTensor;
  x = conv(fb, 3, 'bottom_b').apply(x) as TF.SymbolicTensor;
  for (let level = depth - 1; level >= 0; level--) {
    const f = width * 2 ** level;
    x = tf.layers
      .conv2dTranspose({
        filters: f,
        kernelSize: 2,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        name: `up${level}`,
        kernelInitializer: tf.initializers.heNormal({ seed: ++layerSeed }),
      })
      .apply(x) as TF.SymbolicTensor;
    x = tf.layers.concatenate({ name: `skip${level}` }).apply([x, skips[level]]) as TF.SymbolicTensor;
    x = conv(f, 3, `up${level}_a`).apply(x) as TF.SymbolicTensor;
    x = conv(f, 3, `up${level}_b`).apply(x) as TF.SymbolicTensor;
  }
  const logits = conv(outChannels, 1, 'logits', 'linear').apply(x) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'segloss_unet' });
}
