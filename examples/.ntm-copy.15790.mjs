import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// examples/ntm-copy.ts
import * as rnn from "rnn-wasm";

// examples/copy-data.ts
function copyBatch(rng2, B, L, W2) {
  const T2 = 2 * L + 1;
  const x2 = new Float32Array(B * T2 * (W2 + 1));
  const y = new Float32Array(B * L * W2);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < L; t++)
      for (let j = 0; j < W2; j++) {
        const bit = rng2() < 0.5 ? 1 : 0;
        x2[(b * T2 + t) * (W2 + 1) + j] = bit;
        y[(b * L + t) * W2 + j] = bit;
      }
    x2[(b * T2 + L) * (W2 + 1) + W2] = 1;
  }
  return { x: x2, y, T: T2 };
}

// examples/ntm-copy.ts
await rnn.init();
rnn.manualSeed(1);
var seed = 3;
var rng = () => (seed = seed * 1103515245 + 12345 >>> 0) / 4294967296;
var W = 4;
var ntm = new rnn.NTM({ inputSize: W + 1, outputSize: W, controllerSize: 64, memorySize: 20, memoryWidth: 8 });
var opt = new rnn.Adam(ntm.parameters(), { lr: 3e-3 });
function bitErrors(L, n = 64) {
  const { x: x2, y, T: T2 } = copyBatch(rng, n, L, W);
  const out = rnn.noGrad(() => rnn.ops.slice(ntm.forward(rnn.tensor(x2, [n, T2, W + 1])).output, 1, L + 1)).toArray();
  return out.reduce((e, v, i) => e + ((v > 0 ? 1 : 0) === y[i] ? 0 : 1), 0) / n;
}
var t0 = performance.now();
for (let step = 1; step <= 4e3; step++) {
  const L = 1 + Math.floor(rng() * 6);
  const { x: x2, y, T: T2 } = copyBatch(rng, 16, L, W);
  const pred = rnn.ops.slice(ntm.forward(rnn.tensor(x2, [16, T2, W + 1])).output, 1, L + 1);
  const loss = rnn.bceWithLogits(pred, rnn.tensor(y, [16, L, W]));
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(ntm.parameters(), 10);
  opt.step();
  if (step % 500 === 0) console.log(`step ${step} (${((performance.now() - t0) / 1e3).toFixed(0)} s): bit errors per sequence, length 6: ${bitErrors(6).toFixed(2)}`);
}
for (const L of [4, 6, 8, 10, 12]) console.log(`length ${L}${L > 6 ? " (longer than any in training)" : ""}: ${bitErrors(L).toFixed(2)} bit errors per sequence of ${L * W} bits`);
var { x, T } = copyBatch(rng, 1, 6, W);
var { writeWeights, readWeights } = rnn.noGrad(() => ntm.forward(rnn.tensor(x, [1, T, W + 1])));
var focus = (w) => {
  const a = w.toArray();
  return a.indexOf(Math.max(...a));
};
console.log(`
write head focus per step: ${writeWeights.map((ws) => focus(ws[0])).join(" ")}`);
console.log(`read head focus per step:  ${readWeights.map((ws) => focus(ws[0])).join(" ")}`);
