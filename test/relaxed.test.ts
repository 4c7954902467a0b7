// Runs in the relaxed-SIMD project only (vitest.config.ts): with the engine flag, init() picks the
// fused multiply-add build, and an LSTM trained on it matches the plain SIMD kernels closely.
import { test, expect } from 'vitest';
import * as rnn from '../src/node.js';
import { relaxedSimdSupported } from '../src/backend/wasm.js';

test('init() picks the relaxed-SIMD build when the engine validates relaxed SIMD, and it trains', async () => {
  await rnn.init();
  expect(rnn.backendInfo().relaxedSimd).toBe(relaxedSimdSupported());
  expect(rnn.backendInfo().relaxedSimd).toBe(process.env.RNN_TEST_BUILDS === 'relaxed');
  rnn.manualSeed(1);
  const lstm = new rnn.LSTM({ inputSize: 5, hiddenSize: 12 });
  const head = new rnn.Linear({ inFeatures: 12, outFeatures: 2 });
  const opt = new rnn.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });
  const x = rnn.randn([8, 6, 5]);
  const y = [0, 1, 0, 1, 1, 0, 1, 0];
  const losses: number[] = [];
  for (let i = 0; i < 60; i++) {
    const loss = rnn.crossEntropy(head.forward(rnn.ops.select(lstm.forward(x).hN, 0, 0)), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  // chance is ln 2 = 0.693: the eight labels are learnt, every one classified right
  expect(losses[59]).toBeLessThan(0.1);
  const logits = rnn.noGrad(() => head.forward(rnn.ops.select(lstm.forward(x).hN, 0, 0))).toNested() as number[][];
  expect(logits.map((l) => (l[1] > l[0] ? 1 : 0))).toEqual(y);
});
