import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { type Tensor, ops } from '../../src/node.js';
import { gradCheck } from '../gradcheck.js';
import { expectClose, seeded } from '../helpers.js';
import { checkFinite } from '../../src/ops/util.js';

beforeAll(async () => {
  await rnn.init();
});

function rand(shape: number[], seed: number, { lo = -1, hi = 1, grad = true } = {}): Tensor {
  const rng = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return rnn.tensor(
    Float32Array.from({ length: n }, () => lo + (hi - lo) * rng()),
    shape,
    { requiresGrad: grad },
  );
}

describe('arithmetic with broadcasting', () => {
  test('add broadcasts as NumPy: [2,3] + [3] and [2,1] + [1,3]', () => {
    const a = rnn.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(ops.add(a, rnn.tensor([10, 20, 30])).toNested()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(ops.add(rnn.tensor([[1], [2]]), rnn.tensor([[10, 20, 30]])).toNested()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(ops.mul(a, 2).toNested()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
    expect(ops.sub(1, a).toNested()).toEqual([
      [0, -1, -2],
      [-3, -4, -5],
    ]);
    expect(ops.div(a, rnn.tensor([[1], [2]])).toNested()).toEqual([
      [1, 2, 3],
      [2, 2.5, 3],
    ]);
  });
  test.each([
    ['add', ops.add],
    ['sub', ops.sub],
    ['mul', ops.mul],
    ['div', ops.div],
  ] as const)('%s gradients, same shape and broadcast', (_name, fn) => {
    const pos = { lo: 0.5, hi: 2 };
    gradCheck(fn, [rand([3, 5], 1), rand([3, 5], 2, pos)]);
    gradCheck(fn, [rand([2, 3, 5], 3), rand([5], 4, pos)]);
    gradCheck(fn, [rand([2, 1, 5], 5), rand([3, 1], 6, pos)]);
  });
  test('a tensor used twice receives both gradients', () => {
    const x = rnn.tensor([1, 2, 3], [3], { requiresGrad: true });
    ops.sum(ops.mul(x, x)).backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
  });
});

describe('activations', () => {
  test.each([
    ['tanh', ops.tanh],
    ['sigmoid', ops.sigmoid],
    ['exp', ops.exp],
  ] as const)('%s gradient', (_n, fn) => {
    gradCheck(fn, [rand([3, 7], 7, { lo: -2, hi: 2 })]);
  });
  test('relu gradient away from the kink', () => {
    const x = rand([4, 5], 8);
    x.data.forEach((v, i) => (x.data[i] = Math.abs(v) < 0.1 ? 0.5 : v));
    gradCheck(ops.relu, [x]);
  });
  test('log gradient on positive inputs', () => {
    gradCheck(ops.log, [rand([2, 9], 9, { lo: 0.5, hi: 3 })]);
  });
  test('values match Math', () => {
    const x = rnn.tensor([-2, -0.5, 0, 0.5, 2]);
    expectClose(ops.tanh(x).data, [-2, -0.5, 0, 0.5, 2].map(Math.tanh), { atol: 3e-7, rtol: 0 });
    expectClose(
      ops.sigmoid(x).data,
      [-2, -0.5, 0, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))),
      { atol: 3e-7, rtol: 0 },
    );
    expect(Array.from(ops.relu(x).data)).toEqual([0, 0, 0, 0.5, 2]);
  });
});

describe('matmul', () => {
  test('2-D values', () => {
    const a = rnn.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = rnn.tensor([
      [1, 0],
      [0, 1],
      [2, 3],
    ]);
    expect(ops.matmul(a, b).toNested()).toEqual([
      [7, 11],
      [16, 23],
    ]);
  });
  test('gradients: 2-D, batched, and batched with a shared 2-D right operand', () => {
    gradCheck(ops.matmul, [rand([3, 5], 10), rand([5, 7], 11)]);
    gradCheck(ops.matmul, [rand([2, 3, 5], 12), rand([2, 5, 6], 13)]);
    gradCheck(ops.matmul, [rand([2, 3, 5], 14), rand([5, 9], 15)]);
  });
  test('batched matmul equals per-batch products', () => {
    const a = rand([3, 2, 4], 16, { grad: false });
    const b = rand([3, 4, 5], 17, { grad: false });
    const c = ops.matmul(a, b);
    for (let i = 0; i < 3; i++) {
      const ci = ops.matmul(ops.select(a, 0, i), ops.select(b, 0, i));
      expectClose(ops.select(c, 0, i).data, ci.data, { rtol: 1e-6, atol: 1e-6 });
    }
  });
  test('shape errors name the op and both shapes', () => {
    expect(() => ops.matmul(rnn.zeros([2, 3]), rnn.zeros([4, 5]))).toThrow('matmul: inner dimensions differ: [2,3] · [4,5]');
    expect(() => ops.matmul(rnn.zeros([2, 2, 3]), rnn.zeros([3, 3, 5]))).toThrow('matmul: batch dimensions differ: [2,2,3] · [3,3,5]');
    expect(() => ops.matmul(rnn.zeros([3]), rnn.zeros([3, 5]))).toThrow('at least 2 dimensions');
  });
});

describe('softmax and logSoftmax', () => {
  test('rows sum to one; logSoftmax = log(softmax); axis 0 works', () => {
    const x = rand([3, 5], 18, { lo: -5, hi: 5, grad: false });
    const s = ops.softmax(x);
    const rows = ops.sum(s, -1);
    expectClose(rows.data, [1, 1, 1], { rtol: 1e-6, atol: 1e-6 });
    expectClose(ops.logSoftmax(x).data, ops.log(s).data, { rtol: 1e-5, atol: 1e-5 });
    expectClose(ops.sum(ops.softmax(x, 0), 0).data, [1, 1, 1, 1, 1], { rtol: 1e-6, atol: 1e-6 });
  });
  test.each([-1, 1, 0])('gradients along axis %i', (axis) => {
    gradCheck((x) => ops.softmax(x, axis), [rand([2, 4, 3], 19, { lo: -2, hi: 2 })]);
    gradCheck((x) => ops.logSoftmax(x, axis), [rand([2, 4, 3], 20, { lo: -2, hi: 2 })]);
  });
});

describe('reductions', () => {
  test('sum and mean values, with and without axis and keepDim', () => {
    const x = rnn.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(ops.sum(x).shape).toEqual([]);
    expect(ops.sum(x).item()).toBe(21);
    expect(ops.mean(x).item()).toBe(3.5);
    expect(ops.sum(x, 0).toNested()).toEqual([5, 7, 9]);
    expect(ops.sum(x, -1, true).toNested()).toEqual([[6], [15]]);
    expect(ops.mean(x, 1).toNested()).toEqual([2, 5]);
  });
  test('gradients', () => {
    gradCheck((x) => ops.sum(x), [rand([3, 4], 21)]);
    gradCheck((x) => ops.mean(x), [rand([3, 4], 22)]);
    gradCheck((x) => ops.sum(x, 1), [rand([2, 3, 4], 23)]);
    gradCheck((x) => ops.mean(x, -1, true), [rand([2, 3, 5], 24)]);
    gradCheck((x) => ops.mean(x, 0), [rand([3, 5], 25)]);
  });
});

describe('shape ops', () => {
  test('values', () => {
    const x = rnn.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(ops.transpose(x).toNested()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(ops.reshape(x, [3, -1]).toNested()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(ops.concat([x, x], 1).toNested()).toEqual([
      [1, 2, 3, 1, 2, 3],
      [4, 5, 6, 4, 5, 6],
    ]);
    expect(ops.stack([x, x], 1).shape).toEqual([2, 2, 3]);
    expect(ops.slice(x, 1, 1).toNested()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(ops.slice(x, 1, -1).toNested()).toEqual([[3], [6]]);
    expect(ops.select(x, 1, -1).toNested()).toEqual([3, 6]);
    expect(ops.permute(rnn.zeros([2, 3, 4]), [2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(x.reshape([6]).shape).toEqual([6]);
  });
  test('gradients', () => {
    gradCheck((x) => ops.transpose(x), [rand([3, 4], 26)]);
    gradCheck((x) => ops.permute(x, [2, 0, 1]), [rand([2, 3, 4], 27)]);
    gradCheck((x) => ops.reshape(x, [4, 3]), [rand([3, 4], 28)]);
    gradCheck((a, b) => ops.concat([a, b], 1), [rand([2, 3], 29), rand([2, 5], 30)]);
    gradCheck((a, b) => ops.stack([a, b], 0), [rand([2, 3], 31), rand([2, 3], 32)]);
    gradCheck((x) => ops.slice(x, 1, 1, 3), [rand([2, 4, 3], 33)]);
    gradCheck((x) => ops.select(x, 2, 1), [rand([2, 4, 3], 34)]);
  });
  test('errors', () => {
    expect(() => ops.reshape(rnn.zeros([2, 3]), [4, 2])).toThrow('reshape: cannot reshape [2,3] (6 elements) into [4,2]');
    expect(() => ops.concat([rnn.zeros([2, 3]), rnn.zeros([3, 3])], 1)).toThrow('concat: shapes [2,3] and [3,3] differ outside axis 1');
    expect(() => ops.select(rnn.zeros([2, 3]), 1, 3)).toThrow('select: index must be an integer in [-3, 2]');
    expect(() => ops.sum(rnn.zeros([2, 3]), 2)).toThrow('sum: axis must be an integer in [-2, 1], got 2');
    expect(() => ops.add(rnn.zeros([2, 3]), rnn.zeros([4]))).toThrow('add: shapes [2,3] and [4] cannot be broadcast together');
  });
});

describe('abs, neg, lastStep', () => {
  test('abs and neg values; abs has gradient sign(x), 0 at 0 (PyTorch)', () => {
    const x = rnn.tensor([-2, -0.5, 0, 1.5], [4], { requiresGrad: true });
    expect(Array.from(ops.abs(x).data)).toEqual([2, 0.5, 0, 1.5]);
    expect(Array.from(ops.neg(x).data)).toEqual([2, 0.5, -0, -1.5]);
    ops.sum(ops.abs(x)).backward();
    expect(Array.from(x.grad!.data)).toEqual([-1, -1, 0, 1]);
    x.grad = null;
    ops.sum(ops.mul(ops.neg(x), rnn.tensor([1, 2, 3, 4]))).backward();
    expect(Array.from(x.grad!.data)).toEqual([-1, -2, -3, -4]);
  });
  test('abs and neg gradients (finite differences, away from 0)', () => {
    const awayFromZero = rand([3, 5], 40);
    awayFromZero.data.forEach((v, i, d) => (d[i] = Math.abs(v) < 0.1 ? v + 0.3 : v));
    gradCheck((x) => ops.abs(x), [awayFromZero]);
    gradCheck((x) => ops.neg(x), [rand([2, 3, 4], 41)]);
  });
  test("lastStep picks each sequence's own last step, batch-first and time-major, and scatters the gradient back", () => {
    // x[b,t,f] = 100b + 10t + f
    const B = 3,
      T = 4,
      F = 2;
    const bf = rnn.tensor(
      Float32Array.from({ length: B * T * F }, (_, i) => 100 * Math.floor(i / (T * F)) + 10 * Math.floor((i / F) % T) + (i % F)),
      [B, T, F],
      { requiresGrad: true },
    );
    expect(ops.lastStep(bf, [4, 1, 2]).toNested()).toEqual([
      [30, 31],
      [100, 101],
      [210, 211],
    ]);
    expect(ops.lastStep(bf).toNested()).toEqual([
      [30, 31],
      [130, 131],
      [230, 231],
    ]);
    const tm = ops.permute(bf, [1, 0, 2]); // [T,B,F]
    expect(ops.lastStep(tm, [4, 1, 2], false).toNested()).toEqual([
      [30, 31],
      [100, 101],
      [210, 211],
    ]);
    ops
      .sum(
        ops.mul(
          ops.lastStep(bf, [4, 1, 2]),
          rnn.tensor([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
        ),
      )
      .backward();
    const g = bf.grad!.toNested() as number[][][];
    expect(g[0][3]).toEqual([1, 2]);
    expect(g[1][0]).toEqual([3, 4]);
    expect(g[2][1]).toEqual([5, 6]);
    expect(g.flat(2).filter((v) => v !== 0)).toHaveLength(6);
    gradCheck((x) => ops.lastStep(x, [2, 3], false), [rand([3, 2, 4], 42)]);
    expect(() => ops.lastStep(bf, [5, 1, 1])).toThrow('lastStep: lengths[0] must be an integer in 1..4, got 5');
  });
});

describe('checkFinite (the input scan of the recurrent modules and losses)', () => {
  test.each([
    [0, Number.NaN],
    [4, Number.POSITIVE_INFINITY],
    [1001, Number.NEGATIVE_INFINITY], // in the tail past the last group of four
    [998, Number.NaN],
  ])('names the first bad element of 1,002 (index %i: %d)', (at, v) => {
    const d = new Float32Array(1002).map((_, i) => Math.sin(i) * 1e30);
    d[at] = v;
    if (at < 1000) d[1001] = Number.NaN; // a later bad one is not the one named
    expect(() => checkFinite(d, 'op', 'x')).toThrow(`op: x contains ${v} at flat index ${at}`);
  });
  test('finite values, large ones included, pass', () => {
    expect(() => checkFinite(new Float32Array(1003).fill(3.4e38), 'op', 'x')).not.toThrow();
  });
});
