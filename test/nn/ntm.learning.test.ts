// The Neural Turing Machine: each addressing stage and a whole step by finite differences, the
// stages' semantics, and the copy task (Graves et al. 2014), including sequences longer than any
// seen in training.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { report, seeded } from '../helpers.js';
import { copyBatch } from '../../examples/copy-data.js';

beforeAll(async () => {
  await rnn.init();
});

describe('copy task', () => {
  test('learns to copy sequences of 1-6 bit vectors and copies 8 with few bit errors', () => {
    rnn.manualSeed(1);
    const W = 4;
    const ntm = new rnn.NTM({ inputSize: W + 1, outputSize: W, controllerSize: 64, memorySize: 20, memoryWidth: 8 });
    const opt = new rnn.Adam(ntm.parameters(), { lr: 3e-3 });
    const rng = seeded(3);
    for (let step = 1; step <= 4000; step++) {
      const L = 1 + Math.floor(rng() * 6);
      const { x, y, T } = copyBatch(rng, 16, L, W);
      const pred = ops.slice(ntm.forward(rnn.tensor(x, [16, T, W + 1])).output, 1, L + 1);
      const loss = rnn.bceWithLogits(pred, rnn.tensor(y, [16, L, W]));
      opt.zeroGrad();
      loss.backward();
      rnn.clipGradNorm(ntm.parameters(), 10);
      opt.step();
    }
    const bitErrors = (L: number) =>
      rnn.noGrad(() => {
        const { x, y, T } = copyBatch(seeded(L * 7), 64, L, W);
        const pred = ops.slice(ntm.forward(rnn.tensor(x, [64, T, W + 1])).output, 1, L + 1);
        let e = 0;
        pred.toArray().forEach((v, i) => (e += (v > 0 ? 1 : 0) === y[i] ? 0 : 1));
        return e / 64;
      });
    const e6 = bitErrors(6),
      e8 = bitErrors(8);
    report('NTM copy bit errors per sequence, length 6 / 8', `${e6} / ${e8}`);
    expect(e6).toBeLessThan(0.5); // of 24 bits
    expect(e8).toBeLessThan(3); // of 32 bits, length never trained on
  }, 120_000);
});
