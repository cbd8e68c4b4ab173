/** What a training run records about itself (the report's settings) and the model shape it needs. */
import { describeResolution } from '../pipeline/resolution.js';
import { foregroundFraction } from '../pipeline/score.js';
import type { TrainSettings } from '../pipeline/trainRun.js';
import type { SampleInfo } from '../pipeline/sampleStore.js';
import type { Tf } from '../pipeline/types.js';
import type { RunSettings } from '../report/data.js';
import type { LoadedData } from './loadData.js';

/** Overlap of neighbouring sliding windows at inference (pipeline/infer.ts's default). */
export const OVERLAP = 0.5;

/** The version of the tfjs in use. */
export function tfVersion(tf: Tf): string {
  return (tf.version as Record<string, string>)['tfjs'] ?? (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown';
}

/** The U-Net's input channels, and its output channels (1 sigmoid or K softmax). */
export function shapeOf(d: LoadedData) {
  return { inChannels: d.train.channels, outChannels: d.label.mode === 'binary' ? 1 : d.train.classes };
}

/** `512×512`, or the smallest and largest sizes (by area) when the images differ. */
export function imageSizes(samples: readonly SampleInfo[]): string {
  const sizes = [...new Set(samples.map((s) => `${s.width}×${s.height}`))];
  if (sizes.length === 1) return sizes[0];
  const area = (t: string) => t.split('×').map(Number).reduce((a, b) => a * b, 1);
  sizes.sort((a, b) => area(a) - area(b));
  return `${sizes.length} sizes, ${sizes[0]} … ${sizes[sizes.length - 1]}`;
}

/** How held-out images are predicted and scored, in words. */
export function inferenceText(patch: number): string {
  return `sliding window ${patch}×${patch}, overlap ${OVERLAP}, Gaussian blend; predictions resampled to each mask's size and scored there`;
}

export function runSettings(d: LoadedData, t: TrainSettings, steps: number, backend: string, tf: Tf): RunSettings {
  return {
    ...d.summary,
    trainImages: d.train.infos.length,
    valImages: d.val.infos.length,
    imageSizes: imageSizes([...d.train.infos, ...d.val.infos]),
    resolution: describeResolution(d.resolution),
    patch: d.patch,
    augment: d.augment,
    inference: inferenceText(d.patch),
    channels: d.train.channels,
    mode: d.label.mode,
    classes: d.train.classes,
    ...(d.classNames ? { classNames: d.classNames } : {}),
    ...(d.label.mode === 'binary' ? { foreground: d.label.foreground ?? '1 or 255' } : {}),
    ignoreIndex: d.label.ignoreIndex ?? null,
    trainForegroundFraction: Number(foregroundFraction(d.counts.train).toFixed(4)),
    valForegroundFraction: Number(foregroundFraction(d.counts.val).toFixed(4)),
    model: `U-Net, width ${t.width}, depth ${t.depth}`,
    epochs: t.epochs,
    steps,
    batchSize: t.batchSize,
    optimizer: 'adam',
    lr: t.lr,
    seed: t.seed,
    threshold: 0.5,
    backend,
    tfjs: tfVersion(tf),
  };
}
