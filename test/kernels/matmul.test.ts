import { describe, test, beforeAll } from 'vitest';
import * as ref from '../../src/reference/matmul.js';
import { gemmNN, gemmNT, gemmTN, packedSize } from '../../src/backend/gemm.js';

const GEMM = { nn: gemmNN, nt: gemmNT, tn: gemmTN };
import type { Kernels } from '../../src/backend/kernels.js';
import { Arena } from '../../src/backend/heap.js';
import { BUILDS, expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

// every dimension a non-multiple of 4 somewhere; tiles of 4 rows × 8 columns, several passes
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 9],
  [1, 64, 33],
  [3, 5, 7],
  [4, 8, 8],
  [5, 3, 17],
  [9, 1, 3],
  [13, 29, 11],
  [33, 65, 70],
  [67, 13, 5],
  [8, 16, 24],
  [2, 70, 1],
];

let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

describe.each(BUILDS)('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  test.each([
    [1, 1, 1, 1],
    [3, 1, 5, 7],
    [16, 1, 128, 30],
    [2, 5, 17, 33],
    [4, 32, 16, 1],
    [3, 7, 3, 19],
    // every count of columns left after the 16-column blocks (0-3 groups of 4, 0-3 single
    // columns), and rows of B in fours and ones for bmm_nt
    ...Array.from({ length: 20 }, (_, i) => [2, 3, 9, i + 1]),
    [2, 3, 9, 31],
    [2, 3, 9, 32],
    [2, 3, 9, 45],
    [2, 2, 13, 63],
    [2, 2, 13, 64],
    [1, 2, 30, 128],
    [2, 1, 4, 77],
  ])('bmm and bmm_nt match the reference, batch=%i n=%i k=%i m=%i (odd widths: 16-, 4- and 1-column paths)', (batch, n, kk, m) => {
    const rng = seeded(batch * 1000 + n * 100 + kk + m);
    const [a] = randomFloats(rng, batch * n * kk);
    const [b] = randomFloats(rng, batch * kk * m);
    const want = new Float32Array(batch * n * m);
    ref.bmm(want, a, b, batch, n, kk, m);
    const { out } = runKernel(k(), 'bmm', [new Float32Array(batch * n * m), a, b], [batch, n, kk, m]);
    expectClose(out[0], want, { rtol: 1e-5, atol: 1e-5 });
    // bmm_nt with B stored transposed ([m,k]): the same product (k odd: 8-, 4- and 1-lane paths)
    const bt = new Float32Array(batch * m * kk);
    for (let q = 0; q < batch; q++)
      for (let p = 0; p < kk; p++) for (let j = 0; j < m; j++) bt[q * m * kk + j * kk + p] = b[q * kk * m + p * m + j];
    const wantNt = new Float32Array(batch * n * m);
    ref.bmm_nt(wantNt, a, bt, batch, n, kk, m);
    expectClose(wantNt, want, { rtol: 1e-5, atol: 1e-5 });
    const nt = runKernel(k(), 'bmm_nt', [new Float32Array(batch * n * m), a, bt], [batch, n, kk, m]).out;
    expectClose(nt[0], want, { rtol: 1e-5, atol: 1e-5 });
  });
  for (const form of ['nn', 'nt', 'tn'] as const) {
    test.each(SHAPES)(`gemm_${form} matches reference, M=%i K=%i N=%i, with bias and accumulate`, (m, kk, n) => {
      const rng = seeded(m * 1000 + kk * 10 + n);
      const [a] = randomFloats(rng, m * kk);
      const [b] = randomFloats(rng, kk * n);
      const [bias] = randomFloats(rng, n);
      const [c0] = randomFloats(rng, m * n);
      for (const withBias of [false, true]) {
        for (const accumulate of [false, true]) {
          const want = c0.slice();
          ref[`gemm_${form}`](want, a, b, withBias ? bias : null, m, kk, n, accumulate);
          // the bindings of src/backend/gemm.ts: pack (and transpose) in the arena, then gemm_packed
          const got = new Arena(k()).scoped((ar) => {
            const pc = ar.put(c0);
            GEMM[form](k(), ar, pc, ar.put(a), ar.put(b), withBias ? ar.put(bias) : 0, m, kk, n, accumulate);
            return ar.read(pc, m * n);
          });
          expectClose(got, want, { rtol: 1e-5, atol: 1e-5 });
        }
      }
    });
  }

  test('gemm_packed reuses one packed operand across calls (the recurrent step)', () => {
    const [m, kk, n] = [5, 11, 19];
    const rng = seeded(7);
    const [b] = randomFloats(rng, kk * n);
    const {
      out: [packed],
    } = runKernel(k(), 'gemm_pack', [new Float32Array(packedSize(kk, n)), b], [kk, n, false]);
    for (let step = 0; step < 3; step++) {
      const [a] = randomFloats(rng, m * kk);
      const want = new Float32Array(m * n);
      ref.gemm_nn(want, a, b, null, m, kk, n, false);
      const got = runPacked(k(), a, packed, m, kk, n);
      expectClose(got, want, { rtol: 1e-5, atol: 1e-5 });
    }
  });
});

function runPacked(k: Kernels, a: Float32Array, packed: Float32Array, m: number, kk: number, n: number): Float32Array {
  const { out } = runKernelRaw(k, [new Float32Array(m * n), a, packed], (p) => k.gemm_packed(p[0], p[1], kk, 1, p[2], 0, m, kk, n, 0, n));
  return out[0];
}

function runKernelRaw(k: Kernels, buffers: Float32Array[], call: (ptrs: number[]) => void): { out: Float32Array[] } {
  const arena = new Arena(k);
  return arena.scoped((ar) => {
    const ptrs = buffers.map((b) => ar.put(b));
    call(ptrs);
    return { out: buffers.map((b, i) => ar.read(ptrs[i], b.length)) };
  });
}
