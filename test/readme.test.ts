// The README's quick start, as written there, runs and trains.
import { test, expect } from 'vitest';
import * as rnn from '../src/node.js';
import { report } from './helpers.js';

test('README quick start', async () => {
  await rnn.init();
  rnn.manualSeed(0);
  const lstm = new rnn.LSTM({ inputSize: 8, hiddenSize: 32, bidirectional: true });
  const head = new rnn.Linear({ inFeatures: 64, outFeatures: 3 });
  const opt = new rnn.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = rnn.randn([4, 10, 8]);
  const targets = Array.from({ length: 40 }, (_, i) => i % 3);
  const losses: number[] = [];
  for (let i = 0; i < 150; i++) {
    const { output, hN, cN } = lstm.forward(x, { lengths: [10, 7, 3, 9] });
    expect(hN.shape).toEqual([2, 4, 32]);
    expect(cN!.shape).toEqual([2, 4, 32]);
    const loss = rnn.crossEntropy(head.forward(output), targets);
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(lstm.parameters(), 1);
    opt.step();
    losses.push(loss.item());
  }
  // chance is ln 3 = 1.0986 (three classes, balanced); the model memorises the labels of the valid steps
  report('README quick start: cross-entropy after 150 steps', losses[149]);
  expect(losses[149]).toBeLessThan(0.5);
});
