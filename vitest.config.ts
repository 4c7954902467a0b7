import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Projects:
// - default: the unit tests on the engine's default build (everything but *.learning.test.ts);
// - relaxed-simd: the GEMM kernels, the PyTorch layer fixtures and threads on the relaxed-SIMD
//   build (fused multiply-add), with Node's flag;
// - slow: the tests that train a model to a measured bound (*.learning.test.ts: NTM copy task,
//   seq2seq, long-range recall, CTC) and the ones that need seconds or gigabytes (*.slow.test.ts).
//   `npm test` runs all three; `npm run test:unit` only the first two; CI runs unit then slow.
const SLOW = ['test/**/*.learning.test.ts', 'test/**/*.slow.test.ts'];

export default defineConfig({
  // examples import 'rnn-wasm'; a test that uses an example's code runs it on this tree's source
  resolve: { alias: { 'rnn-wasm': fileURLToPath(new URL('./src/node.ts', import.meta.url)) } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], exclude: SLOW } },
      {
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['test/kernels/matmul.test.ts', 'test/nn/recurrent-fixtures.test.ts', 'test/relaxed.test.ts', 'test/threads.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          env: { RNN_TEST_BUILDS: 'relaxed' },
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
