import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { jordanSequence } from '../../src/reference/jordan.js';
import { gradCheckTensors } from '../gradcheck.js';
import { expectClose } from '../helpers.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8'));
const T = (j: { shape: number[]; data: number[] }, requiresGrad = false) => rnn.tensor(j.data, j.shape, { requiresGrad });

beforeAll(async () => {
  await rnn.init();
});

describe('Linear', () => {
  test('matches PyTorch on a 3-D input, with gradients', () => {
    const m = new rnn.Linear({ inFeatures: 5, outFeatures: 3 });
    m.loadStateDict(fx.linear.stateDict);
    const x = T(fx.linear.x, true);
    const y = m.forward(x);
    expectClose(y.data, fx.linear.y.data, { rtol: 1e-5, atol: 1e-6 });
    ops.sum(ops.mul(y, T(fx.linear.R))).backward();
    expectClose(x.grad!.data, fx.linear.grads.x.data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(m.weight.grad!.data, fx.linear.grads.weight.data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(m.bias!.grad!.data, fx.linear.grads.bias.data, { rtol: 1e-5, atol: 1e-6 });
  });
  test('finite differences; shape errors', () => {
    rnn.manualSeed(1);
    const m = new rnn.Linear({ inFeatures: 7, outFeatures: 5 });
    const x = rnn.randn([2, 3, 7], { requiresGrad: true });
    const r = rnn.randn([2, 3, 5]);
    gradCheckTensors(() => ops.sum(ops.mul(m.forward(x), r)), [['x', x], ...m.namedParameters()]);
    expect(() => m.forward(rnn.zeros([2, 6]))).toThrow('linear: x must be [..., 7], got [2,6]');
  });
});

describe('Embedding', () => {
  test('matches PyTorch; the gradient reaches only the rows used, summed over repeats', () => {
    const m = new rnn.Embedding({ numEmbeddings: 7, embeddingDim: 3 });
    m.loadStateDict(fx.embedding.stateDict);
    const y = m.forward(fx.embedding.ids);
    expect(y.shape).toEqual([2, 3, 3]);
    expectClose(y.data, fx.embedding.y.data, { rtol: 1e-6, atol: 0 });
    ops.sum(ops.mul(y, T(fx.embedding.R))).backward();
    expectClose(m.weight.grad!.data, fx.embedding.grads.weight.data, { rtol: 1e-5, atol: 1e-6 });
    expect(Array.from(m.weight.grad!.data.slice(2 * 3, 4 * 3)).every((v) => v === 0)).toBe(true); // rows 2, 3 unused
  });
  test('flat ids with a shape, Int32Array, and a Tensor of ids give the same; bad ids are named', () => {
    const m = new rnn.Embedding({ numEmbeddings: 5, embeddingDim: 2 });
    const a = m
      .forward([
        [1, 2],
        [3, 4],
      ])
      .toArray();
    expect(m.forward(new Int32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual(a);
    expect(
      m
        .forward(
          rnn.tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .toArray(),
    ).toEqual(a);
    expect(() => m.forward([1, 5])).toThrow('embedding: ids[1] must be an integer in [0, 4], got 5');
    expect(() => m.forward([0.5])).toThrow('got 0.5');
  });
});

describe('Dropout, train and eval', () => {
  test('drops about p, scales survivors by 1/(1-p), reproducible from the seed; identity in eval', () => {
    const d = new rnn.Dropout({ p: 0.3 });
    const x = rnn.ones([10000], { requiresGrad: true });
    rnn.manualSeed(4);
    const y = d.forward(x);
    rnn.manualSeed(4);
    expect(d.forward(x).toArray()).toEqual(y.toArray());
    const zeros = y.data.filter((v) => v === 0).length;
    expect(zeros / 10000).toBeGreaterThan(0.27);
    expect(zeros / 10000).toBeLessThan(0.33);
    expect(y.data.find((v) => v !== 0)).toBeCloseTo(1 / 0.7, 6);
    ops.sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.data));
    d.eval();
    expect(d.forward(x)).toBe(x);
  });
  test('train()/eval() reach every sub-module', () => {
    const s = new rnn.Sequential(new rnn.Linear({ inFeatures: 2, outFeatures: 2 }), new rnn.Dropout({ p: 0.5 }));
    s.eval();
    expect(s.layers.every((m) => !m.training)).toBe(true);
    s.train();
    expect(s.layers.every((m) => m.training)).toBe(true);
  });
});

describe('Sequential', () => {
  test('passes a recurrent layer output on; parameters named as PyTorch', () => {
    rnn.manualSeed(2);
    const s = new rnn.Sequential(new rnn.LSTM({ inputSize: 3, hiddenSize: 4 }), new rnn.Linear({ inFeatures: 4, outFeatures: 2 }));
    const y = s.forward(rnn.randn([2, 5, 3]));
    expect(y.shape).toEqual([2, 5, 2]);
    expect(s.namedParameters().map(([n]) => n)).toEqual([
      '0.weight_ih_l0',
      '0.weight_hh_l0',
      '0.bias_ih_l0',
      '0.bias_hh_l0',
      '1.weight',
      '1.bias',
    ]);
  });
});

describe('Bidirectional', () => {
  test('concat equals PyTorch-style bidirectional LSTM with the same weights (with lengths)', () => {
    rnn.manualSeed(3);
    const wrap = new rnn.Bidirectional(new rnn.LSTM({ inputSize: 3, hiddenSize: 5 }));
    const bi = new rnn.LSTM({ inputSize: 3, hiddenSize: 5, bidirectional: true });
    const sd: Record<string, rnn.Tensor> = {};
    for (const [n, p] of wrap.namedParameters()) {
      const [layer, name] = n.split('.');
      sd[layer === 'forward_layer' ? name : `${name}_reverse`] = p;
    }
    bi.loadStateDict(sd);
    const x = rnn.randn([3, 6, 3]);
    const a = wrap.forward(x, { lengths: [6, 2, 4] });
    const b = bi.forward(x, { lengths: [6, 2, 4] });
    expectClose(a.output.data, b.output.data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(a.hN.data, b.hN.data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(a.cN!.data, b.cN!.data, { rtol: 1e-5, atol: 1e-6 });
  });
  test.each(['sum', 'mul', 'ave'] as const)('mergeMode %s: values and finite-difference gradients', (mode) => {
    rnn.manualSeed(5);
    const m = new rnn.Bidirectional(new rnn.GRU({ inputSize: 2, hiddenSize: 3 }), { mergeMode: mode });
    const cat = new rnn.Bidirectional(new rnn.GRU({ inputSize: 2, hiddenSize: 3 }));
    cat.loadStateDict(m.stateDict());
    const x = rnn.randn([2, 4, 2], { requiresGrad: true });
    const y = m.forward(x, { lengths: [4, 3] }).output;
    const c = cat.forward(x, { lengths: [4, 3] }).output;
    const f = ops.slice(c, -1, 0, 3),
      b = ops.slice(c, -1, 3, 6);
    const want = mode === 'sum' ? ops.add(f, b) : mode === 'mul' ? ops.mul(f, b) : ops.mul(ops.add(f, b), 0.5);
    expectClose(y.data, want.data, { rtol: 1e-6, atol: 1e-6 });
    const r = rnn.randn([2, 4, 3]);
    gradCheckTensors(() => ops.sum(ops.mul(m.forward(x, { lengths: [4, 3] }).output, r)), [['x', x], ...m.namedParameters()]);
  });
  test('rejects a bidirectional layer', () => {
    expect(() => new rnn.Bidirectional(new rnn.RNN({ inputSize: 2, hiddenSize: 2, bidirectional: true }))).toThrow(
      'must be unidirectional',
    );
  });
});

describe('JordanRNN', () => {
  test.each([
    ['linear', 'tanh'],
    ['sigmoid', 'tanh'],
    ['tanh', 'tanh'],
    ['softmax', 'tanh'],
    ['linear', 'relu'],
    ['softmax', 'relu'],
  ] as const)('%s output, %s hidden: matches the step-by-step reference; finite differences with lengths and h0', (act, hidden) => {
    rnn.manualSeed(6);
    const m = new rnn.JordanRNN({ inputSize: 3, hiddenSize: 5, outputSize: 3, outputActivation: act, nonlinearity: hidden });
    const x = rnn.randn([2, 4, 3], { requiresGrad: true });
    const sd = m.stateDict();
    const want = jordanSequence(
      x.data,
      2,
      4,
      3,
      5,
      3,
      {
        wIh: sd.weight_ih_l0.data,
        wHh: sd.weight_hh_l0.data,
        bIh: sd.bias_ih_l0.data,
        bHh: sd.bias_hh_l0.data,
        wHo: sd.weight_ho.data,
        bHo: sd.bias_ho.data,
      },
      act,
      hidden,
    );
    const res = m.forward(x);
    expectClose(res.output.data, want, { rtol: 1e-5, atol: 1e-6 });
    expect(res.hN.shape).toEqual([1, 2, 3]);
    expectClose(res.hN.data, [...want.slice(9, 12), ...want.slice(21, 24)], { rtol: 1e-5, atol: 1e-6 });
    const h0 = rnn.randn([1, 2, 3], { requiresGrad: true });
    const r = rnn.randn([2, 4, 3]);
    const rh = rnn.randn([1, 2, 3]);
    const loss = () => {
      const o = m.forward(x, { h0, lengths: [4, 2] });
      return ops.add(ops.sum(ops.mul(o.output, r)), ops.sum(ops.mul(o.hN, rh)));
    };
    gradCheckTensors(loss, [['x', x], ['h0', h0], ...m.namedParameters()]);
  });
  test('the output really is fed back: changing W_hh changes later steps only', () => {
    rnn.manualSeed(7);
    const m = new rnn.JordanRNN({ inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const x = rnn.randn([1, 3, 2]);
    const a = m.forward(x).output.toArray();
    m.namedParameters()
      .find(([n]) => n === 'weight_hh_l0')![1]
      .data.fill(0.5);
    const b = m.forward(x).output.toArray();
    expect(Array.from(b.slice(0, 2))).toEqual(Array.from(a.slice(0, 2)));
    expect(b.slice(2)).not.toEqual(a.slice(2));
  });
});
