/**
 * The plain data the CLI's pipeline passes between stages: images, label maps, datasets,
 * scores, per-epoch records. Portable (typed arrays only), so any stage can run in a worker or
 * a browser.
 */
import type * as TF from '@tensorflow/tfjs';

/** The tfjs module the pipeline is given (it never imports one itself). */
export type Tf = typeof TF;

/**
 * The label of a pixel that takes no part in the loss or the scores. Masks' own ignore value
 * (`--ignore-index V`) becomes this label when masks are read; losses and metrics get
 * `ignoreIndex: IGNORED`.
 */
export const IGNORED = -1;

/** A task the CLI trains: one sigmoid channel (binary) or K softmax classes (multiclass). */
export type TaskMode = 'binary' | 'multiclass';

/** A decoded image: 8-bit samples, row-major, `channels` interleaved samples per pixel. */
export interface RawImage {
  width: number;
  height: number;
  /** 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

/** One image (`size²·channels` floats in [0, 1]) and its label map (`size²` int32, {@link IGNORED} = ignored). */
export interface Sample {
  name: string;
  image: Float32Array;
  mask: Int32Array;
}

/** How mask values become labels. */
export interface LabelOptions {
  mode: TaskMode;
  /** Multiclass: the number of classes K (labels 0..K-1); undefined = infer from the masks. */
  classes?: number;
  /** Binary: the mask value that is foreground; undefined = 0 is background, 1 or 255 foreground. */
  foreground?: number;
  /** Mask value that is ignored (label {@link IGNORED}). */
  ignoreIndex?: number;
}

export interface Dataset {
  samples: Sample[];
  size: number;
  channels: 1 | 3;
  /** Number of label classes: 2 in binary mode (background, foreground), K in multiclass mode. */
  classes: number;
}

/** Held-out scores: binary mode scores the foreground, multiclass the mean over classes. */
export interface Scores {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Loss on the held-out images. */
  valLoss: number;
  valDice: number;
  valIou: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  seconds: number;
}

/** Where training reports progress (a terminal line, log lines, or nothing). */
export interface ProgressSink {
  /** The state within an epoch; may be drawn live. */
  update(state: ProgressState): void;
  /** One finished epoch of `epochs` of the run `label`. */
  epochDone(label: string, epochs: number, record: EpochRecord): void;
  /** A permanent line. */
  log(text: string): void;
}

export interface ProgressState {
  label: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Seconds left for this loss, or undefined before the first batch. */
  eta?: number;
}
