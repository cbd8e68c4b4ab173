/**
 * scripts/watInline.mjs, the build-time inliner of the text format: parse/print, the expansion of
 * small functions at their calls, and what it must leave alone. Each transformed module is
 * compiled with wabt and run against the original.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIMD_WASM } from '../../src/kernels/simd/binary.generated.js';
import type { SimdKernels } from '../../src/kernels/simd/simdKernels.js';
import { rng } from '../helpers/random.js';

/** An S-expression as the inliner sees it: an atom or a list. */
type Node = string | Node[];

interface WatInline {
  parse(text: string): Node[];
  print(node: Node): string;
  inlineModule(module: Node[]): Node[];
  inlineWat(text: string): string;
}

// Plain JavaScript without declarations: imported through a path variable, typed here.
const inlinerPath = '../../scripts/watInline.mjs';
const { parse, print, inlineModule, inlineWat } = (await import(/* @vite-ignore */ inlinerPath)) as WatInline;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIMD_SOURCE = readFileSync(join(ROOT, 'src', 'kernels', 'simd', 'seglossSimd.wat'), 'utf8');

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

/** The binary of a .wat text (SIMD enabled), validated. */
function compile(wat: string): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('test.wat', wat, { simd: true });
  try {
    module.resolveNames();
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

type Exports = Record<string, (...args: number[]) => number>;

function run(wat: string, imports: WebAssembly.Imports = {}): Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(compile(wat)), imports).exports as unknown as Exports;
}

/** Every atom of a tree, depth first. */
function atoms(node: Node): string[] {
  return Array.isArray(node) ? node.flatMap(atoms) : [node];
}

/** The `(func ...)` fields of a module. */
function funcs(module: Node[]): Node[][] {
  return module.filter((f): f is Node[] => Array.isArray(f) && f[0] === 'func');
}

/** Names called by `(call $name ...)` anywhere in a tree. */
function callees(node: Node): string[] {
  if (!Array.isArray(node)) return [];
  return [...(node[0] === 'call' ? [node[1] as string] : []), ...node.flatMap(callees)];
}

/** Names of the params and locals a function declares. */
function declared(func: Node[]): string[] {
  return func.filter((x): x is Node[] => Array.isArray(x) && (x[0] === 'param' || x[0] === 'local')).map((x) => x[1] as string);
}

const inlined = (wat: string): Node[] => inlineModule(parse(wat)[0] as Node[]);

describe('parse() and print()', () => {
  const SMALL = `;; a line comment (with parentheses)
(module
  (memory (export "mem") 1)
  (data (i32.const 0) "a(b)\\"c;;d")  ;; a string with parentheses, an escaped quote and ;;
  (; a block
     comment ;)
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b))))`;

  it('parse() reads a module as nested lists of atoms, dropping comments and keeping strings whole', () => {
    expect(parse(SMALL)).toEqual([
      [
        'module',
        ['memory', ['export', '"mem"'], '1'],
        ['data', ['i32.const', '0'], '"a(b)\\"c;;d"'],
        ['func', '$add', ['export', '"add"'], ['param', '$a', 'i32'], ['param', '$b', 'i32'], ['result', 'i32'], ['i32.add', ['local.get', '$a'], ['local.get', '$b']]],
      ],
    ]);
  });

  it('print() writes it back as text that parses to the same tree and compiles to the same binary', () => {
    const tree = parse(SMALL)[0];
    const text = print(tree);
    expect(text.startsWith('(module (memory (export "mem") 1) (data (i32.const 0) "a(b)\\"c;;d")')).toBe(true);
    expect(parse(text)).toEqual([tree]);
    expect(compile(text)).toEqual(compile(SMALL));
    expect(run(text).add(40, 2)).toBe(42);
  });

  it('the round trip of the SIMD kernels source compiles to the same binary as the source', () => {
    const forms = parse(SIMD_SOURCE);
    expect(forms).toHaveLength(1);
    expect(compile(print(forms[0]))).toEqual(compile(SIMD_SOURCE));
  });

  it('parse() rejects unbalanced parentheses; inlineWat() anything but one module', () => {
    expect(() => parse('(module (func $f')).toThrow(/^watInline: unbalanced parentheses$/);
    expect(() => inlineWat('(module) (module)')).toThrow(/^watInline: expected one module$/);
    expect(() => inlineWat('(func $f)')).toThrow(/^watInline: expected \(module \.\.\.\)$/);
  });
});

describe('inlineModule()', () => {
  it('expands a function with params and locals at each of two calls, with its own renamed locals per call', () => {
    const wat = `(module
      (func $mix (param $a i32) (param $b i32) (result i32) (local $t i32)
        (local.set $t (i32.mul (local.get $a) (i32.const 3)))
        (i32.add (local.get $t) (local.get $b)))
      (func (export "f") (param $x i32) (param $y i32) (result i32)
        (i32.sub (call $mix (local.get $x) (local.get $y)) (call $mix (local.get $y) (local.get $x)))))`;
    const module = inlined(wat);
    const fs = funcs(module);
    expect(fs).toHaveLength(1); // $mix is gone
    expect(callees(module)).toEqual([]);
    const names = declared(fs[0]);
    // $x, $y and two copies of $a, $b, $t, all distinct, none reusing the callee's names.
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
    expect(names.filter((n) => ['$a', '$b', '$t'].includes(n))).toEqual([]);
    const before = run(wat);
    const after = run(print(module));
    const r = rng(1);
    for (let i = 0; i < 50; i++) {
      const x = Math.floor((r() - 0.5) * 2 ** 32) | 0;
      const y = Math.floor((r() - 0.5) * 2 ** 32) | 0;
      // (3x + y) − (3y + x) = 2(x − y), in 32-bit arithmetic.
      const want = Math.imul(2, (x - y) | 0);
      expect(after.f(x, y)).toBe(want);
      expect(before.f(x, y)).toBe(want);
    }
  });

  it('starts the callee locals from zero at every expanded call, also inside a loop (i32 and v128)', () => {
    const wat = `(module
      (func $bump (param $a i32) (result i32) (local $s i32)
        (local.set $s (i32.add (local.get $s) (local.get $a)))
        (local.get $s))
      (func $lane (param $x f32) (result f32) (local $v v128)
        (local.set $v (f32x4.add (local.get $v) (f32x4.splat (local.get $x))))
        (f32x4.extract_lane 0 (local.get $v)))
      (func (export "f") (param $n i32) (result i32) (local $i i32) (local $sum i32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $sum (i32.add (local.get $sum) (call $bump (i32.const 5))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.get $sum))
      (func (export "g") (param $n i32) (result f32) (local $i i32) (local $sum f32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $sum (f32.add (local.get $sum) (call $lane (f32.const 1.5))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.get $sum)))`;
    const module = inlined(wat);
    expect(callees(module)).toEqual([]);
    const after = run(print(module));
    const before = run(wat);
    // A fresh call returns its argument: n calls sum to 5n (and 1.5n), not 5 + 10 + ... .
    for (const n of [0, 1, 2, 7]) {
      expect(after.f(n)).toBe(5 * n);
      expect(before.f(n)).toBe(5 * n);
      expect(after.g(n)).toBe(1.5 * n);
      expect(before.g(n)).toBe(1.5 * n);
    }
  });

  it('evaluates the arguments once each, in order, even those the callee does not read', () => {
    const wat = `(module
      (global $g (mut i32) (i32.const 0))
      (func $next (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (global.get $g))
      (func $pair (param $a i32) (param $b i32) (result i32)
        (i32.add (i32.mul (local.get $a) (i32.const 10)) (local.get $b)))
      (func $ignore (param $a i32) (result i32) (i32.const 7))
      (func (export "f") (result i32)
        (i32.add (call $pair (call $next) (call $next)) (i32.mul (call $ignore (call $next)) (i32.const 100))))
      (func (export "count") (result i32) (global.get $g)))`;
    const module = inlined(wat);
    expect(callees(module)).toEqual([]);
    for (const e of [run(wat), run(print(module))]) {
      expect(e.f()).toBe(12 + 700); // $pair(1, 2) + 100·$ignore(3)
      expect(e.count()).toBe(3);
    }
  });

  it('keeps functions with loop, br, br_if or return (and their calls), and still inlines the rest', () => {
    const wat = `(module
      (func $withLoop (param $n i32) (result i32) (local $s i32)
        (loop $next
          (local.set $s (i32.add (local.get $s) (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (if (i32.gt_s (local.get $n) (i32.const 0)) (then (br $next))))
        (local.get $s))
      (func $withReturn (param $a i32) (result i32)
        (if (i32.lt_s (local.get $a) (i32.const 0)) (then (return (i32.const 0))))
        (local.get $a))
      (func $withBrIf (param $a i32) (result i32)
        (block $b
          (br_if $b (i32.gt_s (local.get $a) (i32.const 3)))
          (local.set $a (i32.mul (local.get $a) (i32.const 100))))
        (local.get $a))
      (func $plain (param $a i32) (result i32) (i32.add (local.get $a) (i32.const 1000)))
      (func (export "f") (param $x i32) (result i32)
        (i32.add
          (i32.add (call $withLoop (local.get $x)) (call $withReturn (local.get $x)))
          (i32.add (call $withBrIf (local.get $x)) (call $plain (local.get $x))))))`;
    const module = inlined(wat);
    expect(funcs(module).map((f) => f[1])).toEqual(['$withLoop', '$withReturn', '$withBrIf', ['export', '"f"']]);
    expect(callees(module).sort()).toEqual(['$withBrIf', '$withLoop', '$withReturn']);
    const before = run(wat);
    const after = run(print(module));
    for (const x of [-2, 1, 3, 5, 9]) {
      // Σ_{k=1..x} k (x ≥ 1; x for x ≤ 0) + max(x, 0) + (x > 3 ? x : 100x) + x + 1000.
      const want = (x >= 1 ? (x * (x + 1)) / 2 : x) + Math.max(x, 0) + (x > 3 ? x : 100 * x) + x + 1000;
      expect(after.f(x)).toBe(want);
      expect(before.f(x)).toBe(want);
    }
  });

  it('keeps exported functions and their calls', () => {
    const wat = `(module
      (func $g (export "g") (param $a i32) (result i32) (i32.mul (local.get $a) (i32.const 7)))
      (func (export "f") (param $x i32) (result i32) (i32.add (call $g (local.get $x)) (i32.const 1))))`;
    const module = inlined(wat);
    expect(funcs(module)).toHaveLength(2);
    expect(callees(module)).toEqual(['$g']);
    const after = run(print(module));
    expect(after.g(3)).toBe(21);
    expect(after.f(3)).toBe(22);
  });

  it('expands nested inlinable calls completely, with the same parameter names at every level', () => {
    const wat = `(module
      (func $inner (param $a f32) (result f32) (local $t f32)
        (local.set $t (f32.mul (local.get $a) (local.get $a)))
        (f32.add (local.get $t) (f32.const 1)))
      (func $middle (param $a f32) (result f32)
        (f32.sub (call $inner (local.get $a)) (call $inner (f32.add (local.get $a) (f32.const 1)))))
      (func (export "outer") (param $a f32) (result f32)
        (f32.mul (call $middle (local.get $a)) (call $middle (f32.add (local.get $a) (f32.const 2))))))`;
    const module = inlined(wat);
    expect(funcs(module)).toHaveLength(1);
    expect(atoms(module)).not.toContain('call');
    // $a of outer, then per expanded call: 2 × ($a of middle + 2 × ($a, $t of inner)) = 10 more.
    const names = declared(funcs(module)[0]);
    expect(names).toHaveLength(11);
    expect(new Set(names).size).toBe(11);
    const before = run(wat);
    const after = run(print(module));
    for (const a of [-3, -0.5, 0, 1, 2.25, 10]) {
      // inner(a) = a² + 1, middle(a) = inner(a) − inner(a + 1) = −2a − 1, outer(a) = middle(a)·middle(a + 2).
      const want = Math.fround((-2 * a - 1) * (-2 * (a + 2) - 1));
      expect(after.outer(a)).toBe(want);
      expect(before.outer(a)).toBe(want);
    }
  });

  it('leaves a module without inlinable calls unchanged', () => {
    const wat = `(module (global $s (mut f64) (f64.const 0)) (func (export "f") (param $x f64) (global.set $s (local.get $x))))`;
    expect(inlined(wat)).toEqual(parse(wat)[0]);
  });
});

describe('inlineWat() on the SIMD kernels', () => {
  const text = inlineWat(SIMD_SOURCE);
  const module = parse(text)[0] as Node[];

  it('keeps the exported kernels and the $call.* helpers; every other call is expanded', () => {
    const names = funcs(module).map((f) => (typeof f[1] === 'string' ? f[1] : (f[1] as Node[])[1]));
    // In source order, with the per-pixel helpers that stay calls among them.
    expect(names).toEqual([
      '"sigmoidRegion"',
      '"regionProbs"',
      '"regionProbsGrad"',
      '"sigmoidRegionBce"',
      '"sigmoidFocal"',
      '"sigmoidRegionGrad"',
      '"sigmoidFocalGrad"',
      '"sigmoidLanes"',
      '"sigmoidLanesGrad"',
      '$call.labelTerms',
      '$call.labelExtra',
      '"softmaxForward"',
      '"softmaxBackward"',
      '"softmaxDenseForward"',
      '"softmaxDenseBackward"',
      '"softmaxCfForward"',
      '$call.cfLabelTerms',
      '"softmaxCfBackward"',
      '$call.cfExtra',
    ]);
    expect(new Set(callees(module))).toEqual(new Set(['$call.labelTerms', '$call.labelExtra', '$call.cfLabelTerms', '$call.cfExtra']));
  });

  it('leaves a function named $call.* as a call (and still inlines inside it)', () => {
    const out = parse(
      inlineWat(`(module
        (func $twice (param $v i32) (result i32) (i32.add (local.get $v) (local.get $v)))
        (func $call.keep (param $v i32) (result i32) (call $twice (local.get $v)))
        (func (export "f") (param $v i32) (result i32) (call $call.keep (local.get $v))))`),
    )[0] as Node[];
    expect(funcs(out).map((f) => f[1])).toEqual(['$call.keep', ['export', '"f"']]);
    expect(callees(out)).toEqual(['$call.keep']);
  });

  it('compiles to the generated binary (SIMD_WASM)', () => {
    expect(Buffer.from(compile(text)).toString('base64')).toBe(SIMD_WASM);
  });

  it('computes bit for bit what the source without inlining computes', () => {
    const results = [SIMD_SOURCE, text].map((wat) => {
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
      const k = run(wat, { env: { memory } }) as unknown as SimdKernels;
      const f = new Float32Array(memory.buffer);
      const r = rng(3);
      const n = 200;
      for (let i = 0; i < n; i++) {
        f[i] = (r() - 0.5) * 60; // x at 0
        f[256 + i] = r() < 0.5 ? 1 : 0; // t at 1024
      }
      const out: number[] = [];
      k.sigmoidRegionBce(0, 1024, 2048, n, 2.5, 1, 0.1);
      out.push(...[k.s0, k.s1, k.s2, k.s4].map((g) => g.value as number), ...f.subarray(512, 512 + n));
      k.sigmoidFocal(0, 1024, n, 1.5, 3, -0.4, 0.7);
      out.push(k.s5.value as number);
      k.sigmoidFocalGrad(0, 1024, 4096, n, -0.7, 0.3, 1.9, 1.5, 3, -0.4, 0.7);
      out.push(...f.subarray(1024, 1024 + n));
      // softmax over 40 pixels of C = 5 (x at 0), labels (int32 at 1024, all valid), p at 2048.
      const labels = new Int32Array(memory.buffer, 1024, 40);
      for (let j = 0; j < 40; j++) labels[j] = j % 5;
      new Float64Array(memory.buffer, 8192, 7 * 8).fill(0);
      f.fill(1, 9216 / 4, 9216 / 4 + 16); // w and α at 9216, 9248
      k.softmaxForward(0, 1024, 2048, 40, 5, 1, 0, 0, 8192, 9216, 9248, 1, 1, 1.5, 3, 1, 0);
      out.push(k.s3.value as number, ...new Float64Array(memory.buffer, 8192, 7 * 8), ...f.subarray(512, 512 + 200));
      f.fill(0.25, 10240 / 4, 10240 / 4 + 32); // g at 10240
      k.softmaxBackward(1024, 2048, 4096, 40, 5, 1, 0, 0, 10240, 1, 1, 1.5, 3, 1, 0);
      out.push(...f.subarray(1024, 1024 + 200));
      return out;
    });
    expect(results[1].every(Number.isFinite)).toBe(true);
    expect(results[1]).toEqual(results[0]);
  });
});
