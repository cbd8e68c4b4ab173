/**
 * `segloss/kernels`: importing it registers the fused `cpu`/`wasm` kernels at once, for a browser
 * app on `cpu` or `wasm` that wants its first loss call fused too (without it they load on that
 * first call, and the call takes the composite path). Node's entry does this already; an app on
 * `webgl` or `webgpu` never needs it.
 * @packageDocumentation
 */
import './register.js';

export {};
