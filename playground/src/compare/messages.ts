/** The messages between the page and its compare workers (all structured-clonable). */
import type { RunRecord, RunTask } from '../../../src/cli/pipeline/runRecord';
import type { ProgressState } from '../../../src/cli/pipeline/types';
import type { BackendInfo } from './loadTf';

/** To a worker. */
export type ToWorker =
  /** Start tfjs (`backend` forced, or the fallback order) and report the backend. */
  | { type: 'backend'; backend?: string; threads: number }
  /** Read and check the data of the compare `argv` (the CLI's flags) from the picked files. */
  | { type: 'data'; argv: string[]; images: File[]; masks: File[] }
  | { type: 'run'; task: RunTask }
  /** Build results.json, results.csv and index.html from every record. */
  | { type: 'report'; records: RunRecord[]; command: string; extra: Record<string, unknown> };

/** What the data checks found, for the page (the lines the CLI prints before training). */
export interface DataNotes {
  /** `6 training / 2 held-out images 512×512, ...`. */
  line: string;
  maskValues?: string;
  warnings: string[];
  trainImages: number;
  valImages: number;
  /** The held-out images in order (the records' predictions and per-image scores follow it). */
  heldOut: { name: string; width: number; height: number }[];
}

/** From a worker. */
export type FromWorker =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'data'; notes: DataNotes }
  | { type: 'progress'; task: RunTask; state: ProgressState }
  | { type: 'done'; record: RunRecord }
  | { type: 'report'; files: Record<string, string | Uint8Array>; results: unknown }
  /** `usage`: a mistake in the options (the CLI's exit status 2), else a failure. */
  | { type: 'error'; message: string; usage: boolean };
