// Vitest global setup: the tests import src/, which imports the generated SIMD module.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/wasm.mjs'], { stdio: 'inherit' });
}
