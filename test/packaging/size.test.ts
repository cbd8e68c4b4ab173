/**
 * What segloss adds to a browser app's bundle (scripts/size.mjs, `npm run size`; needs
 * `npm run build`): every case stays within its budget, and an app that imports a loss loads the
 * fused cpu/wasm kernels and the SIMD module only on demand, in a chunk of their own.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Sizes {
  start: { min: number; gzip: number };
  onDemand: { min: number; gzip: number };
  startCode: string;
  onDemandCode: string;
}
interface SizeCase {
  name: string;
  source: string;
  budget: number;
}

interface SizeScript {
  SIZE_CASES: SizeCase[];
  consumerProject(): string;
  measure(source: string, cwd: string): Promise<Sizes>;
}

// Plain JavaScript without declarations: imported through a path variable, typed here.
const sizePath = '../../scripts/size.mjs';
const { SIZE_CASES, consumerProject, measure } = (await import(/* @vite-ignore */ sizePath)) as SizeScript;

// The SIMD module is inlined as base64: "AGFzbQ" is the start of "\0asm", WebAssembly's magic number.
const SIMD = 'AGFzbQ';
let dir = '';
const sizes = new Map<string, Sizes>();

beforeAll(async () => {
  dir = consumerProject();
  for (const c of SIZE_CASES as SizeCase[]) sizes.set(c.name, await measure(c.source, dir));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('bundle size (rolldown as Vite 8 builds for the browser, tfjs external, minified)', () => {
  it.each(SIZE_CASES.map((c) => [c.name, c.budget] as const))('%s loads at most %i bytes at start', (name, budget) => {
    expect(sizes.get(name)!.start.min).toBeLessThanOrEqual(budget);
  });

  it('diceLoss alone loads neither the kernels nor the SIMD module at start: both come in the on-demand chunk', () => {
    const s = sizes.get('diceLoss alone')!;
    expect(s.startCode).not.toContain(SIMD);
    expect(s.startCode).not.toContain('registerKernel');
    expect(s.onDemandCode).toContain(SIMD);
    expect(s.onDemandCode).toContain('registerKernel');
    // The kernels are most of the bytes: the start chunk is the smaller part.
    expect(s.start.min).toBeLessThan(s.onDemand.min);
  });

  it("import 'segloss/kernels' keeps the kernels in the start chunk (the package marks it as having side effects)", () => {
    const s = sizes.get('diceLoss, kernels at start')!;
    expect(s.startCode).toContain(SIMD);
    expect(s.startCode).toContain('registerKernel');
    expect(s.onDemand.min).toBe(0);
  });
});
