import * as rnn from '../src/index.js';
import { copyBatch, mulberry32 } from '../examples/copy-data.js';
await rnn.init();
rnn.manualSeed(1);
const W = 4;
const ntm = new rnn.NTM({ inputSize: W + 1, outputSize: W, controllerSize: 64, memorySize: 20, memoryWidth: 8 });
const opt = new rnn.Adam(ntm.parameters(), { lr: 3e-3 });
const rng = mulberry32(3);
const t0 = performance.now();
for (let step = 1; step <= 600; step++) {
  const L = 1 + Math.floor(rng() * 6);
  const { x, y, T } = copyBatch(rng, 16, L, W);
  const pred = rnn.ops.slice(ntm.forward(rnn.tensor(x, [16, T, W + 1])).output, 1, L + 1);
  const loss = rnn.bceWithLogits(pred, rnn.tensor(y, [16, L, W]));
  opt.zeroGrad(); loss.backward(); rnn.clipGradNorm(ntm.parameters(), 10); opt.step();
}
console.log('ms/step', ((performance.now() - t0) / 600).toFixed(2));
