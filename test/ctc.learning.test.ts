// A bidirectional GRU trained with CTC on unsegmented sequences reaches a low label error rate.
import { test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { ctcSample, editDistance } from '../examples/ctc-data.js';
import { ctcReader } from '../examples/ctc-model.js';
import { report, seeded } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

test('CTC learning: label error rate below 5% on held-out unsegmented sequences', () => {
  rnn.manualSeed(1);
  // the reader of examples/ctc.ts, smaller
  const { run, trainStep } = ctcReader(32);
  const rng = seeded(2);
  let first = 0,
    last = 0;
  for (let step = 0; step < 200; step++) {
    const samples = Array.from({ length: 16 }, () => ctcSample(rng));
    const loss = trainStep(samples);
    if (step === 0) first = loss;
    last = loss;
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
