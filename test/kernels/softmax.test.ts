import { describe, test, expect, beforeAll } from 'vitest';
import * as ref from '../../src/reference/softmax.js';
import * as refR from '../../src/reference/reduce.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

const ROWS_COLS: [number, number][] = [
  [1, 1],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 17],
  [7, 33],
  [2, 1027],
];
let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  for (const fn of ['softmax', 'log_softmax'] as const) {
    test.each(ROWS_COLS)(`${fn}_forward matches reference, rows=%i cols=%i`, (r, c) => {
      const [x] = randomFloats(seeded(r * 31 + c), r * c, 1, 8);
      const want = new Float64Array(r * c);
      ref[`${fn}_forward`](want, Float64Array.from(x), r, c);
      expectClose(runKernel(k(), `${fn}_forward`, [new Float32Array(r * c), x], [r, c]).out[0], want, { rtol: 2e-6, atol: 2e-7 });
    });
    test.each(ROWS_COLS)(`${fn}_backward matches reference, rows=%i cols=%i`, (r, c) => {
      const rng = seeded(r * 17 + c);
      const [x, dout, dinp] = randomFloats(rng, r * c, 3, 3);
      const y = new Float32Array(r * c);
      ref[`${fn}_forward`](y, x, r, c);
      const want = dinp.slice();
      ref[`${fn}_backward`](want, dout, y, r, c);
      expectClose(runKernel(k(), `${fn}_backward`, [dinp, dout, y], [r, c]).out[0], want, { rtol: 1e-5, atol: 1e-6 });
    });
  }

  test('softmax and log_softmax do not overflow on logits of ±1000, and an all -Infinity row is zeros / stays finite', () => {
    const x = Float32Array.from([1000, 999, -1000, 0, -Infinity, -Infinity, -Infinity, -Infinity]);
    const sm = runKernel(k(), 'softmax_forward', [new Float32Array(8), x], [2, 4]).out[0];
    expectClose(sm.slice(0, 4), [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), 0, 0], { rtol: 1e-6, atol: 1e-7 });
    expect(Array.from(sm.slice(4))).toEqual([0, 0, 0, 0]);
    const ls = runKernel(k(), 'log_softmax_forward', [new Float32Array(8), x], [2, 4]).out[0];
    expectClose(ls.slice(0, 2), [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], { rtol: 1e-6, atol: 1e-6 });
    expect(ls[2]).toBeCloseTo(-2000 - Math.log1p(Math.exp(-1)), 2);
  });

  test.each([0, 1, 3, 4, 5, 17, 1027, 100003])('sum and sum_squares match a float64 sum, n=%i', (n) => {
    const [x] = randomFloats(seeded(n + 9), n);
    const s = runKernel(k(), 'sum', [x], [n]).result;
    const q = runKernel(k(), 'sum_squares', [x], [n]).result;
    expect(Math.abs(s - refR.sum(x, n))).toBeLessThan(1e-9 * Math.max(1, n));
    expect(Math.abs(q - refR.sum_squares(x, n))).toBeLessThan(1e-9 * Math.max(1, n));
  });

  test.each([
    [1, 1, 1],
    [2, 3, 5],
    [3, 7, 1],
    [1, 5, 9],
    [4, 3, 17],
  ])('sum_axis forward/backward, outer=%i n=%i inner=%i', (o, n, i) => {
    const rng = seeded(o * 100 + n * 10 + i);
    const [x, acc] = randomFloats(rng, o * n * i, 2);
    const [out0, g] = randomFloats(rng, o * i, 2);
    const wf = out0.slice();
    refR.sum_axis_forward(wf, x, o, n, i);
    expectClose(runKernel(k(), 'sum_axis_forward', [out0, x], [o, n, i]).out[0], wf, { rtol: 1e-6, atol: 1e-6 });
    const wb = acc.slice();
    refR.sum_axis_backward(wb, g, o, n, i);
    expectClose(runKernel(k(), 'sum_axis_backward', [acc, g], [o, n, i]).out[0], wb, { rtol: 1e-6, atol: 1e-6 });
  });
});
