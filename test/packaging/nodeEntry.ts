// Every test file runs as the package's Node entry (src/withKernels.ts) does: with the fused
// cpu/wasm kernels registered before its first test, not loaded on the first call as in a bundled
// browser app (lazyKernels.test.ts beside this file covers that). They are loaded in a hook, after
// the test file's imports, so that a file's vi.mock of a kernel module applies to them too.
import { beforeAll } from 'vitest';
import { loadKernels } from '../../src/kernels/dispatch.js';

beforeAll(() => loadKernels());
