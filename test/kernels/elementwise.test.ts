import { describe, test, expect, beforeAll } from 'vitest';
import * as ref from '../../src/reference/elementwise.js';
import * as refClip from '../../src/reference/clip.js';
import * as refT from '../../src/reference/transpose.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

const SIZES = [0, 1, 3, 4, 5, 17, 1027];
let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  for (const fn of ['add_forward', 'sub_forward', 'mul_forward', 'div_forward'] as const) {
    test.each(SIZES)(`${fn} matches reference, n=%i`, (n) => {
      const [a, b0] = randomFloats(seeded(n), n, 2, 3);
      const b = fn === 'div_forward' ? b0.map((v) => v + Math.sign(v || 1) * 0.5) : b0;
      const want = new Float32Array(n);
      ref[fn](want, a, b, n);
      expectClose(runKernel(k(), fn, [new Float32Array(n), a, b], [n]).out[0], want, { rtol: 1e-6, atol: 0 });
    });
  }

  test.each(SIZES)('mul_backward accumulates dout·other, n=%i', (n) => {
    const [d, g, o] = randomFloats(seeded(n + 1), n, 3);
    const want = d.slice();
    ref.mul_backward(want, g, o, n);
    expectClose(runKernel(k(), 'mul_backward', [d, g, o], [n]).out[0], want, { rtol: 1e-6, atol: 1e-7 });
  });

  test.each(SIZES)('div_backward accumulates both gradients, and skips a null one, n=%i', (n) => {
    const [da, db, g, b0, y] = randomFloats(seeded(n + 2), n, 5);
    const b = b0.map((v) => v + Math.sign(v || 1) * 0.5);
    const wa = da.slice();
    const wb = db.slice();
    ref.div_backward(wa, wb, g, b, y, n);
    const { out } = runKernel(k(), 'div_backward', [da, db, g, b, y], [n]);
    expectClose(out[0], wa, { rtol: 1e-5, atol: 1e-6 });
    expectClose(out[1], wb, { rtol: 1e-5, atol: 1e-6 });
    const onlyB = runKernel(k(), 'div_backward', [null, db, g, b, y], [n]).out[1];
    expectClose(onlyB, wb, { rtol: 1e-5, atol: 1e-6 });
  });

  test.each(SIZES)('scale_forward and axpy, n=%i', (n) => {
    const [x, y] = randomFloats(seeded(n + 3), n, 2);
    const ws = new Float32Array(n);
    ref.scale_forward(ws, x, -1.75, n);
    expectClose(runKernel(k(), 'scale_forward', [new Float32Array(n), x], [-1.75, n]).out[0], ws, { rtol: 1e-7, atol: 0 });
    const wy = y.slice();
    ref.axpy(wy, x, 0.3, n);
    expectClose(runKernel(k(), 'axpy', [y, x], [0.3, n]).out[0], wy, { rtol: 1e-6, atol: 1e-7 });
  });

  test.each(SIZES)('clip_value clamps into [lo, hi], n=%i', (n) => {
    const [x] = randomFloats(seeded(n + 4), n, 1, 5);
    const want = x.slice();
    refClip.clip_value(want, -0.7, 1.3, n);
    expect(Array.from(runKernel(k(), 'clip_value', [x], [-0.7, 1.3, n]).out[0])).toEqual(Array.from(want));
  });

  test.each([
    [1, 1, 1],
    [2, 3, 5],
    [1, 9, 17],
    [3, 16, 8],
    [2, 13, 70],
    [1, 257, 6], // past one 256-row strip, a ragged one after it
    [2, 515, 9], // three strips, ragged rows and columns
    [1, 1030, 4],
  ])('transpose_forward, batch=%i rows=%i cols=%i', (b, r, c) => {
    const [x] = randomFloats(seeded(r * c), b * r * c);
    const want = new Float32Array(x.length);
    refT.transpose_forward(want, x, b, r, c);
    expect(Array.from(runKernel(k(), 'transpose_forward', [new Float32Array(x.length), x], [b, r, c]).out[0])).toEqual(Array.from(want));
  });
  test.each([
    [9, 17, 0, 9],
    [257, 6, 0, 257],
    [515, 9, 3, 258], // a share from an odd row: ragged edges at both ends
    [1030, 4, 777, 1030],
    [13, 70, 5, 6],
  ])('transpose_rows, rows=%i cols=%i, rows %i..%i', (r, c, r0, r1) => {
    const [x] = randomFloats(seeded(r * c + r0), r * c);
    const [init] = randomFloats(seeded(r1), r * c);
    const want = init.slice();
    refT.transpose_rows(want, x, r, c, r0, r1);
    // the columns outside r0..r1 keep what they held
    expect(Array.from(runKernel(k(), 'transpose_rows', [init.slice(), x], [r, c, r0, r1]).out[0])).toEqual(Array.from(want));
  });
  test.each([
    [7, 5, 0, 7],
    [40, 13, 3, 37], // a share from row 3: the rows outside it are not moved
  ])('gather_rows, rows=%i n=%i, rows %i..%i (some rows going nowhere)', (rows, n, r0, r1) => {
    const [src] = randomFloats(seeded(rows * n), rows * n);
    // a permutation of the rows into a destination with gaps (row stride n + 3), every third row dropped
    const map = Array.from({ length: rows }, (_, r) => (r % 3 === 2 ? -1 : ((r * 7) % rows) * (n + 3) + 1));
    const [init] = randomFloats(seeded(r1), rows * (n + 3));
    const want = init.slice();
    refT.gather_rows(want, src, map, n, r0, r1);
    const mapBits = new Float32Array(new Int32Array(map).buffer);
    expect(Array.from(runKernel(k(), 'gather_rows', [init.slice(), src, mapBits], [n, r0, r1]).out[0])).toEqual(Array.from(want));
  });
});
