// The packed weight panels kept between calls (src/backend/pack-cache.ts): every way a weight can
// change — an optimiser step, loadStateDict, an in-place edit through `data`, a view's `data`, an
// array kept from an earlier read plus markChanged() — gives the output of a fresh layer with the
// new weights, bit for bit; and the cache holds one set of panels per weight however many calls.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';

beforeAll(async () => {
  await rnn.init();
});

const x = () => {
  rnn.manualSeed(5);
  return rnn.randn([2, 4, 3]);
};

/** The output of a fresh copy of `m` with its current weights: what the cached layer must give. */
function fresh(m: rnn.LSTM | rnn.GRU | rnn.RNN, input: rnn.Tensor): Float32Array {
  const Ctor = m.constructor as new (o: unknown) => typeof m;
  const copy = new Ctor(m.config());
  copy.loadStateDict(m.stateDict());
  return rnn.noGrad(() => copy.forward(input).output).data;
}

const layers = [
  ['LSTM', () => new rnn.LSTM({ inputSize: 3, hiddenSize: 5, bidirectional: true })],
  ['LSTM with projection', () => new rnn.LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2 })],
  ['GRU', () => new rnn.GRU({ inputSize: 3, hiddenSize: 5 })],
  ['GRU reset first', () => new rnn.GRU({ inputSize: 3, hiddenSize: 5, resetAfter: false })],
  ['RNN', () => new rnn.RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2 })],
] as const;

describe.each(layers)('%s', (_name, make) => {
  test('every kind of weight change is seen by the next call', () => {
    const m = make();
    const input = x();
    const run = () => rnn.noGrad(() => m.forward(input).output).data;
    const first = run();
    expect(Array.from(run())).toEqual(Array.from(first)); // a cached call: the same numbers
    const w = m.namedParameters()[1][1]; // weight_hh_l0: packed and cached
    // in place through data
    w.data[0] += 0.5;
    const edited = run();
    expect(Array.from(edited)).toEqual(Array.from(fresh(m, input)));
    expect(Array.from(edited)).not.toEqual(Array.from(first));
    // through a view
    w.detach().data[1] -= 0.25;
    expect(Array.from(run())).toEqual(Array.from(fresh(m, input)));
    // through an array kept from an earlier read, then markChanged()
    const kept = w.data;
    run();
    kept[2] += 0.75;
    w.markChanged();
    expect(Array.from(run())).toEqual(Array.from(fresh(m, input)));
    // a bias (the input-side biases are summed once and kept while both are unchanged)
    const bias = m.namedParameters().find(([n]) => n.startsWith('bias_hh'))?.[1];
    if (bias) {
      bias.data[3] += 1;
      expect(Array.from(run())).toEqual(Array.from(fresh(m, input)));
    }
    // loadStateDict
    const other = make();
    m.loadStateDict(other.stateDict());
    expect(Array.from(run())).toEqual(Array.from(fresh(other, input)));
    // an optimiser step
    const opt = new rnn.Adam(m.parameters(), 0.1);
    rnn.ops.sum(m.forward(input).output).backward();
    opt.step();
    expect(Array.from(run())).toEqual(Array.from(fresh(m, input)));
  });
});

test('one set of panels per weight and product: 300 calls and 100 training steps keep the cache and the arena flat', () => {
  const cell = new rnn.LSTMCell({ inputSize: 8, hiddenSize: 16 });
  const input = rnn.randn([1, 8]);
  let s = { h: rnn.zeros([1, 16]), c: rnn.zeros([1, 16]) };
  rnn.noGrad(() => {
    s = cell.forward(input, s);
    s = cell.forward(input, s);
  });
  const inference = rnn.memoryStats().cachedBytes;
  expect(inference).toBeGreaterThan(0);
  // backward packs W_ih and W_hh once more, untransposed, for dx and dh
  rnn.ops.sum(cell.forward(input, { h: rnn.zeros([1, 16]), c: rnn.zeros([1, 16]) }).h).backward();
  const cached = rnn.memoryStats().cachedBytes;
  expect(cached).toBeGreaterThan(inference);
  const memory = rnn.memoryStats().wasmMemoryBytes;
  rnn.noGrad(() => {
    for (let i = 0; i < 300; i++) s = cell.forward(input, s);
  });
  const opt = new rnn.SGD(cell.parameters(), 0.01);
  for (let i = 0; i < 100; i++) {
    opt.zeroGrad();
    const r = cell.forward(input, { h: rnn.zeros([1, 16]), c: rnn.zeros([1, 16]) });
    rnn.ops.sum(r.h).backward();
    opt.step();
  }
  expect(rnn.memoryStats().cachedBytes).toBe(cached);
  expect(rnn.memoryStats().liveBytes).toBe(0);
  expect(rnn.memoryStats().wasmMemoryBytes).toBe(memory);
});

describe('Linear and ops.matmul by a parameter use the cached panels', () => {
  const cases = [
    ['Linear', (w: rnn.Tensor, x: rnn.Tensor) => rnn.ops.linear(x, w), [5, 3]],
    ['ops.matmul', (w: rnn.Tensor, x: rnn.Tensor) => rnn.ops.matmul(x, w), [3, 5]],
  ] as const;
  test.each(cases)('%s: a changed weight is seen by forward and backward reads the weight forward saw', (_n, op, shape) => {
    rnn.manualSeed(8);
    const lin = new rnn.Linear({ inFeatures: 3, outFeatures: 5 });
    const w = lin.weight.detach();
    w.data.set(rnn.randn([...shape]).data);
    const param = rnn.tensor(w.toArray(), [...shape], { requiresGrad: true });
    const x = rnn.randn([4, 3]);
    const plain = (wd: Float32Array) => rnn.noGrad(() => op(rnn.tensor(wd, [...shape]), x)).data; // packed per call: not a parameter
    const first = rnn.noGrad(() => op(param, x)).data;
    expect(Array.from(first)).toEqual(Array.from(plain(param.peek().slice())));
    param.data[2] += 0.5;
    expect(Array.from(rnn.noGrad(() => op(param, x)).data)).toEqual(Array.from(plain(param.peek().slice())));
    // a step between forward and backward: the gradient of x is that of the weight forward used
    const xg = rnn.tensor(x.toArray(), [4, 3], { requiresGrad: true });
    const before = param.peek().slice();
    const y = op(param, xg);
    param.data[0] -= 1;
    rnn.ops.sum(y).backward();
    const xr = rnn.tensor(x.toArray(), [4, 3], { requiresGrad: true });
    rnn.ops.sum(op(rnn.tensor(before, [...shape]), xr)).backward();
    expect(Array.from(xg.grad!.data)).toEqual(Array.from(xr.grad!.data));
  });
  test('a product by tensors made fresh each call keeps nothing', () => {
    const x = rnn.randn([2, 6]);
    rnn.noGrad(() => rnn.ops.matmul(x, rnn.randn([6, 9])));
    const cached = rnn.memoryStats().cachedBytes;
    for (let i = 0; i < 50; i++) {
      rnn.noGrad(() => rnn.ops.matmul(x, rnn.randn([6, 9])));
      rnn.ops.sum(rnn.ops.matmul(rnn.randn([2, 6], { requiresGrad: true }), rnn.ops.mul(rnn.randn([6, 9]), 1))).backward();
    }
    expect(rnn.memoryStats().cachedBytes).toBe(cached);
  });
});

test.each([
  ['ClockworkRNN', () => new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: 8, periods: [1, 2, 4] })],
  ['SCRN', () => new rnn.SCRN({ inputSize: 3, hiddenSize: 5, contextSize: 4 })],
] as const)('%s: 60 training steps keep the cache, the arena and wasm memory flat', (_n, make) => {
  const m = make();
  const x = rnn.randn([4, 9, 3]);
  const opt = new rnn.Adam(m.parameters(), 0.01);
  const step = () => {
    opt.zeroGrad();
    rnn.ops.sum(m.forward(x).output).backward();
    opt.step();
  };
  for (let i = 0; i < 10; i++) step();
  const cached = rnn.memoryStats().cachedBytes;
  const memory = rnn.memoryStats().wasmMemoryBytes;
  for (let i = 0; i < 60; i++) step();
  expect(rnn.memoryStats().cachedBytes).toBe(cached);
  expect(rnn.memoryStats().liveBytes).toBe(0);
  expect(rnn.memoryStats().wasmMemoryBytes).toBe(memory);
});
