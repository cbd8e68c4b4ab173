/** What the browser test page offers the tests (`window.__segloss`), and what it returns. */
import type { CaseReport } from '../../helpers/caseRunner';

/** The backend the page runs, whether webgl stores float32 (null elsewhere), and navigator.gpu. */
export interface PageInfo {
  backend: string;
  float32Textures: boolean | null;
  gpu: boolean;
}

/** One loss call on inputs sent from Node; the gradient is of the sum of the result. */
export interface ComputeRequest {
  fn: string;
  options: Record<string, unknown>;
  /** With `castToFloat32`, yTrue is `tf.cast` of the tensor to float32 (on webgpu: the same int32 buffer, relabelled). */
  yTrue: { data: number[]; shape: number[]; dtype: 'float32' | 'int32' | 'bool'; castToFloat32?: boolean };
  yPred: { data: number[]; shape: number[] };
  grad: boolean;
}

/** Value and gradient as plain numbers, the synchronous reads the call made, and its first WebGPU validation error. */
export interface ComputeResult {
  value: number[];
  grad: number[] | null;
  reads: number;
  gpuError: string | null;
}

/** A transpose's raw values and the WebGPU validation error it raised (null if none, or not on webgpu). */
export interface TransposeResult {
  values: number[];
  gpuError: string | null;
}

/** One replayed fixture case: its file, function, report, and whether it threw (ending the run). */
export interface ReplayRow {
  file: string;
  fn: string;
  report: CaseReport;
  threw: boolean;
}

export interface PageApi {
  info(): Promise<PageInfo>;
  /** Runs the cases of the named fixture files (fetched from ../fixtures/) from case `from` on, with the shared runner, until one throws. */
  replay(files: string[], from?: number): Promise<ReplayRow[]>;
  /** How many cases the named fixture files hold. */
  caseCount(files: string[]): Promise<number>;
  compute(request: ComputeRequest): Promise<ComputeResult>;
  reverseCumsum(lengths: number[]): Promise<number[][]>;
  /** tfjs's transpose of a `[1, 2, 3]` tensor stored as float32, as int32, and as int32 cast to float32. */
  transposeInt32(): Promise<Record<'float32' | 'int32' | 'castToFloat32', TransposeResult>>;
  /** `readSync` calls on the active backend since the page started. */
  reads(): number;
  numTensors(): number;
}
