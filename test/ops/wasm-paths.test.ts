// Large arrays take wasm paths that small ones do not: gradient sums (src/backend/accumulate.ts)
// and permutations that are matrix transposes (src/ops/shape.ts). Each is checked here against
// an element-by-element reference on odd sizes, through the public ops and the tape.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { addInto } from '../../src/backend/accumulate.js';
import { seeded } from '../helpers.js';

beforeAll(async () => {
  await rnn.init();
});

function randomData(n: number, seed: number): Float32Array {
  const rng = seeded(seed);
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

// out[i0, i1, ...] = x[i_perm[0], ...]: the definition, one element at a time
function permuteReference(x: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((a) => shape[a]);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, s) => p * s, 1));
  const out = new Float32Array(x.length);
  const idx = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx[d] = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
    }
    out[o] = x[idx.reduce((s, i, d) => s + i * strides[perm[d]], 0)];
  }
  return out;
}

describe('permutations of large tensors', () => {
  // every case has at least 4,096 floats, where the transposes take the wasm kernel
  const cases: [number[], number[]][] = [
    [
      [3, 37, 45],
      [0, 2, 1],
    ], // batched transpose
    [
      [61, 83],
      [1, 0],
    ], // plain transpose
    [
      [97, 1, 45],
      [2, 1, 0],
    ], // a size-1 axis dropped: a transpose
    [
      [5, 7, 9, 15],
      [0, 1, 3, 2],
    ], // two batch axes merged
    [
      [7, 9, 13, 7],
      [2, 3, 0, 1],
    ], // two pairs of axes: a transpose of [63, 91]
    [
      [6, 5, 7, 23],
      [0, 3, 1, 2],
    ], // a batched transpose of [35, 23]
    [
      [9, 11, 47],
      [2, 0, 1],
    ], // a transpose of [99, 47]
    [
      [13, 11, 29],
      [1, 0, 2],
    ], // no transpose: element by element
    [
      [13, 11, 29],
      [2, 1, 0],
    ], // no transpose: element by element
  ];
  for (const [shape, perm] of cases) {
    test(`[${shape}] by [${perm}]: values and gradient as the definition`, () => {
      const n = shape.reduce((p, s) => p * s, 1);
      const xd = randomData(n, n);
      const x = rnn.tensor(xd, shape, { requiresGrad: true });
      const y = ops.permute(x, perm);
      expect(y.shape).toEqual(perm.map((a) => shape[a]));
      expect(Array.from(y.data)).toEqual(Array.from(permuteReference(xd, shape, perm)));
      // d sum(y * w) / dx = w permuted back
      const w = randomData(n, n + 1);
      ops.sum(ops.mul(y, rnn.tensor(w, y.shape))).backward();
      const inverse = perm.map((_, i) => perm.indexOf(i));
      expect(Array.from(x.grad!.data)).toEqual(Array.from(permuteReference(w, y.shape, inverse)));
    });
  }
});

describe('gradient sums of large tensors', () => {
  test('addInto gives the float32 sum on lengths around the wasm threshold and odd ones', () => {
    for (const n of [7, 2047, 2048, 2049, 6143]) {
      const a = randomData(n, n);
      const b = randomData(n, n + 5);
      const into = a.slice();
      addInto(into, b);
      expect(Array.from(into)).toEqual(Array.from(a, (v, i) => Math.fround(v + b[i])));
    }
  });

  test('a large tensor used by two ops gets the sum of both contributions', () => {
    const n = 3001;
    const a = randomData(n, 1);
    const b = randomData(n, 2);
    const c = randomData(n, 3);
    const x = rnn.tensor(randomData(n, 4), [n], { requiresGrad: true });
    const y = ops.mul(x, rnn.tensor(c)); // an interior tensor: its contributions are summed on the tape
    const loss = ops.add(ops.sum(ops.mul(y, rnn.tensor(a))), ops.sum(ops.mul(y, rnn.tensor(b))));
    loss.backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(c, (v, i) => Math.fround(Math.fround(a[i] + b[i]) * v)));
  });

  test('a large leaf accumulates its gradient over two backward calls', () => {
    const n = 4099;
    const a = randomData(n, 5);
    const b = randomData(n, 6);
    const x = rnn.tensor(randomData(n, 7), [n], { requiresGrad: true });
    ops.sum(ops.mul(x, rnn.tensor(a))).backward();
    ops.sum(ops.mul(x, rnn.tensor(b))).backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(a, (v, i) => Math.fround(v + b[i])));
  });
});
