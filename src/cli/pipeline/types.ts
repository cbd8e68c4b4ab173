/**
 * The plain data the CLI's pipeline passes between stages: decoded images, label options,
 * samples at their own resolution, datasets, scores, per-epoch records. Portable (typed arrays
 * only), so any stage can run in a worker or a browser. Each type is defined here once.
 */
import type * as TF from '@tensorflow/tfjs';

/** The tfjs module the pipeline is given (it never imports one itself). */
export type Tf = typeof TF;

/**
 * The label of a pixel that takes no part in the loss or the scores: masks' own ignore value
 * (`--ignore-index V`) becomes this label when masks are read, and so does the padding around
 * images smaller than a patch. Losses and metrics get `ignoreIndex: IGNORED`.
 */
export const IGNORED = -1;

/** A task the CLI trains: one sigmoid channel (binary) or K softmax classes (multiclass). */
export type TaskMode = 'binary' | 'multiclass';

/** Bits per sample: 1, 2, 4 or 8 (`Uint8Array` data, one sample a byte) or 16 (`Uint16Array` data). */
export type BitDepth = 1 | 2 | 4 | 8 | 16;

/** An RGB colour, each component in 0..255. */
export type Colour = readonly [number, number, number];

/** A palette image's colour table and the palette index of each pixel (row-major). */
export interface PaletteData {
  colours: readonly Colour[];
  indices: Uint8Array;
}

/**
 * A decoded image: integer samples at the file's own bit depth, row-major, channels
 * interleaved, plus the palette and per-pixel indices of palette (indexed colour) files. Made by
 * `node/images.ts` (or, later, a browser reader); the report makes 8-bit ones to encode.
 */
export interface RawImage {
  width: number;
  height: number;
  /** 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 2 | 3 | 4;
  bitDepth: BitDepth;
  /** `width·height·channels` samples in 0..2^bitDepth − 1, as stored. A palette file's data are its colours, expanded (8-bit). */
  data: Uint8Array | Uint16Array;
  /** Present only for palette files: their colour table and each pixel's index in it. */
  palette?: PaletteData;
}

/** How mask values become labels. */
export interface LabelOptions {
  /** `'binary'`: background 0 / foreground 1; `'multiclass'`: labels 0..K−1. */
  mode: TaskMode;
  /** Multiclass: K, the number of classes. @defaultValue the palette's length, else largest value + 1 */
  classes?: number;
  /** Binary: the mask value that is foreground. @defaultValue any of 1, 255, 65535 (0 is background) */
  foreground?: number;
  /** The mask value (class index, with a palette) read as {@link IGNORED}. @defaultValue none */
  ignoreIndex?: number;
  /** RGB colours in class order: colour masks are read through it. @defaultValue none (gray or palette-index masks) */
  palette?: readonly Colour[];
}

/**
 * One image at its own size (floats in [0, 1], `height × width × channels` interleaved) and its
 * label map (`width·height` int32: class ids, {@link IGNORED} where ignored).
 */
export interface Sample {
  name: string;
  width: number;
  height: number;
  channels: number;
  image: Float32Array;
  labels: Int32Array;
}

/** Samples that share channels and classes. */
export interface Dataset {
  samples: Sample[];
  /** Colour channels of every image: 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Number of label classes: 2 in binary mode (background, foreground), K in multiclass mode. */
  classes: number;
}

/**
 * The resolution the model works at: `native` (the files' pixels, or `scale` of them with the
 * aspect kept; training on random patches) or `size` (every image resized to N×N, trained whole).
 */
export type Resolution = { kind: 'native'; scale: number } | { kind: 'size'; size: number };

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
  /** Loss on the held-out images (whole images, at the model's resolution). */
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
  /** A permanent line (silent when quiet). */
  log(text: string): void;
  /** A warning: shown even when quiet. */
  warn(text: string): void;
  /** The run `label` ended: its live line goes (several runs may be live at once). Optional. */
  runDone?(label: string): void;
  /** The overall state (runs done, ETA of the whole command), drawn under the live lines. Optional. */
  overall?(text: string): void;
}

export interface ProgressState {
  label: string;
  epoch: number;
  /** Epochs of the run; 0 when a time budget decides (`--budget`). */
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Seconds left for this loss, or undefined before the first batch. */
  eta?: number;
  /** The fraction of the run done, in [0, 1] (steps done, or the budget spent). */
  fraction?: number;
}

/** Held-out boundary scores (see pipeline/surfaceScores.ts). */
export interface SurfaceScores {
  /** Mean of the finite per-image (per-class) HD95 values, in pixels; NaN when none is finite. */
  hd95: number;
  /** Entries whose HD95 is Infinity (exactly one of truth and prediction empty). */
  hd95Infinite: number;
  /** Mean normalized surface Dice at `tolerance` pixels. */
  nsd: number;
  /** The NSD tolerance τ used, in pixels. */
  nsdTolerance: number;
}
