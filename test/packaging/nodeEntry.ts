// Every test file runs as the package's Node entry (src/withKernels.ts) does: with the fused
// cpu/wasm kernels registered at import, not loaded on the first call as in a bundled browser app
// (lazyKernels.test.ts beside this file covers that).
import '../../src/kernels/register.js';
