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

describe('snapshots are copied on write', () => {
  test('two graphs share a weight snapshot: after one backward, a change still leaves the other graph the weights it saw', () => {
    rnn.manualSeed(4);
    const lin = new rnn.Linear({ inFeatures: 3, outFeatures: 4 });
    const x = rnn.randn([2, 3], { requiresGrad: true });
    const want = () => {
      const xr = rnn.tensor(x.toArray(), [2, 3], { requiresGrad: true });
      ops.sum(ops.mul(lin.forward(xr), lin.forward(xr))).backward();
      return Array.from(xr.grad!.data);
    };
    const before = want();
    const a = ops.sum(ops.mul(lin.forward(x), lin.forward(x)));
    const b = ops.sum(ops.mul(lin.forward(x), lin.forward(x)));
    a.backward(); // releases its hold on the shared snapshot; b still holds it
    expect(Array.from(x.grad!.data)).toEqual(before);
    x.grad = null;
    lin.weight.data[1] += 2; // a change after the first backward, before the second
    b.backward();
    expect(Array.from(x.grad!.data)).toEqual(before);
    x.grad = null;
    expect(want()).not.toEqual(before); // the change does move the gradient
  });

  test('an optimiser step between forward and backward: the gradient is that of the weights forward used', () => {
    rnn.manualSeed(5);
    const lstm = new rnn.LSTM({ inputSize: 3, hiddenSize: 4 });
    const x = rnn.randn([2, 5, 3], { requiresGrad: true });
    const loss = () => ops.sum(ops.mul(lstm.forward(x).output, lstm.forward(x).output));
    loss().backward();
    const want = Array.from(x.grad!.data);
    x.grad = null;
    const l = loss();
    const opt = new rnn.SGD(lstm.parameters(), { lr: 0.5 });
    opt.step(); // the gradients of the first backward, applied before the second backward
    l.backward();
    expect(Array.from(x.grad!.data)).toEqual(want);
  });
});
