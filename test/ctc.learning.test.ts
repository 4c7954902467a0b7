// A bidirectional GRU trained with CTC on unsegmented sequences reaches a low label error rate.
import { test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { ops } from '../src/node.js';
import { ctcSample, editDistance, padFrames, type CtcSample } from '../examples/ctc-data.js';
import { report, seeded } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

test('CTC learning: label error rate below 5% on held-out unsegmented sequences', () => {
  rnn.manualSeed(1);
  const gru = new rnn.GRU({ inputSize: 6, hiddenSize: 32, bidirectional: true });
  const head = new rnn.Linear({ inFeatures: 64, outFeatures: 5 });
  const params = [...gru.parameters(), ...head.parameters()];
  const opt = new rnn.Adam(params, { lr: 1e-2 });
  const run = (samples: CtcSample[]) => {
    const { x, shape, lengths } = padFrames(samples);
    const logits = head.forward(gru.forward(rnn.tensor(x, shape), { lengths }).output); // [B,T,C]
    return { lp: ops.logSoftmax(ops.transpose(logits, 0, 1), 2), lengths }; // [T,B,C]
  };
  const rng = seeded(2);
  let first = 0,
    last = 0;
  for (let step = 0; step < 200; step++) {
    const samples = Array.from({ length: 16 }, () => ctcSample(rng));
    const { lp, lengths } = run(samples);
    const loss = rnn.ctcLoss(
      lp,
      samples.map((s) => s.labels),
      lengths,
      samples.map((s) => s.labels.length),
    );
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(params, 5);
    opt.step();
    if (step === 0) first = loss.item();
    last = loss.item();
  }
  const testRng = seeded(99);
  const held = Array.from({ length: 100 }, () => ctcSample(testRng));
  const { lp, lengths } = rnn.noGrad(() => run(held));
  const decoded = rnn.ctcGreedyDecode(lp, lengths);
  const errors = held.reduce((a, s, i) => a + editDistance(decoded[i], s.labels), 0);
  const total = held.reduce((a, s) => a + s.labels.length, 0);
  report('CTC label error rate (held-out)', errors / total);
  expect(last).toBeLessThan(first / 5);
  expect(errors / total).toBeLessThan(0.05);
});
