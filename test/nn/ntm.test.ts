// The Neural Turing Machine: each addressing stage and a whole step by finite differences, the
// stages' semantics, and the copy task (Graves et al. 2014), including sequences longer than any
// seen in training.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { gradCheck, gradCheckTensors } from '../gradcheck.js';
import { expectClose } from '../helpers.js';
import { ntmWrite } from '../../src/ops/ntm-addressing.js';

beforeAll(async () => {
  await rnn.init();
});

describe('addressing stages', () => {
  test('circular convolution: a shift distribution of (0,0,1) moves the weighting one place forward, wrapping around', () => {
    const w = rnn.tensor([[0.7, 0.2, 0.1, 0]]);
    expect(ops.circularConv(w, rnn.tensor([[0, 0, 1]])).toNested()).toEqual([[0, 0.7, 0.2, 0.1].map(Math.fround)]);
    expect(ops.circularConv(w, rnn.tensor([[1, 0, 0]])).toNested()).toEqual([[0.2, 0.1, 0, 0.7].map(Math.fround)]);
    gradCheck(ops.circularConv, [rnn.randn([2, 5], { requiresGrad: true }), rnn.randn([2, 3], { requiresGrad: true })]);
  });
  test('softplus and sqrt gradients', () => {
    rnn.manualSeed(1);
    gradCheck(ops.softplus, [rnn.randn([3, 4], { requiresGrad: true })]);
    gradCheck(ops.sqrt, [rnn.uniform([3, 4], 0.5, 2, { requiresGrad: true })]);
  });
  test('content addressing focuses on the most similar row; sharpening concentrates; interpolation keeps the previous focus when g = 0', () => {
    const ntm = new rnn.NTM({ inputSize: 1, outputSize: 1, memorySize: 4, memoryWidth: 3, controllerSize: 2 });
    const memory = rnn.tensor([
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [-1, 0, 0],
      ],
    ]);
    const prev = rnn.tensor([[0, 0, 0, 1]]);
    const big = 20;
    // p = [k (M), beta, g, s (3), gamma] in pre-activation form
    const p = (k: number[], beta: number, g: number, gamma: number) =>
      rnn.tensor([[...k.map(Math.atanh), beta, g, -big, big, -big, gamma]]);
    const w1 = ntm.address(p([0, 0.99, 0], 10, big, 10), memory, prev).w.toArray();
    expect(w1.indexOf(Math.max(...w1))).toBe(1);
    expect(w1[1]).toBeGreaterThan(0.99);
    const w2 = ntm.address(p([0, 0.99, 0], 10, -big, 0), memory, prev).w.toArray();
    expect(w2[3]).toBeGreaterThan(0.99);
  });
  test('the fused addressing and write equal their composition from ops (values and every gradient)', () => {
    rnn.manualSeed(9);
    const [B, N, M, S] = [3, 7, 5, 1];
    const K = 2 * S + 1;
    // the equations composed from ops, as the NTM ran them before they were fused
    const composed = (p: rnn.Tensor, memory: rnn.Tensor, wPrev: rnn.Tensor) => {
      const k = ops.tanh(ops.slice(p, 1, 0, M));
      const beta = ops.softplus(ops.slice(p, 1, M, M + 1));
      const g = ops.sigmoid(ops.slice(p, 1, M + 1, M + 2));
      const s = ops.softmax(ops.slice(p, 1, M + 2, M + 2 + K));
      const gamma = ops.add(ops.softplus(ops.slice(p, 1, M + 2 + K, M + 3 + K)), 1);
      const dot = ops.reshape(ops.matmul(memory, ops.reshape(k, [B, M, 1])), [B, -1]);
      const memNorm = ops.sqrt(ops.sum(ops.mul(memory, memory), -1));
      const keyNorm = ops.sqrt(ops.sum(ops.mul(k, k), -1, true));
      const wc = ops.softmax(ops.mul(ops.div(dot, ops.add(ops.mul(memNorm, keyNorm), 1e-8)), beta));
      const wg = ops.add(ops.mul(g, wc), ops.mul(ops.sub(1, g), wPrev));
      const pw = ops.exp(ops.mul(gamma, ops.log(ops.add(ops.circularConv(wg, s), 1e-12))));
      return ops.div(pw, ops.sum(pw, -1, true));
    };
    const write = (memory: rnn.Tensor, w: rnn.Tensor, e: rnn.Tensor, a: rnn.Tensor) => {
      const wcol = ops.reshape(w, [B, N, 1]);
      return ops.add(
        ops.mul(memory, ops.sub(1, ops.matmul(wcol, ops.reshape(ops.sigmoid(e), [B, 1, M])))),
        ops.matmul(wcol, ops.reshape(ops.tanh(a), [B, 1, M])),
      );
    };
    const ntm = new rnn.NTM({ inputSize: 1, outputSize: 1, memorySize: N, memoryWidth: M, controllerSize: 2, shiftRange: S });
    const leaves = () => {
      rnn.manualSeed(10);
      return [
        rnn.randn([B, M + 3 + K], { requiresGrad: true }),
        rnn.randn([B, N, M], { requiresGrad: true }),
        ops.softmax(rnn.randn([B, N])).detach(),
        rnn.randn([B, M], { requiresGrad: true }),
        rnn.randn([B, M], { requiresGrad: true }),
      ];
    };
    const R = rnn.randn([B, N, M]);
    const run = (fused: boolean) => {
      const [p, memory, wPrev, e, a] = leaves();
      wPrev.requiresGrad = true;
      const w = fused ? ntm.address(p, memory, wPrev).w : composed(p, memory, wPrev);
      const m2 = fused ? ntmWrite(memory, w, e, a) : write(memory, w, e, a);
      ops.sum(ops.mul(m2, R)).backward();
      return [w, m2, ...[p, memory, wPrev, e, a].map((t) => t.grad!)];
    };
    const f = run(true);
    const c = run(false);
    f.forEach((t, i) => expectClose(t.data, c[i].data, { rtol: 1e-4, atol: 1e-5 }));
  });

  test('finite differences through every stage of one head (key, strength, gate, shift, sharpening)', () => {
    rnn.manualSeed(2);
    const ntm = new rnn.NTM({ inputSize: 1, outputSize: 1, memorySize: 5, memoryWidth: 3, controllerSize: 2, shiftRange: 1 });
    const prev = ops.softmax(rnn.randn([2, 5]));
    gradCheck(
      (p, mem) => ntm.address(p, mem, prev).w,
      [rnn.randn([2, 3 + 1 + 1 + 3 + 1], { requiresGrad: true }), rnn.randn([2, 5, 3], { requiresGrad: true })],
      { elementwiseUpTo: 30 },
    );
  });
  test.each(['lstm', 'feedforward'] as const)(
    'finite differences through a whole NTM (%s controller, 2 read heads, 1 write head, 3 steps)',
    (controller) => {
      rnn.manualSeed(3);
      const ntm = new rnn.NTM({
        inputSize: 3,
        outputSize: 2,
        controller,
        controllerSize: 4,
        memorySize: 5,
        memoryWidth: 3,
        readHeads: 2,
        writeHeads: 1,
      });
      const x = rnn.randn([2, 3, 3], { requiresGrad: true });
      const r = rnn.randn([2, 3, 2]);
      gradCheckTensors(() => ops.sum(ops.mul(ntm.forward(x).output, r)), [['x', x], ...ntm.namedParameters()], { elementwiseUpTo: 4 });
    },
  );
  test('a write with erase 1 and add a replaces the addressed row', () => {
    rnn.manualSeed(4);
    const ntm = new rnn.NTM({
      inputSize: 1,
      outputSize: 1,
      memorySize: 3,
      memoryWidth: 2,
      controllerSize: 2,
      readHeads: 1,
      writeHeads: 1,
      controller: 'feedforward',
    });
    // make the write head's output constant: weights 0, biases chosen
    const [, wh] = ntm.namedParameters().find(([n]) => n === 'write_head0.weight')!;
    const [, bh] = ntm.namedParameters().find(([n]) => n === 'write_head0.bias')!;
    wh.data.fill(0);
    // key, beta, gate(-20: keep previous focus on row 0), shift (no move), gamma, erase (+20), add (atanh 0.5, atanh -0.5)
    bh.data.set([0, 0, 0, -20, -20, 20, -20, 5, 20, 20, Math.atanh(0.5), Math.atanh(-0.5)]);
    const { memory } = ntm.forward(rnn.zeros([1, 1, 1]));
    const m = memory.toNested() as number[][][];
    expect(m[0][0][0]).toBeCloseTo(0.5, 3);
    expect(m[0][0][1]).toBeCloseTo(-0.5, 3);
    const init = ntm.memoryInit.toNested() as number[][];
    expect(m[0][1][0]).toBeCloseTo(init[1][0], 3);
  });
  test('errors', () => {
    expect(() => new rnn.NTM({ inputSize: 2, outputSize: 2, memorySize: 2, shiftRange: 1 })).toThrow('2·shiftRange + 1 <= memorySize');
    expect(() => new rnn.NTM({ inputSize: 2, outputSize: 2 }).forward(rnn.zeros([1, 2, 3]))).toThrow('NTM: x must be [B,T,2], got [1,2,3]');
  });
});
