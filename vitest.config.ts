import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles the SIMD kernels (src/kernels/simd/binary.generated.ts) when missing or stale.
    globalSetup: ['test/helpers/compileWasm.ts'],
    // The fused cpu/wasm kernels registered before each file's tests, as the package's Node entry does.
    setupFiles: ['test/packaging/nodeEntry.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Slow end-to-end runs on ../shared/data. `npm run test:fast` leaves them out,
    // `npm run test:integration` runs only them; `npm test` runs everything.
    tags: [{ name: 'integration', description: 'slow end-to-end training on the real data in ../shared/data' }],
  },
});
