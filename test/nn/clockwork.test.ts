// ClockworkRNN against the step-by-step reference of the paper's equations
// (src/reference/clockwork.ts), by finite differences, and its contract: the clock, the block
// structure of W_hh, bidirectional and stacked use, and its errors.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { clockworkSequence } from '../../src/reference/clockwork.js';
import { expectClose, reverseWithin, zeroPastLengths } from '../helpers.js';
import { gradCheckTensors } from '../gradcheck.js';

beforeAll(async () => {
  await rnn.init();
});

const weightsOf = (m: rnn.Module, s = '_l0') => {
  const sd = m.stateDict();
  return {
    wIh: sd[`weight_ih${s}`].data,
    wHh: sd[`weight_hh${s}`].data,
    bIh: sd[`bias_ih${s}`]?.data ?? null,
    bHh: sd[`bias_hh${s}`]?.data ?? null,
  };
};
describe('ClockworkRNN', () => {
  test.each([
    ['tanh', [1, 2, 5], 7],
    ['relu', [1, 3, 4, 9], 10],
    ['tanh', [2, 3], 5],
  ] as const)('%s, periods %j, hidden %i: matches the step-by-step reference with lengths and h0', (nl, periods, H) => {
    rnn.manualSeed(11);
    const m = new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: H, periods, nonlinearity: nl });
    const [B, T] = [3, 13];
    const x = rnn.randn([B, T, 3]);
    const h0 = rnn.randn([1, B, H]);
    const lengths = [13, 6, 10];
    const want = clockworkSequence(x.data, B, T, 3, m.moduleSizes, m.periods, weightsOf(m), { relu: nl === 'relu', lengths, h0: h0.data });
    const res = m.forward(x, { h0, lengths });
    expectClose(res.output.data, zeroPastLengths(want.output, T, H, lengths), { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, want.hN, { rtol: 1e-5, atol: 1e-6 });
  });

  test('one module of period 1 is an Elman RNN: the same outputs and gradients as RNN with the same weights', () => {
    rnn.manualSeed(16);
    const cw = new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: 5, periods: [1] });
    const el = new rnn.RNN({ inputSize: 3, hiddenSize: 5 });
    el.loadStateDict(cw.stateDict());
    const x = rnn.randn([2, 6, 3]);
    const r = rnn.randn([2, 6, 5]);
    const run = (m: rnn.ClockworkRNN | rnn.RNN) => {
      const out = m.forward(x, { lengths: [6, 4] }).output;
      ops.sum(ops.mul(out, r)).backward();
      return [out, ...m.parameters().map((p) => p.grad!)];
    };
    const a = run(cw);
    const b = run(el);
    a.forEach((t, i) => expectClose(t.data, b[i].data, { rtol: 1e-5, atol: 1e-6 }));
  });

  test('default periods are 1, 2, 4, … for min(8, hiddenSize) modules, split as evenly as possible', () => {
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 20 });
    expect(m.periods).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
    expect(m.moduleSizes).toEqual([3, 3, 3, 3, 2, 2, 2, 2]);
    expect(new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 3 }).periods).toEqual([1, 2, 4]);
  });

  test('a module changes only at steps divisible by its period, and reads only slower modules', () => {
    rnn.manualSeed(12);
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4] });
    const x = rnn.randn([1, 12, 2]);
    const out = m.forward(x).output.data;
    const unit = (t: number, u: number) => out[t * 6 + u];
    for (let t = 1; t < 12; t++) {
      // module 1 (units 2, 3, period 2) and module 2 (units 4, 5, period 4)
      expect(unit(t, 2) === unit(t - 1, 2), `t=${t}`).toBe(t % 2 !== 0);
      expect(unit(t, 4) === unit(t - 1, 4), `t=${t}`).toBe(t % 4 !== 0);
    }
    const c = m.connectivity;
    // unit 0 (module 0) reads everything; unit 4 (module 2) reads only units 4 and 5
    expect(Array.from(c.subarray(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(c.subarray(24, 30))).toEqual([0, 0, 0, 0, 1, 1]);
    const wHh = m.stateDict().weight_hh_l0.data;
    for (let i = 0; i < 36; i++) if (c[i] === 0) expect(wHh[i]).toBe(0);
  });

  test('finite differences: x, h0 and every parameter (W_hh on its blocks), with lengths', () => {
    rnn.manualSeed(13);
    const m = new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: 7, periods: [1, 2, 3] });
    const x = rnn.randn([2, 7, 3], { requiresGrad: true });
    const h0 = rnn.randn([1, 2, 7], { requiresGrad: true });
    const r = rnn.randn([2, 7, 7]);
    const rh = rnn.randn([1, 2, 7]);
    const loss = () => {
      const o = m.forward(x, { h0, lengths: [7, 5] });
      return ops.add(ops.sum(ops.mul(o.output, r)), ops.sum(ops.mul(o.hN, rh)));
    };
    const params = m
      .namedParameters()
      .map(([n, p]) => [n, p, n.startsWith('weight_hh') ? m.connectivity : undefined] as [string, rnn.Tensor, Float32Array?]);
    gradCheckTensors(loss, [['x', x], ['h0', h0], ...params], { elementwiseUpTo: 30 });
  });

  test('bidirectional: the reverse direction runs its own clock from each sequence’s last step; finite differences', () => {
    rnn.manualSeed(14);
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 5, periods: [1, 2], bidirectional: true });
    const [B, T, H] = [2, 6, 5];
    const x = rnn.randn([B, T, 2], { requiresGrad: true });
    const lengths = [6, 4];
    const res = m.forward(x, { lengths });
    expect(res.output.shape).toEqual([B, T, 2 * H]);
    expect(res.hN.shape).toEqual([2, B, H]);
    const fwd = clockworkSequence(x.data, B, T, 2, m.moduleSizes, m.periods, weightsOf(m), { lengths });
    const bwd = clockworkSequence(reverseWithin(x.data, B, T, 2, lengths), B, T, 2, m.moduleSizes, m.periods, weightsOf(m, '_l0_reverse'), {
      lengths,
    });
    const bwdOut = reverseWithin(Float32Array.from(bwd.output), B, T, H, lengths);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < lengths[b]; t++) {
        const o = res.output.data.subarray((b * T + t) * 2 * H, (b * T + t + 1) * 2 * H);
        expectClose(o.subarray(0, H), fwd.output.subarray((b * T + t) * H, (b * T + t + 1) * H), { rtol: 1e-5, atol: 1e-6 });
        expectClose(o.subarray(H), bwdOut.subarray((b * T + t) * H, (b * T + t + 1) * H), { rtol: 1e-5, atol: 1e-6 });
      }
    expectClose(res.hN.data, [...fwd.hN, ...bwd.hN], { rtol: 1e-5, atol: 1e-6 });
    const r = rnn.randn([B, T, 2 * H]);
    const params = m
      .namedParameters()
      .map(([n, p]) => [n, p, n.startsWith('weight_hh') ? m.connectivity : undefined] as [string, rnn.Tensor, Float32Array?]);
    gradCheckTensors(() => ops.sum(ops.mul(m.forward(x, { lengths }).output, r)), [['x', x], ...params]);
  });

  test('stacked layers and the Bidirectional wrapper', () => {
    rnn.manualSeed(15);
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4, periods: [1, 2], numLayers: 2 });
    const x = rnn.randn([2, 5, 2]);
    const l0 = clockworkSequence(x.data, 2, 5, 2, m.moduleSizes, m.periods, weightsOf(m, '_l0'));
    const l1 = clockworkSequence(Float32Array.from(l0.output), 2, 5, 4, m.moduleSizes, m.periods, weightsOf(m, '_l1'));
    const res = m.forward(x);
    expectClose(res.output.data, l1.output, { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, [...l0.hN, ...l1.hN], { rtol: 1e-5, atol: 1e-6 });
    const bi = new rnn.Bidirectional(new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4, periods: [1, 3] }));
    expect(bi.forward(x, { lengths: [5, 3] }).output.shape).toEqual([2, 5, 8]);
  });

  test('refuses a W_hh with an entry below the blocks, naming it', () => {
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4, periods: [1, 2] });
    const sd = m.stateDict();
    const w = sd.weight_hh_l0.data.slice();
    w[2 * 4 + 0] = 0.5; // unit 2 (module 1, period 2) reading unit 0 (module 0)
    m.loadStateDict({ ...sd, weight_hh_l0: rnn.tensor(w, [4, 4]) });
    expect(() => m.forward(rnn.zeros([1, 3, 2]))).toThrow(
      'ClockworkRNN: weight_hh_l0[2, 0] must be 0 (unit 2 is in module 1, period 2, which reads only from modules with periods >= 2; unit 0 is in module 0), got 0.5',
    );
  });

  test('bad options are named', () => {
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4, periods: [1, 4, 2] })).toThrow(
      'ClockworkRNN: periods must be strictly increasing, got periods[1] = 4 and periods[2] = 2',
    );
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4, periods: [1, 2.5] })).toThrow(
      'ClockworkRNN: periods[1] must be a positive integer, got 2.5',
    );
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 2, periods: [1, 2, 4] })).toThrow(
      'ClockworkRNN: periods must have 1 to hiddenSize (2) entries, one per module, got 3',
    );
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 2, periods: [] })).toThrow('got 0');
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 2, nonlinearity: 'sigmoid' as never })).toThrow(
      "nonlinearity must be 'tanh' or 'relu'",
    );
    expect(() => new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 2, period: [1] } as never)).toThrow("did you mean 'periods'");
    const m = new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 2 });
    expect(() => m.forward(rnn.zeros([1, 3, 3]))).toThrow('ClockworkRNN: x must be [B,T,2], got [1,3,3]');
    expect(() => m.forward(rnn.zeros([1, 3, 2]), { lengths: [4] })).toThrow('lengths');
  });
});
