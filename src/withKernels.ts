/**
 * The package's entry for Node (`exports["."].node`) and for the global browser build: the public
 * API of index.ts with the fused `cpu`/`wasm` kernels registered at import, so that the first call
 * on those backends already runs them. Bundled browser apps get index.ts instead, which loads the
 * kernels only on a first call on `cpu` or `wasm` (see kernels/dispatch.ts).
 * @packageDocumentation
 */
import './kernels/register.js';

export * from './index.js';
