import { defineConfig } from 'vitest/config';

// Two projects: everything on the engine's default build, and the relaxed-SIMD build (fused
// multiply-add in GEMM) with Node's flag, on the GEMM kernels and the PyTorch layer fixtures.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['test/kernels/matmul.test.ts', 'test/nn/recurrent-fixtures.test.ts', 'test/relaxed.test.ts', 'test/threads.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          env: { RNN_TEST_BUILDS: 'relaxed' },
        },
      },
    ],
  },
});
