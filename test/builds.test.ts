// The same seed gives the same numbers across runs and across the SIMD and scalar builds: two
// fresh Node processes load the published bundle, one per build, draw from the seeded stream
// and run an LSTM forward and backward.
import { test, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const dist = path.resolve(__dirname, '../dist/node.js');
const script = (simd: boolean, threads = 1) => `
import * as rnn from ${JSON.stringify(dist)};
await rnn.init({ simd: ${simd}, threads: ${threads} });
rnn.manualSeed(42);
const draws = Array.from(rnn.randn([6]).toArray());
const lstm = new rnn.LSTM({ inputSize: 5, hiddenSize: 70, bidirectional: true });
const x = rnn.randn([3, 6, 5], { requiresGrad: true });
const { output } = lstm.forward(x, { lengths: [6, 2, 5] });
rnn.ops.sum(rnn.ops.mul(output, output)).backward();
// big enough that two threads split the gate kernels and activations by rows, not only the GEMMs
const big = [];
for (const make of [() => new rnn.RNN({ inputSize: 5, hiddenSize: 600 }), () => new rnn.GRU({ inputSize: 5, hiddenSize: 300 }), () => new rnn.LSTM({ inputSize: 5, hiddenSize: 300 })]) {
  const m = make();
  const xb = rnn.randn([8, 4, 5], { requiresGrad: true });
  const o = m.forward(xb, { lengths: [4, 3, 4, 1, 2, 4, 4, 3] }).output;
  rnn.ops.sum(rnn.ops.mul(o, o)).backward();
  big.push(Array.from(o.toArray()).slice(0, 500), Array.from(xb.grad.toArray()), Array.from(m.parameters()[1].grad.toArray()).slice(0, 500));
}
console.log(JSON.stringify({ info: rnn.backendInfo(), draws, out: Array.from(output.toArray()), grad: Array.from(x.grad.toArray()), big }));
`;

function run(simd: boolean, threads = 1) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(simd, threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('seeded draws are identical across runs and builds; results agree to float32 rounding', () => {
  const a = run(true);
  const a2 = run(true);
  const b = run(false);
  expect(a.info.simd).toBe(true);
  expect(b.info.simd).toBe(false);
  expect(a2.draws).toEqual(a.draws);
  expect(a2.out).toEqual(a.out);
  expect(b.draws).toEqual(a.draws);
  a.out.forEach((v: number, i: number) => expect(Math.abs(v - b.out[i])).toBeLessThan(1e-5));
  a.grad.forEach((v: number, i: number) => expect(Math.abs(v - b.grad[i])).toBeLessThan(1e-4));
}, 60_000);

test('the published bundle runs with two threads and gives exactly the one-thread results', () => {
  const one = run(true);
  const two = run(true, 2);
  expect(two.info.threads).toBe(2);
  expect(two.out).toEqual(one.out);
  expect(two.grad).toEqual(one.grad);
  expect(two.big).toEqual(one.big);
}, 60_000);
