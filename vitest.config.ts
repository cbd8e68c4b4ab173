import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles the SIMD kernels (src/kernels/simd/binary.generated.ts) when missing or stale.
    globalSetup: ['test/helpers/compileWasm.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
