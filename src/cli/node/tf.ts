/// <reference types="node" />
/**
 * Loads TensorFlow.js for the CLI at run time. The CLI needs `@tensorflow/tfjs` (layers and
 * gradients) and, for the default backend, `@tensorflow/tfjs-backend-wasm`; both are optional
 * peer dependencies, so a missing one is reported with the command that installs it.
 * `@tensorflow/tfjs-node` is used automatically when installed and `--backend auto`.
 */
import { enableWasmTraining } from '../../index.js';
// The fused cpu/wasm kernels registered now, as the package's Node entry does (src/withKernels.ts).
import '../../kernels/register.js';
import { CliError } from '../errors.js';
import type { BackendChoice } from '../options/flags.js';
import type { Tf } from '../pipeline/types.js';
import { tryImport } from './optionalImport.js';

/** Imports tfjs, selects the backend and returns tfjs plus the backend's name. */
export async function loadTf(choice: BackendChoice): Promise<{ tf: Tf; backend: string }> {
  if (choice === 'tensorflow' || choice === 'auto') {
    const node = await tryImport<Tf>('@tensorflow/tfjs-node');
    if (node) {
      await node.setBackend('tensorflow');
      await node.ready();
      return { tf: node, backend: 'tensorflow' };
    }
    if (choice === 'tensorflow') {
      throw new CliError(
        "--backend tensorflow needs the optional package '@tensorflow/tfjs-node'; install it with `npm install @tensorflow/tfjs-node`.",
      );
    }
  }
  const tf = await tryImport<Tf>('@tensorflow/tfjs');
  if (!tf) {
    throw new CliError(
      "the CLI needs the optional peer dependency '@tensorflow/tfjs' (layers and gradients); install it with `npm install @tensorflow/tfjs@^4`.",
    );
  }
  tf.enableProdMode(); // fewer debug checks, and no "install tfjs-node" banner from the cpu backend
  const name = choice === 'auto' ? 'wasm' : choice;
  if (name === 'wasm') {
    const wasm = await tryImport('@tensorflow/tfjs-backend-wasm');
    if (!wasm) {
      throw new CliError(
        "--backend wasm needs the optional peer dependency '@tensorflow/tfjs-backend-wasm'; install it with `npm install @tensorflow/tfjs-backend-wasm@^4`, or use --backend cpu (much slower).",
      );
    }
    // tfjs-backend-wasm 4.22 lacks conv filter gradients and has a wrong MaxPoolGrad: patch them.
    enableWasmTraining();
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new CliError(`could not initialise the ${name} backend.`);
  await tf.ready();
  return { tf, backend: name };
}

