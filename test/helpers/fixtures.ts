import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { tensorOf, type FixtureTensor } from './caseRunner.js';

export type { FixtureTensor } from './caseRunner.js';

/** One golden loss case (see test/fixtures/README.md). */
export interface LossCase {
  id: string;
  fn: string;
  options: Record<string, unknown>;
  yTrue: FixtureTensor;
  yPred?: FixtureTensor;
  expected: FixtureTensor;
  grad?: FixtureTensor;
  gradCheck?: boolean;
  tol: { rtol: number; atol: number };
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The cases of `test/fixtures/<name>.json`. */
export function loadCases<T = LossCase>(name: string): T[] {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as T[];
}

/** Every fixture file name (without `.json`). */
export function fixtureNames(dir = FIXTURE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** A tfjs tensor from a fixture tensor. */
export function toTensor(t: FixtureTensor): tf.Tensor {
  return tensorOf(tf, t);
}

/** JSON null means "explicitly disabled": keep it; everything else verbatim. */
export function fixtureOptions(options: Record<string, unknown>): Record<string, unknown> {
  return { ...options };
}
