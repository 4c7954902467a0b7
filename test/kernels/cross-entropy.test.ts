import { describe, test, expect, beforeAll } from 'vitest';
import * as ref from '../../src/reference/cross-entropy.js';
import * as refT from '../../src/reference/transpose.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { Arena } from '../../src/backend/heap.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

const bits = (ints: number[]) => new Float32Array(new Int32Array(ints).buffer);

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  // odd class counts (SIMD tails), a share of rows (r0 > 0), rows left out, label smoothing on and off
  test.each([
    [5, 3, 0, 5, 0],
    [9, 17, 2, 7, 0.1],
    [6, 65, 0, 6, 0.25],
    [3, 1, 0, 3, 0.5],
  ])('cross_entropy_forward / _backward match the reference, rows=%i C=%i, rows %i..%i, ε=%f', (rows, C, r0, r1, eps) => {
    const rng = seeded(rows * 131 + C);
    const [x] = randomFloats(rng, rows * C, 1, 6);
    const targets = Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -1 : (r * 5 + 1) % C));
    const params = Float32Array.of(eps);
    const [logp0, loss0] = randomFloats(rng, rows * C, 2); // what the share leaves alone stays as it was
    const loss = loss0.subarray(0, rows);
    const wantLogp = Float64Array.from(logp0);
    const wantLoss = Float64Array.from(loss);
    ref.cross_entropy_forward(wantLogp, wantLoss, x, targets, params, C, r0, r1);
    const f = runKernel(k(), 'cross_entropy_forward', [logp0.slice(), loss.slice(), x, bits(targets), params], [C, r0, r1]).out;
    expectClose(f[0], wantLogp, { rtol: 2e-6, atol: 2e-6 });
    expectClose(f[1], wantLoss, { rtol: 2e-6, atol: 2e-6 });

    const g = Float32Array.from({ length: rows }, () => rng() * 2 - 1);
    const [d0] = randomFloats(rng, rows * C);
    const logp = Float32Array.from(wantLogp);
    const wantD = Float64Array.from(d0);
    ref.cross_entropy_backward(wantD, logp, targets, g, params, C, r0, r1);
    const b = runKernel(k(), 'cross_entropy_backward', [d0.slice(), logp, bits(targets), g, params], [C, r0, r1]).out;
    expectClose(b[0], wantD, { rtol: 1e-5, atol: 1e-6 });
  });

  test('cross_entropy_forward stays finite on logits of ±1000 (max-subtracted)', () => {
    const x = Float32Array.of(1000, 999, -1000, 0, -1000, 1000, 3, 2);
    const out = runKernel(
      k(),
      'cross_entropy_forward',
      [new Float32Array(8), new Float32Array(2), x, bits([1, 0]), Float32Array.of(0)],
      [4, 0, 2],
    ).out;
    expectClose(out[1], [1 + Math.log1p(Math.exp(-1)), 2000], { rtol: 1e-6, atol: 1e-4 });
  });

  test.each([0, 1, 3, 4, 7, 16, 1027])('first_nonfinite finds the first NaN or ±Infinity, n=%i', (n) => {
    const [x] = randomFloats(seeded(n + 3), n, 1, 1e30);
    expect(runKernel(k(), 'first_nonfinite', [x], [n]).result).toBe(-1);
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      for (const at of [0, n >> 1, n - 1].filter((i) => i >= 0 && i < n)) {
        const y = x.slice();
        y[at] = bad;
        if (at + 1 < n) y[n - 1] = Number.NaN; // a later one is not the answer
        expect(runKernel(k(), 'first_nonfinite', [y], [n]).result).toBe(ref.first_nonfinite(y, n));
        expect(ref.first_nonfinite(y, n)).toBe(at);
      }
    }
  });

  test.each([
    [7, 5, 0, 7],
    [40, 13, 3, 37],
  ])('pick_rows, rows=%i n=%i, rows %i..%i (some rows from nowhere: zeros)', (rows, n, r0, r1) => {
    const [src] = randomFloats(seeded(rows * n + 1), rows * (n + 3));
    const map = Array.from({ length: rows }, (_, r) => (r % 3 === 2 ? -1 : ((r * 7) % rows) * (n + 3) + 2));
    const [init] = randomFloats(seeded(r1 + 5), rows * n);
    const want = init.slice();
    refT.pick_rows(want, src, map, n, r0, r1);
    expect(Array.from(runKernel(k(), 'pick_rows', [init.slice(), src, bits(map)], [n, r0, r1]).out[0])).toEqual(Array.from(want));
    // rows outside the share are untouched, rows from nowhere are zero
    expect(want[0]).toBe(r0 > 0 ? init[0] : src[map[0]]);
    expect(Array.from(want.subarray(2 * n, 3 * n))).toEqual(
      r0 <= 2 && 2 < r1 ? new Array(n).fill(0) : Array.from(init.subarray(2 * n, 3 * n)),
    );
  });

  test.each([
    [9, 5, 4],
    [40, 13, 6],
  ])('scatter_add_rows, rows=%i n=%i into %i rows (ids repeat: their rows sum)', (rows, n, slots) => {
    const [src] = randomFloats(seeded(rows + n), rows * n);
    const map = Array.from({ length: rows }, (_, r) => ((r * 5) % slots) * n);
    const [init] = randomFloats(seeded(slots), slots * n);
    const want = Float64Array.from(init);
    refT.scatter_add_rows(want, src, map, n, rows);
    expectClose(runKernel(k(), 'scatter_add_rows', [init.slice(), src, bits(map)], [n, rows]).out[0], want, { rtol: 1e-6, atol: 1e-6 });
  });

  test('zero_fill sets exactly n floats to zero', () => {
    const [x] = randomFloats(seeded(9), 13);
    const out = runKernel(k(), 'zero_fill', [x], [11]).out[0];
    expect(Array.from(out.subarray(0, 11))).toEqual(new Array(11).fill(0));
    expect(Array.from(out.subarray(11))).toEqual(Array.from(x.subarray(11)));
  });

  test.each([
    [3, 0, 11],
    [0, 3, 11],
    [5, 9, 7],
  ])('copy_floats moves n floats as memmove: to %i from %i, n=%i', (to, from, n) => {
    const [x] = randomFloats(seeded(10 + to), 21);
    const want = Array.from(x);
    want.splice(to, n, ...want.slice(from, from + n));
    const got = new Arena(k()).scoped((a) => {
      const p = a.put(x);
      k().copy_floats(p + 4 * to, p + 4 * from, n);
      return a.read(p, 21);
    });
    expect(Array.from(got)).toEqual(want);
  });
});
