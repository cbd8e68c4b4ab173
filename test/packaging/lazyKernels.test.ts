/**
 * Where the fused cpu/wasm kernels come from, in the built package (`npm run build` first): the
 * bundlers' entry (dist/esm/index.js, what `import 'segloss'` resolves to without the `node`
 * condition) loads them on a first call on cpu or wasm, which takes the composite path; the Node
 * entry (dist/esm/withKernels.js) and `segloss/kernels` register them at import. Each runs in a
 * fresh Node process, since this file's own process has them registered (nodeEntry.ts).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = (file: string) => pathToFileURL(resolve(__dirname, '../../dist/esm', file)).href;

/**
 * Runs `body` in a fresh Node process after importing `entry` as `segloss` and tfjs on `backend`;
 * `calls(label)` records, per diceLoss call, the value, the Segloss kernels it ran and whether the
 * kernels are registered. Returns the records.
 */
function inChild(entry: string, backend: 'cpu' | 'wasm', body: string): Record<string, { value: number; segloss: string[]; registered: boolean }> {
  const script = `
    import * as tf from '@tensorflow/tfjs';
    import '@tensorflow/tfjs-backend-wasm';
    import * as segloss from '${dist(entry)}';
    tf.enableProdMode();
    await tf.setBackend('${backend}');
    const yTrue = tf.tensor4d([1, 0, 1, 1, 0, 0, 1, 0], [2, 2, 2, 1]);
    const yPred = tf.tensor4d([2, -1, 0.5, 3, -2, 0, 1, -0.5], [2, 2, 2, 1]);
    const out = {};
    const call = async (label) => {
      const info = await tf.profile(() => segloss.diceLoss()(yTrue, yPred));
      out[label] = {
        value: info.result.dataSync()[0],
        segloss: info.kernels.map((k) => k.name).filter((n) => n.startsWith('Segloss')),
        registered: tf.getKernel('SeglossSigmoidStats', '${backend}') !== undefined,
      };
      info.result.dispose();
    };
    ${body}
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve(__dirname, '../..'), encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** Dice loss of the inputs above, from its definition: 1 − (2·Σpt + 1) / (Σp + Σt + 1), p = σ(x). */
function expectedDice(): number {
  const t = [1, 0, 1, 1, 0, 0, 1, 0];
  const p = [2, -1, 0.5, 3, -2, 0, 1, -0.5].map((x) => 1 / (1 + Math.exp(-x)));
  const I = p.reduce((s, pi, i) => s + pi * t[i], 0);
  const P = p.reduce((s, pi) => s + pi, 0);
  const T = t.reduce((s, ti) => s + ti, 0);
  return 1 - (2 * I + 1) / (P + T + 1);
}

describe('loading the fused kernels', () => {
  it.each(['cpu', 'wasm'] as const)('the bundlers’ entry on %s: the first call takes the composite path and loads the kernels, the next runs them, both equal the definition', (backend) => {
    const r = inChild('index.js', backend, `
      await call('first');
      const { loadKernels } = await import('${dist('kernels/dispatch.js')}');
      await loadKernels();
      await call('next');`);
    expect(r.first).toMatchObject({ segloss: [], registered: false });
    expect(r.next).toMatchObject({ segloss: ['SeglossSigmoidStats'], registered: true });
    expect(r.first.value).toBeCloseTo(expectedDice(), 6);
    expect(r.next.value).toBeCloseTo(expectedDice(), 6);
  });

  it('the bundlers’ entry loads nothing while the calls run on another backend', () => {
    // A backend that is neither cpu nor wasm: the cpu backend's own object under another name.
    const r = inChild('index.js', 'cpu', `
      const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
      tf.registerBackend('gpu-like', () => new MathBackendCPU());
      for (const { kernelName, kernelFunc } of tf.getKernelsForBackend('cpu')) tf.registerKernel({ kernelName, backendName: 'gpu-like', kernelFunc });
      await tf.setBackend('gpu-like');
      await call('first');
      await new Promise((ok) => setTimeout(ok, 100));
      await call('later');`);
    expect(r.first.segloss).toEqual([]);
    expect(r.later.segloss).toEqual([]);
    expect(r.first.registered || r.later.registered).toBe(false);
    expect(r.later.value).toBeCloseTo(expectedDice(), 6);
  });

  it.each([
    ['the Node entry (withKernels.js)', 'withKernels.js', ''],
    ['segloss/kernels before the bundlers’ entry', 'index.js', `await import('${dist('kernels/index.js')}');`],
  ])('%s registers the kernels at import: the first call on wasm runs them', (_, entry, before) => {
    const r = inChild(entry, 'wasm', `${before}\nawait call('first');`);
    expect(r.first).toMatchObject({ segloss: ['SeglossSigmoidStats'], registered: true });
    expect(r.first.value).toBeCloseTo(expectedDice(), 6);
  });
});
