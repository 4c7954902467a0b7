import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { expectClose } from '../helpers.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/cells.json', import.meta.url), 'utf8'));
const T = (j: { shape: number[]; data: number[] }, requiresGrad = false) => rnn.tensor(j.data, j.shape, { requiresGrad });

beforeAll(async () => {
  await rnn.init();
});

describe.each(['RNNCell', 'LSTMCell', 'GRUCell'] as const)('%s matches PyTorch over 3 carried steps', (kind) => {
  test('outputs and every gradient', () => {
    const f = fx[kind];
    const cell = new rnn[kind]({ inputSize: 5, hiddenSize: 7 });
    cell.loadStateDict(f.stateDict);
    const xs = T(f.x, true);
    const h0 = T(f.h0, true);
    const c0 = f.c0 ? T(f.c0, true) : null;
    let h: rnn.Tensor = h0;
    let c: rnn.Tensor | null = c0;
    let loss: rnn.Tensor = rnn.tensor(0);
    const hs: rnn.Tensor[] = [];
    for (let t = 0; t < 3; t++) {
      const x = ops.select(xs, 0, t);
      if (cell instanceof rnn.LSTMCell) {
        const s = cell.forward(x, { h, c });
        h = s.h;
        c = s.c;
        loss = ops.add(loss, ops.sum(ops.mul(c, ops.select(T(f.Q), 0, t))));
      } else {
        h = cell.forward(x, h);
      }
      hs.push(h);
      loss = ops.add(loss, ops.sum(ops.mul(h, ops.select(T(f.R), 0, t))));
    }
    expectClose(ops.stack(hs, 0).data, f.h.data, { rtol: 1e-4, atol: 1e-5 });
    loss.backward();
    const tol = { rtol: 5e-4, atol: 5e-5 };
    expectClose(xs.grad!.data, f.grads.x.data, tol);
    expectClose(h0.grad!.data, f.grads.h0.data, tol);
    if (c0) expectClose(c0.grad!.data, f.grads.c0.data, tol);
    for (const [name, p] of cell.namedParameters()) expectClose(p.grad!.data, f.grads[name].data, tol);
    expect(cell.namedParameters().map(([n]) => n)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });
});

describe.each(['RNNCell', 'LSTMCell', 'GRUCell'] as const)('%s without a gradient (the tapeless step)', (kind) => {
  test('matches PyTorch over 3 carried steps, from zero states too, and adds nothing to the tape', () => {
    const f = fx[kind];
    const cell = new rnn[kind]({ inputSize: 5, hiddenSize: 7 });
    cell.loadStateDict(f.stateDict);
    const xs = T(f.x);
    rnn.noGrad(() => {
      let h: rnn.Tensor = T(f.h0);
      let c: rnn.Tensor | null = f.c0 ? T(f.c0) : null;
      const hs: rnn.Tensor[] = [];
      for (let t = 0; t < 3; t++) {
        const x = ops.select(xs, 0, t);
        if (cell instanceof rnn.LSTMCell) ({ h, c } = cell.forward(x, { h, c }));
        else h = cell.forward(x, h);
        expect(h.requiresGrad).toBe(false);
        hs.push(h);
      }
      expectClose(ops.stack(hs, 0).data, f.h.data, { rtol: 1e-4, atol: 1e-5 });
    });
    // from no state: the same as from explicit zeros, on the taped path (a leaf that needs a gradient)
    const x0 = ops.select(xs, 0, 0);
    const zero = rnn.zeros([x0.shape[0], 7]);
    const taped = (s: rnn.Tensor) =>
      cell instanceof rnn.LSTMCell ? cell.forward(s, { h: zero, c: zero }).h : (cell as rnn.RNNCell).forward(s, zero);
    const want = taped(rnn.tensor(x0.toArray(), x0.shape as number[], { requiresGrad: true }));
    const got = rnn.noGrad(() => (cell instanceof rnn.LSTMCell ? cell.forward(x0).h : (cell as rnn.RNNCell).forward(x0)));
    expectClose(got.data, want.data, { rtol: 1e-6, atol: 1e-7 });
  });
});

test.each(['RNNCell', 'LSTMCell', 'GRUCell'] as const)('%s without biases: the tapeless step equals the taped one', (kind) => {
  rnn.manualSeed(12);
  const cell = new rnn[kind]({ inputSize: 5, hiddenSize: 7, bias: false });
  const x = rnn.randn([3, 5]);
  const h = rnn.randn([3, 7]);
  const c = rnn.randn([3, 7]);
  const step = (xx: rnn.Tensor) => (cell instanceof rnn.LSTMCell ? cell.forward(xx, { h, c }).c : (cell as rnn.RNNCell).forward(xx, h));
  const want = step(rnn.tensor(x.toArray(), [3, 5], { requiresGrad: true }));
  expectClose(rnn.noGrad(() => step(x)).data, want.data, { rtol: 1e-6, atol: 1e-7 });
});

test('cells validate their arguments', () => {
  const cell = new rnn.GRUCell({ inputSize: 3, hiddenSize: 4 });
  expect(() => cell.forward(rnn.zeros([2, 5]))).toThrow('GRUCell: x must be [B,3], got [2,5]');
  expect(() => cell.forward(rnn.zeros([2, 3]), rnn.zeros([3, 4]))).toThrow('GRUCell: h must be [2,4], got [3,4]');
});
