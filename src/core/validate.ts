/**
 * Argument and option checks shared by every public function. Every message follows one
 * pattern, `<fn>: <argument> <expected>, got <actual>.`, so users can search for it.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

/** Formats a value for an error message: short, and unambiguous about its type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') {
    const shape = (value as { shape?: unknown }).shape;
    if (Array.isArray(shape)) return `a tensor of shape [${shape.join(',')}]`;
    return 'an object';
  }
  return String(value);
}

/** Throws `Error('<fn>: <message>')`; `kind` picks TypeError or RangeError where they fit. */
export function fail(fn: string, message: string, kind: 'Error' | 'TypeError' | 'RangeError' = 'Error'): never {
  const Ctor = kind === 'TypeError' ? TypeError : kind === 'RangeError' ? RangeError : Error;
  throw new Ctor(`${fn}: ${message}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The allowed word closest to `word`, if it is close enough to be a likely typo. */
export function nearest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Rejects a non-object options argument and any key not in `allowed`, suggesting the nearest. */
export function checkKeys(fn: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, `options must be an object, got ${describe(options)}.`, 'TypeError');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const hint = nearest(key, allowed);
      fail(
        fn,
        `unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; valid options are ${allowed
          .map((k) => `'${k}'`)
          .join(', ')}.`,
      );
    }
  }
}

/** Returns `value` (or `fallback` when undefined) if it is one of `allowed`, else throws. */
export function checkEnum<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? nearest(value, allowed) : undefined;
  return fail(
    fn,
    `option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}${
      hint ? ` (did you mean '${hint}'?)` : ''
    }.`,
  );
}

/** Returns a boolean option, or `fallback` when undefined. */
export function checkBoolean(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(fn, `option '${name}' must be true or false, got ${describe(value)}.`, 'TypeError');
  return value;
}

/** Range of a numeric option: inclusive `min`/`max`, exclusive `above`, `integer`. */
export interface NumberRange {
  min?: number;
  max?: number;
  above?: number;
  integer?: boolean;
}

function rangeText(range: NumberRange): string {
  const kind = range.integer ? 'an integer' : 'a number';
  if (range.min !== undefined && range.max !== undefined) return `${kind} in [${range.min}, ${range.max}]`;
  if (range.min !== undefined) return `${kind} >= ${range.min}`;
  if (range.above !== undefined) return `${kind} > ${range.above}`;
  if (range.max !== undefined) return `${kind} <= ${range.max}`;
  return `a finite ${kind.replace(/^an? /, '')}`;
}

function inRange(value: number, range: NumberRange): boolean {
  return (
    Number.isFinite(value) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.above === undefined || value > range.above) &&
    (!range.integer || Number.isInteger(value))
  );
}

/** Returns a numeric option (or `fallback` when undefined) if it lies in `range`, else throws. */
export function checkNumber(fn: string, name: string, value: unknown, fallback: number, range: NumberRange = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !inRange(value, range)) {
    fail(fn, `option '${name}' must be ${rangeText(range)}, got ${describe(value)}.`, typeof value === 'number' ? 'RangeError' : 'TypeError');
  }
  return value;
}

/** Returns a copy of a numeric-list option (or undefined) if every entry lies in `range`. */
export function checkNumberList(fn: string, name: string, value: unknown, range: NumberRange = {}): number[] | undefined {
  if (value === undefined) return undefined;
  const entries = rangeText(range).replace(/^an? (integer|number)/, '$1s');
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && inRange(v, range))) {
    fail(fn, `option '${name}' must be a non-empty array of ${entries}, got ${describe(value)}.`, 'TypeError');
  }
  return [...(value as number[])];
}

/** Checks that `x` is a tfjs tensor. */
export function assertTensor(fn: string, arg: string, x: unknown): asserts x is Tensor {
  const t = x as Tensor | null;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || typeof t.dtype !== 'string') {
    fail(fn, `${arg} must be a tf.Tensor, got ${describe(x)}.`, 'TypeError');
  }
  if (t.isDisposed) fail(fn, `${arg} must be a live tensor, got a disposed one.`);
}

/** Formats a shape as `[a,b,c]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
