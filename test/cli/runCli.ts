/** Test helper: runs the CLI in process (as `segloss <argv>`) and captures what it prints. */
import { nodeEnv, type NodeEnvOptions } from '../../src/cli/node/env.js';
import { run } from '../../src/cli/run.js';

/**
 * The Node environment the tests run the CLI in: compare's worker threads run the TypeScript
 * sources through test/helpers/tsRegister.mjs, and `--jobs` defaults to 1 (tests that want
 * workers pass `--jobs`), so the tests' runs do not depend on the machine's cores.
 */
export const TEST_ENV: NodeEnvOptions = {
  worker: { url: new URL('../../src/cli/node/runWorker.ts', import.meta.url), execArgv: ['--import', new URL('../helpers/tsRegister.mjs', import.meta.url).href] },
  cores: 1,
};

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s), isTTY: false } };
  const code = await run(argv, io, nodeEnv(io, TEST_ENV));
  return { code, out, err };
}

/** The CLI's smallest training run: a 4-wide U-Net of depth 2, 1 epoch of 2 batches, quiet, on `backend`. */
export const tinyRun = (backend = 'cpu') => ['--width', '4', '--depth', '2', '--epochs', '1', '--steps', '2', '--batch-size', '4', '--backend', backend, '--quiet'];
