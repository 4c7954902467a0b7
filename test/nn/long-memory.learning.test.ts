// The "other techniques" for long memory learn a dependency over 119 steps that an Elman network
// of the same size cannot: first-token recall (recall-task.ts) at T = 120, each model with a
// Linear head on its final state, 600 Adam steps at lr 0.01, batches of 32; held-out loss (chance:
// ln 4 = 1.386) and accuracy on 256 new sequences.
// - ClockworkRNN, 32 units in 8 modules of periods 1..128: the period-128 module takes the token
//   in at step 0 and does not tick again, so the gradient reaches it in one step.
// - SCRN, 16 hidden + 16 context units, α = 0.99: the context keeps (1-α)·α^119 ≈ 0.3 % of the
//   token, and the model learns to read it. (With the paper's α = 0.95 it keeps 0.01 % and stays
//   at chance within this budget, as measured when this test was written: α sets the memory's
//   time scale, about 1/(1-α) steps.)
// - Elman (tanh) with 26 units, as many parameters as the others or more: does not solve it in
//   the same budget from most initialisations. One run is not enough to say so: over seeds 1-8 one
//   run of eight reaches it (seed 7 with the earlier tanh, seed 3 with the rational one: round-off
//   moves which), the others end at accuracy 27-79 %. So the baseline is the median of five seeds
//   (measured: accuracy 52 %, loss 0.80; seed 3 alone 98 %, 0.09).
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { report } from '../helpers.js';
import { recallParameters, trainRecall } from '../../examples/recall-task.js';

beforeAll(async () => {
  await rnn.init();
});

const T = 120;
const steps = 600;

describe(`long memory: first-token recall over ${T} steps against an Elman RNN of the same size`, () => {
  let elman: { loss: number; accuracy: number; parameters: number };
  beforeAll(() => {
    const runs = [1, 2, 3, 4, 5].map((seed) => {
      rnn.manualSeed(seed);
      const m = new rnn.RNN({ inputSize: 8, hiddenSize: 26 });
      const r = trainRecall(m, { T, steps, lr: 1e-2 });
      report(`Elman(26) ${T}-step recall, seed ${seed}: loss / accuracy`, `${r.loss.toFixed(4)} / ${r.accuracy}`);
      return { ...r, parameters: recallParameters(m, 26) };
    });
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
    elman = { loss: median(runs.map((r) => r.loss)), accuracy: median(runs.map((r) => r.accuracy)), parameters: runs[0].parameters };
    report(
      `Elman(26) ${T}-step recall, median of 5 seeds: loss / accuracy / parameters`,
      `${elman.loss.toFixed(4)} / ${elman.accuracy} / ${elman.parameters}`,
    );
  });

  test('the Elman baseline does not solve it (the median of five initialisations)', () => {
    expect(elman.accuracy).toBeLessThan(0.8);
    expect(elman.loss).toBeGreaterThan(0.3);
  });

  test('ClockworkRNN learns it', () => {
    rnn.manualSeed(1);
    const cw = new rnn.ClockworkRNN({ inputSize: 8, hiddenSize: 32 });
    const free = cw.connectivity.reduce((a, v) => a + v, 0);
    const parameters = recallParameters(cw, 32, 4, (name, p) => (name.startsWith('weight_hh') ? free : p.size));
    const r = trainRecall(cw, { T, steps, lr: 1e-2 });
    report(`ClockworkRNN(32) ${T}-step recall loss / accuracy / parameters`, `${r.loss.toFixed(4)} / ${r.accuracy} / ${parameters}`);
    expect(parameters).toBeLessThanOrEqual(elman.parameters);
    expect(parameters).toBeGreaterThan(0.85 * elman.parameters);
    expect(r.loss).toBeLessThan(0.05);
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(r.loss).toBeLessThan(elman.loss / 10);
  });

  test('SCRN (α = 0.99) learns it', () => {
    rnn.manualSeed(2);
    const m = new rnn.SCRN({ inputSize: 8, hiddenSize: 16, contextSize: 16, alpha: 0.99 });
    const parameters = recallParameters(m, 32);
    const r = trainRecall(m, { T, steps, lr: 1e-2 });
    report(`SCRN(16+16) ${T}-step recall loss / accuracy / parameters`, `${r.loss.toFixed(4)} / ${r.accuracy} / ${parameters}`);
    expect(parameters).toBeLessThanOrEqual(elman.parameters);
    expect(parameters).toBeGreaterThan(0.85 * elman.parameters);
    expect(r.loss).toBeLessThan(0.1);
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(r.loss).toBeLessThan(elman.loss / 5);
  });
});
