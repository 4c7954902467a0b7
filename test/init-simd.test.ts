import { test, expect } from 'vitest';
import * as rnn from '../src/node.js';

test('init() picks the SIMD build where the engine has SIMD (Node 20 has)', async () => {
  await rnn.init();
  expect(rnn.backendInfo()).toEqual({ simd: true, relaxedSimd: false, threads: 1, version: expect.any(String) });
});
