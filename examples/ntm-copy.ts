// The Neural Turing Machine copy task (Graves et al. 2014): store a sequence of bit vectors in
// memory, then write it back; trained on 1-6 vectors, tested on longer ones too.
//   npm run example:ntm
import * as rnn from 'rnn-wasm';
import { copyBatch, mulberry32 } from './copy-data.js';

await rnn.init();
rnn.manualSeed(1);
const rng = mulberry32(3); // training data; evaluation draws from its own streams
const W = 4;
const ntm = new rnn.NTM({ inputSize: W + 1, outputSize: W, controllerSize: 64, memorySize: 20, memoryWidth: 8 });
const opt = new rnn.Adam(ntm.parameters(), { lr: 3e-3 });

function bitErrors(L: number, n = 64): number {
  const { x, y, T } = copyBatch(mulberry32(L * 7), n, L, W);
  const out = rnn.noGrad(() => rnn.ops.slice(ntm.forward(rnn.tensor(x, [n, T, W + 1])).output, 1, L + 1)).toArray();
  return out.reduce((e, v, i) => e + ((v > 0 ? 1 : 0) === y[i] ? 0 : 1), 0) / n;
}

const t0 = performance.now();
for (let step = 1; step <= 4000; step++) {
  const L = 1 + Math.floor(rng() * 6);
  const { x, y, T } = copyBatch(rng, 16, L, W);
  const pred = rnn.ops.slice(ntm.forward(rnn.tensor(x, [16, T, W + 1])).output, 1, L + 1);
  const loss = rnn.bceWithLogits(pred, rnn.tensor(y, [16, L, W]));
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(ntm.parameters(), 10);
  opt.step();
  if (step % 500 === 0)
    console.log(
      `step ${step} (${((performance.now() - t0) / 1000).toFixed(0)} s): bit errors per sequence, length 6: ${bitErrors(6).toFixed(2)}`,
    );
}
for (const L of [4, 6, 8, 10, 12])
  console.log(
    `length ${L}${L > 6 ? ' (longer than any in training)' : ''}: ${bitErrors(L).toFixed(2)} bit errors per sequence of ${L * W} bits`,
  );

const { x, T } = copyBatch(mulberry32(99), 1, 6, W);
const { writeWeights, readWeights } = rnn.noGrad(() => ntm.forward(rnn.tensor(x, [1, T, W + 1])));
const focus = (w: rnn.Tensor) => {
  const a = w.toArray();
  return a.indexOf(Math.max(...a));
};
console.log(`\nwrite head focus per step: ${writeWeights.map((ws) => focus(ws[0])).join(' ')}`);
console.log(`read head focus per step:  ${readWeights.map((ws) => focus(ws[0])).join(' ')}`);
