// GEMM throughput (GFLOP/s) at the shapes of BENCHMARKS.md: rnn-wasm's kernels (B packed once,
// packed per call, the three backprop forms, the scalar build, and the whole ops.matmul with its
// copies) beside a naive JavaScript loop and tfjs matMul on its cpu and wasm backends, all in
// this one process. Ratios are rnn-wasm (packed B, SIMD) over each peer.
import { loadBuild, relaxedSimdSupported } from '../src/backend/wasm.js';
import { Arena } from '../src/backend/heap.js';
import { gemmNN, gemmNT, gemmTN, packedSize } from '../src/backend/gemm.js';
import type { Kernels } from '../src/backend/kernels.js';
import * as rnn from '../src/node.js';
import { fmt, printTable, randomArray, timeIt } from './util.js';
import { useTf } from './tfjs.js';
import { type Ceiling, loadCeilings } from './ceiling.js';

const SHAPES: [string, number, number, number][] = [
  ['512×512×512', 512, 512, 512],
  ['[32×256]·[256×1024]', 32, 256, 1024],
  ['[1600×128]·[128×1024]', 1600, 128, 1024],
  ['[16×512]·[512×2048]', 16, 512, 2048],
  ['[1×256]·[256×1024]', 1, 256, 1024],
];

function naive(c: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++)
    for (let kk = 0; kk < k; kk++) {
      const av = a[i * k + kk];
      for (let j = 0; j < n; j++) c[i * n + j] += av * b[kk * n + j];
    }
}

function kernelCase(k: Kernels, m: number, kk: number, n: number) {
  const ar = new Arena(k);
  const pa = ar.put(randomArray(m * kk, 1));
  const pb = ar.put(randomArray(kk * n, 2));
  const pat = ar.put(randomArray(kk * m, 3));
  const pbt = ar.put(randomArray(n * kk, 4));
  const pc = ar.alloc(m * n);
  const work = ar.alloc(packedSize(kk, n));
  k.gemm_pack(work, pb, kk, n, 0);
  return {
    packed: () => k.gemm_packed(pc, pa, kk, 1, work, 0, m, kk, n, 0, n),
    nn: () => ar.scoped((a) => gemmNN(k, a, pc, pa, pb, 0, m, kk, n, false)),
    nt: () => ar.scoped((a) => gemmNT(k, a, pc, pa, pbt, 0, m, kk, n, false)),
    tn: () => ar.scoped((a) => gemmTN(k, a, pc, pat, pb, 0, m, kk, n, false)),
  };
}

async function main() {
  const simd = await loadBuild('simd');
  const scalar = await loadBuild('scalar');
  const relaxed = relaxedSimdSupported() ? await loadBuild('relaxed') : null;
  await rnn.init();
  const tfCpu = await useTf('cpu');
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  for (const [name, m, k, n] of SHAPES) {
    const gflop = (2 * m * k * n) / 1e9;
    const g = (ms: number) => gflop / (ms / 1e3);
    const ks = kernelCase(simd, m, k, n);
    const kc = kernelCase(scalar, m, k, n);
    const tPacked = await timeIt(ks.packed);
    const tNN = await timeIt(ks.nn);
    const tNT = await timeIt(ks.nt);
    const tTN = await timeIt(ks.tn);
    const tScalar = await timeIt(kc.nn, { reps: 3, minMs: 100 });
    const tRelaxed = relaxed ? await timeIt(kernelCase(relaxed, m, k, n).packed) : NaN;
    const A = rnn.tensor(randomArray(m * k, 5), [m, k]);
    const B = rnn.tensor(randomArray(k * n, 6), [k, n]);
    const tOp = await timeIt(() => rnn.ops.matmul(A, B));
    const a = randomArray(m * k, 7),
      b = randomArray(k * n, 8),
      c = new Float32Array(m * n);
    const tNaive = await timeIt(() => naive(c, a, b, m, k, n), { warmup: 1, reps: 3, minMs: 100 });
    await useTf('cpu');
    const ta = tfCpu.tensor2d(a, [m, k]),
      tb = tfCpu.tensor2d(b, [k, n]);
    const tTfCpu = await timeIt(() => tfCpu.tidy(() => tfCpu.matMul(ta, tb).dataSync()), { warmup: 1, reps: 3, minMs: 100 });
    ta.dispose();
    tb.dispose();
    const tfWasm = await useTf('wasm');
    const wa = tfWasm.tensor2d(a, [m, k]),
      wb = tfWasm.tensor2d(b, [k, n]);
    const tTfWasm = await timeIt(() => tfWasm.tidy(() => tfWasm.matMul(wa, wb).dataSync()));
    wa.dispose();
    wb.dispose();
    await useTf('cpu');
    rows.push([
      name,
      fmt(g(tPacked)),
      fmt(g(tRelaxed)),
      fmt(g(tNN)),
      fmt(g(tNT)),
      fmt(g(tTN)),
      fmt(g(tOp)),
      fmt(g(tScalar)),
      fmt(g(tNaive)),
      fmt(g(tTfCpu)),
      fmt(g(tTfWasm)),
    ]);
    ratios.push([
      name,
      `${fmt(tNaive / tPacked, 1)}×`,
      `${fmt(tTfCpu / tPacked, 1)}×`,
      `${fmt(tTfWasm / tPacked, 2)}×`,
      `${fmt(tTfWasm / tOp, 2)}×`,
    ]);
  }
  console.log('GFLOP/s, one thread (median of timed runs after warm-up)\n');
  printTable(
    ['shape', 'packed B', 'packed, relaxed FMA', 'nn', 'nt', 'tn', 'ops.matmul', 'scalar nn', 'naive JS', 'tfjs cpu', 'tfjs wasm'],
    rows,
  );
  if (!relaxed) console.log('(relaxed SIMD: run Node with --experimental-wasm-relaxed-simd to measure it)');
  console.log('\nSpeed-up of rnn-wasm (SIMD, B packed once) over each peer; last column: the whole ops.matmul over tfjs wasm\n');
  printTable(['shape', 'vs naive JS', 'vs tfjs cpu', 'vs tfjs wasm', 'ops.matmul vs tfjs wasm'], ratios);
  await ceiling(simd, relaxed);
}

/**
 * The machine's wasm GEMM ceiling (bench/ceiling.ts), timed in this process alternately with
 * rnn-wasm's packed GEMM on each shape (this machine's speed drifts by 2x over minutes, so only
 * interleaved times make a fraction).
 */
async function ceiling(simd: Kernels, relaxedK: Kernels | null): Promise<void> {
  const c = await loadCeilings();
  if (!c) return void console.log('\n(no ../shared/perf/ceiling-kernel.ts here: the fraction of the wasm ceiling is not measured)');
  const kinds: [string, Ceiling, Kernels][] = [['SIMD', c.simd, simd]];
  if (relaxedK && c.relaxed) kinds.push(['relaxed FMA', c.relaxed, relaxedK]);
  const rows: string[][] = [];
  for (const [kind, ceil, ours] of kinds) {
    for (const [name, m, k, n] of SHAPES) {
      const theirs = ceil.prepare(m, k, n);
      const mine = kernelCase(ours, m, k, n);
      const tOurs: number[] = [];
      const tCeil: number[] = [];
      const reps = Math.max(1, Math.round(2e7 / (m * k * n)));
      for (let round = 0; round < 9; round++) {
        for (const [fn, into] of [
          [mine.packed, tOurs],
          [theirs, tCeil],
        ] as const) {
          const t0 = performance.now();
          for (let r = 0; r < reps; r++) fn();
          into.push((performance.now() - t0) / reps);
        }
      }
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
      const g = (ms: number) => (2 * m * k * n) / 1e6 / ms;
      rows.push([kind, name, fmt(g(med(tOurs))), fmt(g(med(tCeil))), `${fmt((100 * med(tCeil)) / med(tOurs), 0)} %`]);
    }
  }
  console.log('\nrnn-wasm (B packed once) against the plain ceiling kernel (B pre-packed), timed alternately, GFLOP/s\n');
  printTable(['build', 'shape', 'rnn-wasm', 'ceiling', 'rnn-wasm / ceiling'], rows);
}

await main();
