/**
 * The environment the CLI's orchestration runs in: files, images, saved models, progress,
 * tfjs and the clock. `node/env.ts` implements it for Node; nothing above `node/` touches Node
 * itself, so a browser environment (File, ImageBitmap, IndexedDB, canvas) can replace it.
 */
import type { io } from '@tensorflow/tfjs';
import type { BackendChoice } from './options/flags.js';
import type { ModelCard } from './report/data.js';
import type { LazyPair } from './pipeline/buildDataset.js';
import type { Palette } from './pipeline/palette.js';
import type { ComparePlan } from './options/plan.js';
import type { RunRecord, RunTask } from './pipeline/runRecord.js';
import type { EpochRecord, ProgressSink, ProgressState, RawImage, Tf } from './pipeline/types.js';

/** Where the CLI writes: `out` for results and paths, `err` for progress and errors (a terminal or not). */
export interface Io {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

export interface EnvFiles {
  exists(path: string): boolean;
  join(...parts: string[]): string;
  /** The absolute form of `path` (as results and messages show it). */
  resolve(path: string): string;
  /**
   * Refuses (UsageError) an `out` that holds anything but an earlier output: a folder holding
   * `marker` (or one of the markers).
   */
  checkOutFolder(out: string, marker: string | readonly string[]): void;
  /** Writes `files` (names may hold `/`) into `out` atomically, replacing only an earlier output; returns its absolute path. */
  writeFolder(out: string, files: Record<string, string | Uint8Array>, marker: string | readonly string[]): string;
  /** Writes a text file whole or not at all (a temporary sibling renamed into place), creating its folder. */
  writeText(path: string, text: string): void;
  /** The text of a file, or undefined when there is none. */
  readText(path: string): string | undefined;
  /** Deletes a file or a folder with everything in it (nothing when absent). */
  remove(path: string): void;
}

export interface EnvImages {
  /**
   * Lists and pairs (by file stem, mask stem = image stem + `maskSuffix`) the images and masks of
   * a data folder (`images/` + `masks/`; PNG, JPEG, TIFF, WebP). Nothing is decoded here: each
   * pair's `read()` reads and decodes its two files when called (again at each call), so the
   * core can decode on demand (pipeline/sampleStore.ts).
   */
  listPairs(dir: string, options: { maskSuffix?: string }): Promise<LazyPair[]>;
  /** The palette a `--palette` value names: a file's text, else the value itself as a list. */
  readPalette(value: string): Palette;
  /** A PNG encoder for 8-bit gray, RGB or RGBA images (loaded on first use). */
  pngEncoder(): Promise<PngEncoder>;
}

/** Encodes 8-bit images (`bitDepth` 8; 1, 3 or 4 channels) as PNG bytes, or as a `data:image/png;base64,...` URI. */
export interface PngEncoder {
  png(image: RawImage): Uint8Array;
  dataUri(image: RawImage): string;
}

/** Saved models: tfjs IOHandlers for `model.json` + `weights.bin`, plus the `segloss.json` card. */
export interface EnvModels {
  /** Reads and checks the card of a saved model folder (every file present, valid JSON). */
  readCard(dir: string): ModelCard;
  /** A handler that saves a model with `card` into `out` (atomically). */
  saver(out: string, card: ModelCard): io.IOHandler;
  /** A handler that loads the model saved in `dir`. */
  loader(dir: string): io.IOHandler;
}

/** What a runner reports while compare's runs go on. */
export interface RunEvents {
  /** The live state of a running run (every running job is shown). */
  update(task: RunTask, state: ProgressState): void;
  /** One finished epoch of a run (`epochs` 0 under a time budget); optional. */
  epochDone?(task: RunTask, epochs: number, record: EpochRecord): void;
  /** A run ended: called once per task, in the order the runs end. */
  done(record: RunRecord): void;
}

/**
 * Runs the training runs of a compare: in this thread one after another (`jobs` 1), or in a pool
 * of `jobs` workers (Node worker_threads, browser Web Workers) that each load the plan's data
 * themselves and run the same portable code, so the records are identical whatever `jobs` is.
 */
export interface EnvRunner {
  /**
   * Resolves when every task ended; rejects with the first failure (the other runs are stopped),
   * a CliError naming the run. When `signal` is aborted, the runs are stopped and it rejects
   * with `RunStopped` (pipeline/trainRun.ts); the runs that ended were reported to `events.done`.
   */
  runAll(plan: ComparePlan, tasks: readonly RunTask[], jobs: number, events: RunEvents, signal?: AbortSignal): Promise<void>;
}

export interface Env {
  files: EnvFiles;
  images: EnvImages;
  models: EnvModels;
  /** Progress output for a training run (silent when `quiet`). */
  progress(quiet: boolean): ProgressSink;
  /** Imports tfjs and selects the backend. */
  loadTf(choice: BackendChoice): Promise<{ tf: Tf; backend: string }>;
  /** The current time (results' `createdAt`). */
  now(): Date;
  /**
   * Runs compare's runs in a pool of workers (used when `--jobs` > 1); without it, or with
   * `--jobs 1`, they run in this thread one after another (orchestrate/inlineRunner.ts).
   */
  runner?: EnvRunner;
  /** The number of cores: `--jobs`' default. @defaultValue 1 when absent */
  cores?(): number;
  /**
   * Calls `handler` when the user interrupts (Ctrl-C); returns a function that removes it.
   * A second interrupt ends the process at once.
   */
  onInterrupt?(handler: () => void): () => void;
}
