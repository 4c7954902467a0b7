// The recurrent forms with no PyTorch twin (peephole LSTM, reset-before GRU) against a plain
// TypeScript step-by-step reference, and every form by finite differences on the wasm path,
// with variable lengths, h0 and both directions.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops, type Tensor } from '../../src/node.js';
import { lstmSequence } from '../../src/reference/lstm.js';
import { gruSequence } from '../../src/reference/gru.js';
import { gradCheckTensors } from '../gradcheck.js';
import { expectClose } from '../helpers.js';

beforeAll(async () => {
  await rnn.init();
});

function weightedLoss(res: { output: Tensor; hN: Tensor; cN?: Tensor }, seed: number): Tensor {
  rnn.manualSeed(seed);
  const r = rnn.randn(res.output.shape as number[]);
  const rh = rnn.randn(res.hN.shape as number[]);
  let loss = ops.add(ops.sum(ops.mul(res.output, r)), ops.sum(ops.mul(res.hN, rh)));
  if (res.cN) loss = ops.add(loss, ops.sum(ops.mul(res.cN, rnn.randn(res.cN.shape as number[]))));
  return loss;
}

describe('peephole LSTM', () => {
  test('forward matches the step-by-step reference (B=2, T=4, I=3, H=5)', () => {
    rnn.manualSeed(1);
    const m = new rnn.LSTM({ inputSize: 3, hiddenSize: 5, peephole: true });
    const x = rnn.randn([2, 4, 3]);
    const sd = m.stateDict();
    const want = lstmSequence(x.data, 2, 4, 3, 5, {
      wIh: sd.weight_ih_l0.data,
      wHh: sd.weight_hh_l0.data,
      bIh: sd.bias_ih_l0.data,
      bHh: sd.bias_hh_l0.data,
      wCi: sd.weight_ci_l0.data,
      wCf: sd.weight_cf_l0.data,
      wCo: sd.weight_co_l0.data,
    });
    const res = m.forward(x);
    expectClose(res.output.data, want.output, { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, want.hN, { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.cN!.data, want.cN, { rtol: 1e-5, atol: 1e-6 });
    expect(Object.keys(sd)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ci_l0',
      'weight_cf_l0',
      'weight_co_l0',
    ]);
  });
  test('peepholes change the result (they are wired in)', () => {
    rnn.manualSeed(2);
    const m = new rnn.LSTM({ inputSize: 3, hiddenSize: 5, peephole: true });
    const x = rnn.randn([2, 4, 3]);
    const a = m.forward(x).output.toArray();
    for (const [n, p] of m.namedParameters()) if (n.startsWith('weight_c')) p.data.fill(0);
    expect(m.forward(x).output.toArray()).not.toEqual(a);
  });
  test('gradients by finite differences: bidirectional, 2 layers, lengths, h0, c0', () => {
    rnn.manualSeed(3);
    const m = new rnn.LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, peephole: true });
    const x = rnn.randn([3, 5, 3], { requiresGrad: true });
    const h0 = rnn.randn([4, 3, 5], { requiresGrad: true });
    const c0 = rnn.randn([4, 3, 5], { requiresGrad: true });
    const loss = () => weightedLoss(m.forward(x, { h0, c0, lengths: [5, 2, 4] }), 9);
    gradCheckTensors(loss, [['x', x], ['h0', h0], ['c0', c0], ...m.namedParameters()]);
  });
});

describe('GRU with the reset gate first (Cho et al.)', () => {
  test('forward matches the step-by-step reference and differs from resetAfter', () => {
    rnn.manualSeed(4);
    const m = new rnn.GRU({ inputSize: 3, hiddenSize: 5, resetAfter: false });
    const x = rnn.randn([2, 4, 3]);
    const sd = m.stateDict();
    const w = { wIh: sd.weight_ih_l0.data, wHh: sd.weight_hh_l0.data, bIh: sd.bias_ih_l0.data, bHh: sd.bias_hh_l0.data };
    const want = gruSequence(x.data, 2, 4, 3, 5, w, false);
    const res = m.forward(x);
    expectClose(res.output.data, want.output, { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, want.hN, { rtol: 1e-5, atol: 1e-6 });
    const after = gruSequence(x.data, 2, 4, 3, 5, w, true);
    expect(Math.max(...after.output.map((v, i) => Math.abs(v - want.output[i])))).toBeGreaterThan(1e-3);
  });
  test('gradients by finite differences: bidirectional, 2 layers, lengths, h0', () => {
    rnn.manualSeed(5);
    const m = new rnn.GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, resetAfter: false });
    const x = rnn.randn([3, 5, 3], { requiresGrad: true });
    const h0 = rnn.randn([4, 3, 5], { requiresGrad: true });
    const loss = () => weightedLoss(m.forward(x, { h0, lengths: [3, 5, 1] }), 10);
    gradCheckTensors(loss, [['x', x], ['h0', h0], ...m.namedParameters()]);
  });
});

describe('finite differences on the PyTorch-twinned forms too', () => {
  test.each([
    ['RNN tanh', () => new rnn.RNN({ inputSize: 3, hiddenSize: 5, bidirectional: true })],
    ['RNN relu', () => new rnn.RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu' })],
    ['LSTM proj', () => new rnn.LSTM({ inputSize: 3, hiddenSize: 5, projSize: 3, bidirectional: true })],
    ['GRU', () => new rnn.GRU({ inputSize: 3, hiddenSize: 5, bidirectional: true })],
    [
      'LSTM hard-sigmoid gates, peepholes',
      () => new rnn.LSTM({ inputSize: 3, hiddenSize: 5, recurrentActivation: 'hardSigmoid', peephole: true }),
    ],
    ['GRU hard-sigmoid gates', () => new rnn.GRU({ inputSize: 3, hiddenSize: 5, recurrentActivation: 'hardSigmoid', bidirectional: true })],
    [
      'GRU hard-sigmoid gates, reset first',
      () => new rnn.GRU({ inputSize: 3, hiddenSize: 5, recurrentActivation: 'hardSigmoid', resetAfter: false }),
    ],
  ])('%s', (_name, make) => {
    rnn.manualSeed(6);
    const m = make();
    const x = rnn.randn([3, 4, 3], { requiresGrad: true });
    const loss = () => weightedLoss(m.forward(x, { lengths: [4, 1, 3] }), 11);
    gradCheckTensors(loss, [['x', x], ...m.namedParameters()]);
  });
});

describe('semantics', () => {
  test('padding gives zero output and leaves the state; hN is each sequence at its own end', () => {
    rnn.manualSeed(7);
    const m = new rnn.LSTM({ inputSize: 2, hiddenSize: 3, bidirectional: true });
    const x = rnn.randn([2, 5, 2]);
    const full = m.forward(ops.slice(x, 0, 1, 2)); // sequence 1 alone, its first 2 steps only
    const short = m.forward(ops.slice(ops.slice(x, 0, 1, 2), 1, 0, 2));
    const res = m.forward(x, { lengths: [5, 2] });
    const out1 = ops.select(res.output, 0, 1);
    expectClose(ops.slice(out1, 0, 0, 2).data, short.output.data, { rtol: 1e-6, atol: 1e-6 });
    expect(Array.from(ops.slice(out1, 0, 2).data).every((v) => v === 0)).toBe(true);
    expectClose(ops.select(res.hN, 1, 1).data, ops.select(short.hN, 1, 0).data, { rtol: 1e-6, atol: 1e-6 });
    expect(full.output.shape).toEqual([1, 5, 6]);
  });
  test('IRNN initialisation: identity recurrent weights and zero biases', () => {
    const m = new rnn.RNN({ inputSize: 2, hiddenSize: 4, nonlinearity: 'relu', init: 'identity' });
    const sd = m.stateDict();
    expect(Array.from(sd.weight_hh_l0.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(sd.bias_ih_l0.data).every((v) => v === 0)).toBe(true);
  });
  test('default initialisation is U(-1/√H, 1/√H) as PyTorch', () => {
    const m = new rnn.GRU({ inputSize: 7, hiddenSize: 16 });
    for (const p of m.parameters()) {
      expect(Math.max(...p.data.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...p.data.map(Math.abs))).toBeGreaterThan(0.2);
    }
  });
  test("truncated BPTT: detach() cuts the tape between chunks and leaves the chunk's own gradients as from a fresh leaf", () => {
    rnn.manualSeed(8);
    const m = new rnn.LSTM({ inputSize: 2, hiddenSize: 3 });
    const x1 = rnn.randn([2, 4, 2], { requiresGrad: true });
    const x2 = rnn.randn([2, 4, 2]);
    const first = m.forward(x1);
    const h = first.hN.detach();
    const c = first.cN!.detach();
    expect(h.requiresGrad).toBe(false);
    expect(Array.from(h.data)).toEqual(Array.from(first.hN.data));
    ops.sum(m.forward(x2, { h0: h, c0: c }).output).backward();
    expect(x1.grad).toBeNull(); // nothing reached the first chunk
    const got = m.parameters().map((p) => Array.from(p.grad!.data));
    // the second chunk alone, from leaves holding the same state: the same parameter gradients
    for (const p of m.parameters()) p.grad = null;
    const h2 = rnn.tensor(first.hN.toArray(), [1, 2, 3]);
    const c2 = rnn.tensor(first.cN!.toArray(), [1, 2, 3]);
    ops.sum(m.forward(x2, { h0: h2, c0: c2 }).output).backward();
    expect(m.parameters().map((p) => Array.from(p.grad!.data))).toEqual(got);
    // without detach the same loss does reach x1
    ops.sum(m.forward(x2, { h0: first.hN, c0: first.cN }).output).backward();
    expect(Math.max(...x1.grad!.data.map(Math.abs))).toBeGreaterThan(0);
  });
  test('gradient flows from a second chunk into the first through hN (no detach)', () => {
    rnn.manualSeed(9);
    const m = new rnn.GRU({ inputSize: 2, hiddenSize: 3 });
    const x1 = rnn.randn([1, 3, 2], { requiresGrad: true });
    const a = m.forward(x1);
    const b = m.forward(rnn.randn([1, 3, 2]), { h0: a.hN });
    ops.sum(b.output).backward();
    expect(Math.max(...x1.grad!.data.map(Math.abs))).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  test('bad shapes, NaN, lengths and options name the argument and both values', () => {
    const m = new rnn.LSTM({ inputSize: 10, hiddenSize: 4, numLayers: 2 });
    expect(() => m.forward(rnn.zeros([4, 7, 12]))).toThrow('LSTM: x must be [B,T,10], got [4,7,12]');
    expect(() => m.forward(rnn.zeros([2, 3, 10]), { h0: rnn.zeros([1, 2, 4]) })).toThrow('LSTM: h0 must be [2,2,4], got [1,2,4]');
    expect(() => m.forward(rnn.zeros([2, 3, 10]), { lengths: [3, 4] })).toThrow(
      'LSTM: lengths[1] must be an integer in 1..3 (the sequence length T), got 4',
    );
    expect(() => m.forward(rnn.zeros([2, 3, 10]), { lengths: [3] })).toThrow('lengths must have one entry per sequence (2), got 1');
    expect(() => m.forward(rnn.zeros([2, 3, 10]), { lengths: [0, 3] })).toThrow('got 0');
    const x = rnn.zeros([2, 3, 10]);
    x.data[7] = NaN;
    expect(() => m.forward(x)).toThrow('LSTM: x contains NaN at flat index 7');
    expect(() => new rnn.RNN({ inputSize: 3, hiddenSize: 0 })).toThrow('RNN: hiddenSize must be a positive integer, got 0');
    expect(() => new rnn.RNN({ inputSize: 3, hiddenSize: 2, nonlinearity: 'sigmoid' as 'tanh' })).toThrow(
      "nonlinearity must be 'tanh' or 'relu'",
    );
    expect(() => new rnn.LSTM({ inputSize: 3, hiddenSize: 4, projSize: 4 })).toThrow('projSize must be an integer in [0, hiddenSize)');
    expect(() => new rnn.GRU({ inputSize: 3, hiddenSize: 4 }).forward(rnn.zeros([1, 2, 3]), { c0: rnn.zeros([1, 1, 4]) })).toThrow(
      'c0 is only for LSTM',
    );
  });
  test('loadStateDict: strict errors name the key and both shapes; a failed load changes nothing', () => {
    const m = new rnn.GRU({ inputSize: 3, hiddenSize: 4 });
    const sd = m.stateDict();
    const before = m.parameters().map((p) => p.toArray());
    expect(() => m.loadStateDict({ ...sd, extra: rnn.zeros([1]) })).toThrow("unexpected key 'extra'");
    const { bias_hh_l0: _omit, ...missing } = sd;
    expect(() => m.loadStateDict(missing)).toThrow("missing key 'bias_hh_l0' (shape [12])");
    expect(() => m.loadStateDict({ ...sd, weight_ih_l0: rnn.zeros([12, 5]), bias_ih_l0: rnn.ones([12]) })).toThrow(
      "'weight_ih_l0' has shape [12,3] in the model but [12,5] in the dict",
    );
    expect(m.parameters().map((p) => p.toArray())).toEqual(before);
    m.loadStateDict(missing, { strict: false });
    expect(() => m.loadStateDict({ ...sd, bias_ih_l0: { shape: [12], data: [1, 2] } })).toThrow(
      'declares shape [12] (12 values) but holds 2',
    );
  });
});
