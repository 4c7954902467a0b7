// SCRN against the step-by-step reference of the paper's equations (src/reference/scrn.ts), by
// finite differences, and its contract: the [h | s] state, α at its ends, bidirectional and
// stacked use, and its errors.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { scrnSequence } from '../../src/reference/scrn.js';
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
    wCx: sd[`weight_cx${s}`].data,
    wHc: sd[`weight_hc${s}`].data,
    bIh: sd[`bias_ih${s}`]?.data ?? null,
    bHh: sd[`bias_hh${s}`]?.data ?? null,
  };
};
describe('SCRN', () => {
  test.each([
    ['sigmoid', 0.95, true],
    ['tanh', 0.5, true],
    ['sigmoid', 0.8, false],
  ] as const)('%s, α %f, bias %s: matches the step-by-step reference with lengths and h0', (nl, alpha, bias) => {
    rnn.manualSeed(21);
    const [B, T, I, H, Cx] = [3, 9, 3, 5, 7];
    const m = new rnn.SCRN({ inputSize: I, hiddenSize: H, contextSize: Cx, alpha, nonlinearity: nl, bias });
    const x = rnn.randn([B, T, I]);
    const h0 = rnn.randn([1, B, H + Cx]);
    const lengths = [9, 4, 7];
    const want = scrnSequence(x.data, B, T, I, H, Cx, alpha, weightsOf(m), { tanh: nl === 'tanh', lengths, h0: h0.data });
    const res = m.forward(x, { h0, lengths });
    expect(res.output.shape).toEqual([B, T, H + Cx]);
    expect(res.hN.shape).toEqual([1, B, H + Cx]);
    expectClose(res.output.data, zeroPastLengths(want.output, T, H + Cx, lengths), { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, want.hN, { rtol: 1e-5, atol: 1e-6 });
  });

  test('α = 1 keeps the context at its initial value; α = 0 makes it B·x_t', () => {
    rnn.manualSeed(22);
    const x = rnn.randn([1, 4, 2]);
    const h0 = rnn.randn([1, 1, 5]);
    const frozen = new rnn.SCRN({ inputSize: 2, hiddenSize: 2, contextSize: 3, alpha: 1 });
    const out = frozen.forward(x, { h0 }).output.data;
    for (let t = 0; t < 4; t++) expectClose(out.subarray(t * 5 + 2, t * 5 + 5), h0.data.subarray(2, 5), { rtol: 0, atol: 0 });
    const memoryless = new rnn.SCRN({ inputSize: 2, hiddenSize: 2, contextSize: 3, alpha: 0 });
    const o2 = memoryless.forward(x, { h0 }).output.data;
    const Bw = memoryless.stateDict().weight_cx_l0.data;
    for (let t = 0; t < 4; t++)
      for (let c = 0; c < 3; c++) expect(o2[t * 5 + 2 + c]).toBeCloseTo(Bw[c * 2] * x.data[t * 2] + Bw[c * 2 + 1] * x.data[t * 2 + 1], 6);
  });

  test('finite differences: x, h0 and every parameter, with lengths', () => {
    rnn.manualSeed(23);
    const m = new rnn.SCRN({ inputSize: 3, hiddenSize: 4, contextSize: 3, alpha: 0.7 });
    const x = rnn.randn([2, 6, 3], { requiresGrad: true });
    const h0 = rnn.randn([1, 2, 7], { requiresGrad: true });
    const r = rnn.randn([2, 6, 7]);
    const rh = rnn.randn([1, 2, 7]);
    const loss = () => {
      const o = m.forward(x, { h0, lengths: [6, 4] });
      return ops.add(ops.sum(ops.mul(o.output, r)), ops.sum(ops.mul(o.hN, rh)));
    };
    gradCheckTensors(loss, [['x', x], ['h0', h0], ...m.namedParameters()], { elementwiseUpTo: 20 });
  });

  test('bidirectional: the reverse direction reads each sequence backwards within its length; finite differences', () => {
    rnn.manualSeed(24);
    const [B, T, I, H, Cx] = [2, 5, 2, 3, 2];
    const G = H + Cx;
    const m = new rnn.SCRN({ inputSize: I, hiddenSize: H, contextSize: Cx, bidirectional: true, nonlinearity: 'tanh' });
    const x = rnn.randn([B, T, I], { requiresGrad: true });
    const lengths = [5, 3];
    const res = m.forward(x, { lengths });
    expect(res.output.shape).toEqual([B, T, 2 * G]);
    const fwd = scrnSequence(x.data, B, T, I, H, Cx, 0.95, weightsOf(m), { tanh: true, lengths });
    const bwd = scrnSequence(reverseWithin(x.data, B, T, I, lengths), B, T, I, H, Cx, 0.95, weightsOf(m, '_l0_reverse'), {
      tanh: true,
      lengths,
    });
    const bo = reverseWithin(bwd.output, B, T, G, lengths);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < lengths[b]; t++) {
        const o = res.output.data.subarray((b * T + t) * 2 * G, (b * T + t + 1) * 2 * G);
        expectClose(o.subarray(0, G), fwd.output.subarray((b * T + t) * G, (b * T + t + 1) * G), { rtol: 1e-5, atol: 1e-6 });
        expectClose(o.subarray(G), bo.subarray((b * T + t) * G, (b * T + t + 1) * G), { rtol: 1e-5, atol: 1e-6 });
      }
    expectClose(res.hN.data, [...fwd.hN, ...bwd.hN], { rtol: 1e-5, atol: 1e-6 });
    const r = rnn.randn([B, T, 2 * G]);
    gradCheckTensors(() => ops.sum(ops.mul(m.forward(x, { lengths }).output, r)), [['x', x], ...m.namedParameters()]);
  });

  test('stacked: the second layer reads [h | s] of the first', () => {
    rnn.manualSeed(25);
    const m = new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 2, numLayers: 2, batchFirst: false });
    const x = rnn.randn([4, 2, 2]); // [T,B,I]
    const bf = (a: ArrayLike<number>, T: number, B: number, F: number) => {
      const o = new Float32Array(a.length);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) o[(b * T + t) * F + f] = a[(t * B + b) * F + f];
      return o;
    };
    const l0 = scrnSequence(bf(x.data, 4, 2, 2), 2, 4, 2, 3, 2, 0.95, weightsOf(m, '_l0'));
    const l1 = scrnSequence(Float32Array.from(l0.output), 2, 4, 5, 3, 2, 0.95, weightsOf(m, '_l1'));
    const res = m.forward(x);
    expect(res.output.shape).toEqual([4, 2, 5]);
    expectClose(res.output.data, bfInv(l1.output, 4, 2, 5), { rtol: 1e-5, atol: 1e-6 });
    expectClose(res.hN.data, [...l0.hN, ...l1.hN], { rtol: 1e-5, atol: 1e-6 });
  });

  test('bad options are named', () => {
    expect(() => new rnn.SCRN({ inputSize: 2, hiddenSize: 3 } as never)).toThrow('SCRN: options.contextSize is required');
    expect(() => new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 2, alpha: 1.5 })).toThrow(
      'alpha must be a finite number in [0, 1], got 1.5',
    );
    expect(() => new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 0 })).toThrow('contextSize must be a positive integer, got 0');
    expect(() => new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 2, nonlinearity: 'relu' as never })).toThrow(
      "nonlinearity must be 'sigmoid' or 'tanh'",
    );
    const m = new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 2 });
    expect(() => m.forward(rnn.zeros([1, 3, 2]), { h0: rnn.zeros([1, 1, 3]) })).toThrow('h0');
  });
});

// [B,T,F] batch-first -> [T,B,F]
function bfInv(a: ArrayLike<number>, T: number, B: number, F: number): Float32Array {
  const o = new Float32Array(a.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) o[(t * B + b) * F + f] = a[(b * T + t) * F + f];
  return o;
}
