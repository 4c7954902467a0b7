// Backward reads what forward saved: changing the weights in place between forward and backward
// (as an optimiser step or loadStateDict does) leaves the gradients of that forward unchanged.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops, type Tensor } from '../../src/node.js';

beforeAll(async () => {
  await rnn.init();
});

interface Case {
  make: () => { params: Tensor[]; run: (x: Tensor) => Tensor };
  x: number[];
}

const recurrent = (m: { parameters(): Tensor[]; forward(x: Tensor, o?: object): { output: Tensor; hN: Tensor } }, o: object = {}) => ({
  params: m.parameters(),
  run: (x: Tensor) => {
    const r = m.forward(x, o);
    return ops.add(ops.sum(ops.mul(r.output, r.output)), ops.sum(ops.mul(r.hN, r.hN)));
  },
});

const CASES: Record<string, Case> = {
  'RNN (2 layers, bidirectional, lengths)': {
    make: () => recurrent(new rnn.RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true }), { lengths: [4, 2] }),
    x: [2, 4, 3],
  },
  'LSTM (peepholes, projection, bidirectional)': {
    make: () => recurrent(new rnn.LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2, peephole: true, bidirectional: true })),
    x: [2, 4, 3],
  },
  'GRU (reset before)': { make: () => recurrent(new rnn.GRU({ inputSize: 3, hiddenSize: 5, resetAfter: false })), x: [2, 4, 3] },
  'GRU (reset after)': { make: () => recurrent(new rnn.GRU({ inputSize: 3, hiddenSize: 5 })), x: [2, 4, 3] },
  'JordanRNN (softmax output)': {
    make: () => recurrent(new rnn.JordanRNN({ inputSize: 3, hiddenSize: 5, outputSize: 4, outputActivation: 'softmax' })),
    x: [2, 4, 3],
  },
  Linear: {
    make: () => {
      const m = new rnn.Linear({ inFeatures: 3, outFeatures: 4 });
      return { params: m.parameters(), run: (x) => ops.sum(ops.mul(m.forward(x), m.forward(x))) };
    },
    x: [2, 4, 3],
  },
  'matmul (batched)': {
    make: () => {
      const w = rnn.randn([2, 3, 5], { requiresGrad: true });
      return { params: [w], run: (x) => ops.sum(ops.tanh(ops.matmul(x, w))) };
    },
    x: [2, 4, 3],
  },
};

describe.each(Object.keys(CASES))('%s', (name) => {
  test('gradients do not see a weight change between forward and backward', () => {
    const c = CASES[name];
    rnn.manualSeed(3);
    const { params, run } = c.make();
    const x = rnn.randn(c.x, { requiresGrad: true });
    run(x).backward();
    const want = [x, ...params].map((p) => p.grad!.toArray());
    for (const p of [x, ...params]) p.grad = null;
    const loss = run(x);
    for (const p of params) p.data.forEach((v, i, d) => (d[i] = 0.5 * v + 0.25)); // in place, as an optimiser step
    loss.backward();
    const got = [x, ...params].map((p) => p.grad!.toArray());
    got.forEach((g, i) => expect(Array.from(g), `gradient ${i}`).toEqual(Array.from(want[i])));
    // and the changed weights do give other gradients, so the check above can fail
    for (const p of [x, ...params]) p.grad = null;
    run(x).backward();
    expect(Array.from(params[0].grad!.data)).not.toEqual(Array.from(want[1]));
  });
});
