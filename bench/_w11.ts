import * as rnn from '../src/node.js';
await rnn.init();
const rand = (n: number, s: number) => {
  let x = s;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x / 4294967296) * 2 - 1;
  });
};
rnn.manualSeed(6);
const ntm = new rnn.NTM({ inputSize: 10, outputSize: 8, controllerSize: 100, memorySize: 32, memoryWidth: 16 });
const x = rnn.tensor(rand(16 * 21 * 10, 7), [16, 21, 10]);
const y = rnn.tensor(
  rand(16 * 21 * 8, 8).map((v) => (v > 0 ? 1 : 0)),
  [16, 21, 8],
);
const opt = new rnn.Adam(ntm.parameters(), { lr: 1e-3 });
const step = () => {
  const loss = rnn.bceWithLogits(ntm.forward(x).output, y);
  opt.zeroGrad();
  loss.backward();
  opt.step();
};
for (let i = 0; i < 3; i++) step();
const ts: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  step();
  ts.push(performance.now() - t0);
}
ts.sort((a, b) => a - b);
console.log(process.cwd(), 'W11 median', ts[3].toFixed(1));
