import { defineConfig } from 'vitest/config';

// Projects:
// - default: the unit tests on the engine's default build (everything but *.learning.test.ts);
// - relaxed-simd: the GEMM kernels, the PyTorch layer fixtures and threads on the relaxed-SIMD
//   build (fused multiply-add), with Node's flag;
// - learning: the slower tests that train a model to a measured bound (NTM copy task, seq2seq,
//   long-range recall, CTC). `npm test` runs all three, unit projects first in the CI report;
//   `npm run test:unit` runs only the first two.
const LEARNING = 'test/**/*.learning.test.ts';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], exclude: [LEARNING] } },
      {
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['test/kernels/matmul.test.ts', 'test/nn/recurrent-fixtures.test.ts', 'test/relaxed.test.ts', 'test/threads.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          env: { RNN_TEST_BUILDS: 'relaxed' },
        },
      },
      { extends: true, test: { name: 'learning', include: [LEARNING] } },
    ],
  },
});
