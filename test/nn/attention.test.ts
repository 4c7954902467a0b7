import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { gradCheckTensors } from '../gradcheck.js';
import { expectClose } from '../helpers.js';
import fixtures from '../fixtures/attention.json';

beforeAll(async () => {
  await rnn.init();
});

describe.each(['dot', 'general', 'additive'] as const)('Attention %s', (kind) => {
  const make = () => new rnn.Attention({ kind, querySize: kind === 'dot' ? undefined : 3, keySize: 4, hiddenSize: 5 });
  test('weights sum to 1 over visible keys, masked keys get exactly 0', () => {
    rnn.manualSeed(1);
    const att = make();
    const q = rnn.randn([2, kind === 'dot' ? 4 : 3]);
    const k = rnn.randn([2, 5, 4]);
    const v = rnn.randn([2, 5, 6]);
    const { context, weights } = att.forward(q, k, v, { lengths: [5, 2] });
    expect(weights.shape).toEqual([2, 5]);
    expect(context.shape).toEqual([2, 6]);
    const w = weights.toNested() as number[][];
    expect(w[1].slice(2)).toEqual([0, 0, 0]);
    expect(w[0].reduce((a, x) => a + x, 0)).toBeCloseTo(1, 6);
    expect(w[1].reduce((a, x) => a + x, 0)).toBeCloseTo(1, 6);
    const masked = att.forward(q, k, v, {
      mask: [
        [1, 0, 1, 1, 1],
        [0, 0, 0, 0, 0],
      ],
    });
    const mw = masked.weights.toNested() as number[][];
    expect(mw[0][1]).toBe(0);
    expect(mw[1]).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(ops.select(masked.context, 0, 1).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  test('weights, context and every gradient match PyTorch (multi-step query, masks, an all-masked row)', () => {
    const fx = fixtures[kind];
    const att = new rnn.Attention(fx.options as rnn.AttentionOptions);
    att.loadStateDict(fx.stateDict);
    const T = (j: { shape: number[]; data: number[] }) => rnn.tensor(j.data, j.shape, { requiresGrad: true });
    const [q, k, v] = [T(fx.q), T(fx.k), T(fx.v)];
    const { context, weights } = att.forward(q, k, v, { mask: fx.mask });
    expectClose(weights.data, fx.weights.data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(context.data, fx.context.data, { rtol: 1e-5, atol: 1e-5 });
    ops.add(ops.sum(ops.mul(context, T(fx.R))), ops.sum(ops.mul(weights, T(fx.RW)))).backward();
    const grads = fx.grads as Record<string, { data: number[] }>;
    expectClose(q.grad!.data, grads.query.data, { rtol: 1e-4, atol: 1e-5 });
    expectClose(k.grad!.data, grads.keys.data, { rtol: 1e-4, atol: 1e-5 });
    expectClose(v.grad!.data, grads.values.data, { rtol: 1e-4, atol: 1e-5 });
    for (const [name, p] of att.namedParameters()) expectClose(p.grad!.data, grads[name].data, { rtol: 1e-4, atol: 1e-5 });
  });
  test('finite differences with a multi-step query and a mask', () => {
    rnn.manualSeed(2);
    const att = make();
    const q = rnn.randn([2, 3, kind === 'dot' ? 4 : 3], { requiresGrad: true });
    const k = rnn.randn([2, 5, 4], { requiresGrad: true });
    const v = rnn.randn([2, 5, 3], { requiresGrad: true });
    const r = rnn.randn([2, 3, 3]);
    const rw = rnn.randn([2, 3, 5]);
    const loss = () => {
      const { context, weights } = att.forward(q, k, v, {
        mask: [
          [1, 1, 0, 1, 1],
          [1, 1, 1, 0, 0],
        ],
      });
      return ops.add(ops.sum(ops.mul(context, r)), ops.sum(ops.mul(weights, rw)));
    };
    gradCheckTensors(loss, [['query', q], ['keys', k], ['values', v], ...att.namedParameters()]);
  });
});

test('the fused dot attention equals its composition from ops (values and gradients; values = keys; all-masked row)', () => {
  rnn.manualSeed(41);
  const att = new rnn.Attention({ kind: 'dot' });
  const mk = () => ({ q: rnn.randn([3, 2, 5], { requiresGrad: true }), k: rnn.randn([3, 7, 5], { requiresGrad: true }) });
  const a = mk();
  const b = {
    q: rnn.tensor(a.q.toArray(), [3, 2, 5], { requiresGrad: true }),
    k: rnn.tensor(a.k.toArray(), [3, 7, 5], { requiresGrad: true }),
  };
  const mask = [
    [1, 1, 0, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 1, 1],
  ];
  const r = rnn.randn([3, 2, 5]);
  const rw = rnn.randn([3, 2, 7]);
  const fused = att.forward(a.q, a.k, null, { mask });
  ops.sum(ops.add(ops.sum(ops.mul(fused.context, r)), ops.sum(ops.mul(fused.weights, rw)))).backward();
  const add = rnn.tensor(
    mask.flat().map((m) => (m ? 0 : -Infinity)),
    [3, 1, 7],
  );
  const w = ops.softmax(ops.add(ops.matmul(b.q, ops.transpose(b.k, 1, 2)), add), -1);
  const ctx = ops.matmul(w, b.k);
  ops.sum(ops.add(ops.sum(ops.mul(ctx, r)), ops.sum(ops.mul(w, rw)))).backward();
  expectClose(fused.weights.data, w.data, { rtol: 1e-6, atol: 1e-7 });
  expectClose(fused.context.data, ctx.data, { rtol: 1e-6, atol: 1e-7 });
  expectClose(a.q.grad!.data, b.q.grad!.data, { rtol: 1e-5, atol: 1e-6 });
  expectClose(a.k.grad!.data, b.k.grad!.data, { rtol: 1e-5, atol: 1e-6 });
  expect(Array.from(fused.weights.data.subarray(14, 28)).every((v) => v === 0)).toBe(true);
});

test('dot attention scores are the dot products: a key equal to a large query wins', () => {
  const att = new rnn.Attention({ kind: 'dot' });
  const q = rnn.tensor([[10, 0]]);
  const k = rnn.tensor([
    [
      [0, 1],
      [1, 0],
      [-1, 0],
    ],
  ]);
  const { weights } = att.forward(q, k);
  const w = weights.toArray();
  expect(w[1]).toBeGreaterThan(0.99);
  expect(w[1]).toBeCloseTo(Math.exp(10) / (Math.exp(10) + 1 + Math.exp(-10)), 5);
});

test('errors name the arguments', () => {
  const att = new rnn.Attention({ kind: 'general', querySize: 3, keySize: 4 });
  expect(() => att.forward(rnn.zeros([2, 3]), rnn.zeros([2, 5]))).toThrow('Attention: keys must be [B,Tk,Hk], got [2,5]');
  expect(() => att.forward(rnn.zeros([2, 2]), rnn.zeros([2, 5, 4]))).toThrow('query must end in 3 and keys in 4');
  expect(() => att.forward(rnn.zeros([2, 3]), rnn.zeros([2, 5, 4]), null, { lengths: [6, 1] })).toThrow(
    'lengths[0] must be an integer in 0..5, got 6',
  );
  expect(() => new rnn.Attention({ kind: 'cosine' as 'dot' })).toThrow("kind must be 'dot', 'general' or 'additive'");
});

test('the fused additive attention equals its composition from ops (values and gradients; odd widths; all-masked row)', () => {
  rnn.manualSeed(43);
  const att = new rnn.Attention({ kind: 'additive', querySize: 5, keySize: 6, hiddenSize: 7 });
  const data = { q: rnn.randn([3, 2, 5]).toArray(), k: rnn.randn([3, 9, 6]).toArray(), v: rnn.randn([3, 9, 3]).toArray() };
  const make = () => ({
    q: rnn.tensor(data.q, [3, 2, 5], { requiresGrad: true }),
    k: rnn.tensor(data.k, [3, 9, 6], { requiresGrad: true }),
    v: rnn.tensor(data.v, [3, 9, 3], { requiresGrad: true }),
  });
  const mask = [
    [1, 1, 0, 1, 1, 1, 0, 1, 1],
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 1, 1, 1, 1],
  ];
  const r = rnn.randn([3, 2, 3]);
  const rw = rnn.randn([3, 2, 9]);
  const a = make();
  const fused = att.forward(a.q, a.k, a.v, { mask });
  ops.add(ops.sum(ops.mul(fused.context, r)), ops.sum(ops.mul(fused.weights, rw))).backward();
  const fusedGrads = att.parameters().map((p) => p.grad!.data.slice());
  for (const p of att.parameters()) p.grad = null;
  // the Bahdanau scorer written out: vᵀ tanh(W_q q + W_k k) over every (query, key) pair
  const b = make();
  const qa = ops.reshape(ops.linear(b.q, att.weightQuery!), [3, 2, 1, 7]);
  const ka = ops.reshape(ops.linear(b.k, att.weightKey!), [3, 1, 9, 7]);
  const scores = ops.reshape(ops.linear(ops.tanh(ops.add(qa, ka)), att.v!), [3, 2, 9]);
  const hidden = rnn.tensor(
    mask.flat().map((m) => (m ? 0 : -Infinity)),
    [3, 1, 9],
  );
  const w = ops.softmax(ops.add(scores, hidden), -1);
  const ctx = ops.matmul(w, b.v);
  ops.add(ops.sum(ops.mul(ctx, r)), ops.sum(ops.mul(w, rw))).backward();
  expectClose(fused.weights.data, w.data, { rtol: 1e-5, atol: 1e-7 });
  expectClose(fused.context.data, ctx.data, { rtol: 1e-5, atol: 1e-6 });
  for (const [x, y] of [
    [a.q, b.q],
    [a.k, b.k],
    [a.v, b.v],
  ])
    expectClose(x.grad!.data, y.grad!.data, { rtol: 1e-4, atol: 1e-6 });
  att.parameters().forEach((p, i) => expectClose(fusedGrads[i], p.grad!.data, { rtol: 1e-4, atol: 1e-6 }));
  expect(Array.from(fused.weights.data.subarray(18, 36)).every((v) => v === 0)).toBe(true);
});

describe('additive attention over decoder steps with the same keys', () => {
  const setup = () => {
    rnn.manualSeed(44);
    const att = new rnn.Attention({ kind: 'additive', querySize: 3, keySize: 5, hiddenSize: 6 });
    const k = rnn.randn([2, 7, 5], { requiresGrad: true });
    const qs = [0, 1, 2].map(() => rnn.randn([2, 3]));
    return { att, k, qs };
  };
  // the same steps with the projection written out at every step
  const composed = (att: rnn.Attention, k: rnn.Tensor, q: rnn.Tensor) => {
    const qa = ops.reshape(ops.linear(q, att.weightQuery!), [2, 1, 6]);
    const s = ops.reshape(ops.linear(ops.tanh(ops.add(qa, ops.linear(k, att.weightKey!))), att.v!), [2, 7]);
    return ops.reshape(ops.matmul(ops.reshape(ops.softmax(s, -1), [2, 1, 7]), k), [2, 5]);
  };

  test('three steps give the values and gradients of three separate projections', () => {
    const { att, k, qs } = setup();
    let loss = rnn.tensor(0);
    for (const q of qs) loss = ops.add(loss, ops.sum(ops.tanh(att.forward(q, k).context)));
    loss.backward();
    const got = [k.grad!.data.slice(), ...att.parameters().map((p) => p.grad!.data.slice())];
    const k2 = rnn.tensor(k.toArray(), k.shape, { requiresGrad: true });
    for (const p of att.parameters()) p.grad = null;
    let loss2 = rnn.tensor(0);
    for (const q of qs) loss2 = ops.add(loss2, ops.sum(ops.tanh(composed(att, k2, q))));
    loss2.backward();
    expectClose(loss.data, loss2.data, { rtol: 1e-6, atol: 1e-6 });
    const want = [k2.grad!.data, ...att.parameters().map((p) => p.grad!.data)];
    got.forEach((g, i) => expectClose(g, want[i], { rtol: 1e-4, atol: 1e-6 }));
  });

  test('the projection is made again after backward, an optimiser step, an in-place edit of the keys and under noGrad', () => {
    const { att, k, qs } = setup();
    const opt = new rnn.SGD(att.parameters(), { lr: 0.5 });
    const fresh = () => {
      const other = new rnn.Attention({ kind: 'additive', querySize: 3, keySize: 5, hiddenSize: 6 });
      other.loadStateDict(att.stateDict());
      return rnn.noGrad(() => other.forward(qs[0], rnn.tensor(k.toArray(), k.shape)).context);
    };
    for (let step = 0; step < 3; step++) {
      const out = att.forward(qs[0], k).context;
      expectClose(out.data, fresh().data, { rtol: 1e-6, atol: 1e-7 });
      opt.zeroGrad();
      ops.sum(ops.mul(out, out)).backward(); // frees the projection's node: the next call makes a new one
      opt.step(); // changes weight_key
    }
    const kd = k.data;
    kd[3] += 1; // an in-place edit bumps the version
    expectClose(att.forward(qs[0], k).context.data, fresh().data, { rtol: 1e-6, atol: 1e-7 });
    expectClose(rnn.noGrad(() => att.forward(qs[0], k).context).data, fresh().data, { rtol: 1e-6, atol: 1e-7 });
    // a projection made under noGrad is not reused where gradients are wanted
    rnn.noGrad(() => att.forward(qs[1], k));
    for (const p of att.parameters()) p.grad = null;
    const y = att.forward(qs[1], k).context;
    ops.sum(y).backward();
    expect(att.weightKey!.grad).not.toBeNull();
    expect(Array.from(att.weightKey!.grad!.data).some((g) => g !== 0)).toBe(true);
    // keys that start wanting a gradient (same tensor, same data) get one
    // (separate values: the keys' gradient comes through their projection alone)
    const plain = rnn.tensor(k.toArray(), k.shape);
    const values = rnn.randn([2, 7, 4]);
    att.forward(qs[2], plain, values); // projected while the keys need no gradient (never backpropagated)
    plain.requiresGrad = true;
    ops.sum(att.forward(qs[2], plain, values).context).backward();
    expect(plain.grad).not.toBeNull();
    expect(Array.from(plain.grad!.data).some((g) => g !== 0)).toBe(true);
  });
});
