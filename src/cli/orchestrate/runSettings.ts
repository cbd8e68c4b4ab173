/** What a training run records about itself (the report's settings) and the model shape it needs. */
import { foregroundFraction } from '../pipeline/score.js';
import type { TrainSettings } from '../pipeline/trainRun.js';
import type { Tf } from '../pipeline/types.js';
import type { RunSettings } from '../report/data.js';
import type { LoadedData } from './loadData.js';

/** The version of the tfjs in use. */
export function tfVersion(tf: Tf): string {
  return (tf.version as Record<string, string>)['tfjs'] ?? (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown';
}

/** The U-Net's input size and channels, and its output channels (1 sigmoid or K softmax). */
export function shapeOf(d: LoadedData) {
  return { size: d.size, inChannels: d.train.channels, outChannels: d.label.mode === 'binary' ? 1 : d.train.classes };
}

export function runSettings(d: LoadedData, t: TrainSettings, backend: string, tf: Tf): RunSettings {
  return {
    ...d.summary,
    trainImages: d.train.samples.length,
    valImages: d.val.samples.length,
    size: d.size,
    channels: d.train.channels,
    mode: d.label.mode,
    classes: d.train.classes,
    ...(d.label.mode === 'binary' ? { foreground: d.label.foreground ?? '1 or 255' } : {}),
    ignoreIndex: d.label.ignoreIndex ?? null,
    trainForegroundFraction: Number(foregroundFraction(d.train).toFixed(4)),
    valForegroundFraction: Number(foregroundFraction(d.val).toFixed(4)),
    model: `U-Net, width ${t.width}, depth ${t.depth}`,
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: 'adam',
    lr: t.lr,
    seed: t.seed,
    threshold: 0.5,
    backend,
    tfjs: tfVersion(tf),
  };
}
