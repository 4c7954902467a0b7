// The Neural Turing Machine: each addressing stage and a whole step by finite differences, the
// stages' semantics, and the copy task (Graves et al. 2014), including sequences longer than any
// seen in training.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { gradCheck, gradCheckTensors } from '../gradcheck.js';

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
