/**
 * Runs one golden fixture case (test/fixtures/*.json) and reports what failed, as plain code
 * with no Node or test-runner import: the Node fixture tests (./replay.ts) and the browser test
 * page (test/browser/page) run this same replay, each passing its own tfjs and segloss. Results
 * are read with the asynchronous `data()` (on webgpu a synchronous read can lose the device).
 */
import type * as TF from '@tensorflow/tfjs-core';
import { closeFailure, gradTolerance, type Tolerance } from './closeRule.js';

/** A tensor as stored in the fixtures. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: (number | 'Infinity')[];
}

/** One golden case of any fixture file (see test/fixtures/README.md); fields by kind. */
export interface FixtureCase {
  id: string;
  fn: string;
  options: Record<string, unknown>;
  yTrue: FixtureTensor;
  yPred?: FixtureTensor;
  expected: FixtureTensor | Record<'tp' | 'fp' | 'fn' | 'tn', FixtureTensor>;
  grad?: FixtureTensor;
  gradCheck?: boolean;
  scores?: { fn: string; options: Record<string, unknown>; expected: FixtureTensor }[];
  tol: Tolerance;
}

/** What a case run found: failures (empty when it passed) and the backend reads it made. */
export interface CaseReport {
  id: string;
  failures: string[];
  /** `readSync` calls while the function and its gradient ran (0 without a counter). */
  reads: number;
}

type Tf = typeof TF;
type Lib = Record<string, unknown>;
type TensorFn = (...args: unknown[]) => TF.Tensor;

/** A tfjs tensor from a fixture tensor. */
export function tensorOf(tf: Tf, t: FixtureTensor): TF.Tensor {
  return tf.tensor(t.data as number[], t.shape, t.dtype);
}

/** Runs case `c` of fixture file `file` with `tf` and the segloss module `lib`. */
export async function runFixtureCase(tf: Tf, lib: Lib, file: string, c: FixtureCase, countReads: () => number = () => 0): Promise<CaseReport> {
  const failures: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) failures.push(`${c.id}: ${message}`);
  };
  const fn = lib[file === 'metrics' ? 'confusionStats' : c.fn] as TensorFn | undefined;
  if (typeof fn !== 'function') return { id: c.id, failures: [`${c.id}: segloss exports no function ${c.fn}`], reads: 0 };
  const yTrue = tensorOf(tf, c.yTrue);
  const yPred = c.yPred ? tensorOf(tf, c.yPred) : null;
  const inputs = yPred ? 2 : 1;
  const before = tf.memory().numTensors;
  const reads0 = countReads();
  let reads = 0;
  if (file === 'metrics') {
    const stats = fn(yTrue, yPred, { ...c.options }) as unknown as Record<'tp' | 'fp' | 'fn' | 'tn', TF.Tensor>;
    reads = countReads() - reads0;
    check(tf.memory().numTensors === before + 4, 'confusionStats leaves 4 tensors');
    const want = c.expected as Record<'tp' | 'fp' | 'fn' | 'tn', FixtureTensor>;
    for (const k of ['tp', 'fp', 'fn', 'tn'] as const) {
      check(stats[k].dtype === 'int32' && stats[k].shape.join() === want[k].shape.join(), `${k} is int32 of shape [${want[k].shape}]`);
      check(Array.from(await stats[k].data()).join() === want[k].data.join(), `${k} is exactly [${want[k].data}]`);
    }
    for (const s of c.scores ?? []) {
      const got = (lib[s.fn] as TensorFn)(stats, s.options);
      await compare(got, s.expected, { rtol: 0, atol: 1e-6 }, `${s.fn} ${JSON.stringify(s.options)}`);
      got.dispose();
    }
    tf.dispose(Object.values(stats));
  } else if (file === 'signedDistanceMap' || file === 'tubedSkeleton' || file === 'surfaceMetrics') {
    const value = yPred ? fn(yTrue, yPred, { ...c.options }) : fn(yTrue, { ...c.options });
    reads = countReads() - reads0;
    check(tf.memory().numTensors === before + 1, 'the call leaves one tensor');
    const want = c.expected as FixtureTensor;
    if (file === 'tubedSkeleton') {
      check(value.dtype === 'int32' && value.shape.join() === want.shape.join(), `an int32 tensor of shape [${want.shape}]`);
      check(Array.from(await value.data()).join() === want.data.join(), 'equals the reference exactly');
    } else await compare(value, want, c.tol, 'value');
    value.dispose();
  } else {
    const loss = fn({ ...c.options }) as unknown as (a: TF.Tensor, b: TF.Tensor) => TF.Tensor;
    const value = loss(yTrue, yPred!);
    check(tf.memory().numTensors === before + 1, 'the loss call leaves one tensor');
    // tf.grad keeps the forward value alive, so it runs in a tidy that keeps only the gradient.
    const grad = c.gradCheck !== false && c.grad ? tf.tidy(() => tf.grad((x: TF.Tensor) => tf.sum(loss(yTrue, x)))(yPred!)) : null;
    reads = countReads() - reads0;
    await compare(value, c.expected as FixtureTensor, c.tol, 'value');
    if (grad) await compare(grad, c.grad!, gradTolerance(c.tol, c.grad!.data as number[]), 'grad');
    tf.dispose([value, ...(grad ? [grad] : [])]);
  }
  tf.dispose([yTrue, ...(yPred ? [yPred] : [])]);
  check(tf.memory().numTensors === before - inputs, 'no tensor is left behind');
  return { id: c.id, failures, reads };

  /** Shape, float32, `"Infinity"` entries exactly, and the rest by the tolerance rule. */
  async function compare(got: TF.Tensor, want: FixtureTensor, tol: Tolerance, label: string): Promise<void> {
    check(got.dtype === 'float32', `${label} is float32`);
    check(got.shape.join() === want.shape.join(), `${label} has shape [${want.shape}], got [${got.shape}]`);
    const data = Array.from(await got.data());
    const infinite = want.data.map((v) => v === 'Infinity');
    check(data.every((v, i) => (v === Infinity) === infinite[i]), `${label} is Infinity exactly where expected`);
    const finite = (xs: (number | string)[]) => xs.filter((_, i) => !infinite[i]) as number[];
    const failure = closeFailure(finite(data), finite(want.data), tol, label);
    if (failure) failures.push(`${c.id}: ${failure}`);
  }
}
