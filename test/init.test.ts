import { test, expect } from 'vitest';
import * as rnn from '../src/node.js';
import { readFile } from 'node:fs/promises';

// This file has its own module graph (vitest isolates files): the core is not loaded yet.
test('using the library before init() says to call init()', () => {
  expect(() => rnn.backendInfo()).toThrow('call `await rnn.init()` first');
  expect(() => rnn.ops.tanh(rnn.tensor([1]))).toThrow('call `await rnn.init()` first');
});

test('init({ simd: false, wasm: bytes }) runs the scalar build; init is idempotent', async () => {
  const bytes = await readFile(new URL('../build/rnn-scalar.wasm', import.meta.url));
  await rnn.init({ simd: false, wasm: bytes });
  await rnn.init();
  expect(rnn.backendInfo()).toMatchObject({ simd: false, threads: 1 });
  rnn.manualSeed(5);
  const x = rnn.randn([3, 4], { requiresGrad: true });
  rnn.ops.sum(rnn.ops.tanh(x)).backward();
  expect(x.grad!.data.every((g) => g > 0 && g <= 1)).toBe(true);
});
