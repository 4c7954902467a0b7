// Offsets past 2 GiB of wasm memory: an LSTM whose working set is about 2.3 GiB must give the same
// values as the same batch run in pieces that each stay far below 2 GiB (offsets computed with a
// signed 32-bit shift went negative past 2^31 bytes: 96 % zeros in the output, then a RangeError).
// Needs ~6 GiB of RAM; CI machines have 24.
import { test, expect, beforeAll } from 'vitest';
import { freemem } from 'node:os';
import * as rnn from '../src/node.js';
import { seeded } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

const enough = freemem() > 8 * 2 ** 30;

test.runIf(enough || process.env.CI)(
  'an LSTM forward with a 2.3 GiB working set equals the same batch run in pieces',
  () => {
    rnn.manualSeed(5);
    const B = 64,
      T = 20_000,
      I = 8,
      H = 64;
    const lstm = new rnn.LSTM({ inputSize: I, hiddenSize: H });
    const rng = seeded(9);
    const x = rnn.tensor(
      Float32Array.from({ length: B * T * I }, () => rng() * 2 - 1),
      [B, T, I],
    );
    const whole = rnn.noGrad(() => lstm.forward(x));
    expect(rnn.memoryStats().wasmMemoryBytes).toBeGreaterThan(2 ** 31);
    const piece = 8;
    for (let b0 = 0; b0 < B; b0 += piece) {
      const part = rnn.tensor(x.data.slice(b0 * T * I, (b0 + piece) * T * I), [piece, T, I]);
      const ref = rnn.noGrad(() => lstm.forward(part));
      const got = whole.output.data.subarray(b0 * T * H, (b0 + piece) * T * H);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref.output.data[i]));
      expect(worst, `sequences ${b0}..${b0 + piece - 1}`).toBeLessThan(1e-5);
      const hN = whole.hN.data.subarray(b0 * H, (b0 + piece) * H);
      expect(Array.from(hN).map((v, i) => Math.abs(v - ref.hN.data[i]) < 1e-5)).not.toContain(false);
    }
    // and the last step really was computed (not left at zero)
    const last = whole.output.data.subarray((T - 1) * H, T * H);
    expect(Math.max(...last.map(Math.abs))).toBeGreaterThan(1e-3);
  },
  300_000,
);
