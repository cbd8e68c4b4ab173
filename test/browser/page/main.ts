/**
 * The browser test page: tfjs (webgl, cpu) and tfjs-backend-webgpu, with segloss imported by its
 * package name, as a user's bundle does (Vite resolves it to the built dist/esm). The query
 * picks the backend (`?backend=webgl|webgpu|cpu`) and `&float16=1` turns webgl's float32
 * textures off before the backend starts, as on a phone with 16-bit float textures only. The
 * tests call `window.__segloss` (./pageApi.ts) through playwright.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import * as segloss from 'segloss';
import { runFixtureCase, type FixtureCase } from '../../helpers/caseRunner';
import type { ComputeRequest, ComputeResult, PageApi, PageInfo, ReplayRow, TransposeResult } from './pageApi';

const query = new URLSearchParams(location.search);
const lib = segloss as unknown as Record<string, unknown>;
let reads = 0;

/** What a synchronous read of data on the GPU throws on webgpu in this page. */
const WEBGPU_GPU_READ = 'synchronous read of GPU data on webgpu';

/**
 * Starts backend `name` and counts its `readSync` calls in `reads`. On webgpu a read of data on
 * the GPU throws instead: tfjs's webgpu `readSync` returns zeros in headless Chromium and loses
 * the device, so every later case would fail too. Data still on the CPU reads as usual.
 */
async function startBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  await tf.ready();
  const backend = tf.backend() as unknown as { readSync: (id: unknown) => unknown; tensorMap?: { get(id: unknown): { values: unknown } } };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (id: unknown) => {
    reads++;
    if (name === 'webgpu' && backend.tensorMap?.get(id).values == null) throw new Error(WEBGPU_GPU_READ);
    return readSync(id);
  };
}

/**
 * A fresh instance of the active backend (a new webgpu device after a synchronous read lost the
 * old one), registered again from tfjs's own factory: much cheaper than reloading the page.
 */
async function restartBackend(): Promise<void> {
  const name = tf.getBackend();
  const factory = tf.findBackendFactory(name);
  tf.removeBackend(name);
  tf.registerBackend(name, factory);
  await startBackend(name);
}

async function start(): Promise<PageInfo> {
  if (query.get('float16') === '1') tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', false);
  // Every op runs on the device, also for the tiny fixture tensors that tfjs would otherwise
  // compute on the CPU: the replay tests the shaders, and any readSync is a GPU read.
  tf.env().set('WEBGL_CPU_FORWARD', false);
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  // One compiled shader per op for all shapes (SwiftShader compiles slowly); numerics unchanged.
  tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
  const wanted = query.get('backend') ?? 'webgl';
  await startBackend(wanted);
  const float32Textures = tf.getBackend() === 'webgl' ? tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') : null;
  return { backend: tf.getBackend(), float32Textures, gpu: 'gpu' in navigator };
}

/** The two methods of a GPUDevice used here (the page has no WebGPU type declarations). */
interface ErrorScopes {
  pushErrorScope(filter: 'validation'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

/**
 * Runs `body` inside a WebGPU validation error scope on webgpu and returns the first validation
 * error raised meanwhile (a shader that does not compile, an invalid pipeline or command buffer),
 * else null; on other backends it just runs `body`. tfjs does not report these: the dispatch of an
 * invalid shader, and every dispatch submitted with it, silently writes nothing.
 */
async function withGpuErrors<T>(body: () => Promise<T>): Promise<[T, string | null]> {
  const device = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as { device: ErrorScopes }).device : null;
  device?.pushErrorScope('validation');
  const popped = () => (device ? device.popErrorScope().catch(() => null) : Promise.resolve(null));
  let result: T;
  try {
    result = await body();
  } catch (e) {
    await popped();
    throw e;
  }
  const error = await popped();
  return [result, error ? error.message.split('\n')[0] : null];
}

/**
 * Runs the cases of `files` in order from case number `from` (counting across the files). After
 * a case that throws (on webgpu a synchronous read loses the device, and every later case would
 * fail for that reason) the backend restarts; if that fails, the run ends there and the caller
 * reopens the page and goes on after it.
 */
async function replay(files: string[], from = 0): Promise<ReplayRow[]> {
  const out: ReplayRow[] = [];
  let index = 0;
  for (const file of files) {
    const cases = (await (await fetch(`../fixtures/${file}.json`)).json()) as FixtureCase[];
    for (const c of cases) {
      if (index++ < from) continue;
      const reads0 = reads;
      try {
        const [report, gpuError] = await withGpuErrors(() => runFixtureCase(tf as never, lib, file, c, () => reads));
        if (gpuError) report.failures.push(`${c.id}: WebGPU validation error: ${gpuError}`);
        out.push({ file, fn: c.fn, report, threw: false });
      } catch (e) {
        out.push({ file, fn: c.fn, report: { id: c.id, failures: [`${c.id}: threw ${(e as Error).message}`], reads: reads - reads0 }, threw: true });
        try {
          await restartBackend();
        } catch {
          return out;
        }
      }
    }
  }
  return out;
}

async function caseCount(files: string[]): Promise<number> {
  let n = 0;
  for (const file of files) n += ((await (await fetch(`../fixtures/${file}.json`)).json()) as unknown[]).length;
  return n;
}

async function compute({ fn, options, yTrue, yPred, grad }: ComputeRequest): Promise<ComputeResult> {
  const given = tf.tensor(yTrue.data, yTrue.shape, yTrue.dtype);
  // A relabelled cast on webgpu: float32, with the int32 buffer of `given` (see transposeInt32).
  const t = yTrue.castToFloat32 ? tf.cast(given, 'float32') : given;
  const x = tf.tensor(yPred.data, yPred.shape, 'float32');
  const loss = (lib[fn] as (o: object) => (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(options);
  const reads0 = reads;
  const [result, gpuError] = await withGpuErrors(async () => {
    const value = loss(t, x);
    const g = grad ? tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(loss(t, v)))(x)) : null;
    const readsMade = reads - reads0;
    const out = { value: Array.from(await value.data()), grad: g ? Array.from(await g.data()) : null, reads: readsMade };
    tf.dispose([value, ...(g ? [g] : [])]);
    return out;
  });
  tf.dispose([given, t, x]);
  return { ...result, gpuError };
}

/**
 * tfjs's own transpose (perm [0, 2, 1], the general shader) of `[1, 2, 3]` tensors stored as
 * float32 ([1, …, 6]), int32 ([11, …, 16]) and int32 cast to float32 ([21, …, 26]; distinct
 * values, so that a reused buffer cannot pass for a result): the raw values and the WebGPU
 * validation error each raised (null on other backends).
 */
async function transposeInt32(): Promise<Record<'float32' | 'int32' | 'castToFloat32', TransposeResult>> {
  const run = (make: () => tf.Tensor) =>
    withGpuErrors(async () => {
      const a = make();
      const y = tf.transpose(a, [0, 2, 1]);
      const values = Array.from(await y.data());
      tf.dispose([a, y]);
      return values;
    }).then(([values, gpuError]) => ({ values, gpuError }));
  const data = (from: number) => Array.from({ length: 6 }, (_, i) => from + i);
  return {
    float32: await run(() => tf.tensor(data(1), [1, 2, 3], 'float32')),
    int32: await run(() => tf.tensor(data(11), [1, 2, 3], 'int32')),
    castToFloat32: await run(() => tf.tidy(() => tf.cast(tf.tensor(data(21), [1, 2, 3], 'int32'), 'float32'))),
  };
}

/** tfjs's own reverse cumsum over rows of two lengths, `[rows, n]` each: the raw values. */
async function reverseCumsum(lengths: number[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const n of lengths) {
    const x = tf.ones([1, n]);
    const y = tf.cumsum(x, 1, true, true);
    out.push(Array.from(await y.data()));
    tf.dispose([x, y]);
  }
  return out;
}

const info = start();
const api: PageApi = { info: () => info, replay, caseCount, compute, reverseCumsum, transposeInt32, reads: () => reads, numTensors: () => tf.memory().numTensors };
(window as unknown as { __segloss: PageApi }).__segloss = api;
// tfjs itself and segloss, for ad-hoc checks from a test (page.evaluate).
(window as unknown as { __tf: typeof tf; __lib: typeof segloss }).__tf = tf;
(window as unknown as { __lib: typeof segloss }).__lib = segloss;
info.then(
  () => document.body.setAttribute('data-ready', 'true'),
  (e: Error) => document.body.setAttribute('data-error', e.message),
);
