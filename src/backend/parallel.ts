// The kernels shared out between the threads of init({ threads }): every kernel whose table entry
// (kernels.ts) declares a split is wrapped so that a call large enough to pay for the hand-off is
// divided — GEMMs by 8-column panels (over blocks of rows when few) that the threads claim as they go, gate kernels by rows,
// activations by element ranges, CTC by sequences, a recurrent layer's time loop by hidden units on
// every thread at once — and anything smaller runs here as the plain call. The wrapped set has the plain
// set's signatures, so the ops never know how many threads there are.
import { GEMM, KERNEL_TABLE, WORKER_JOBS, type KernelName, type KernelSpec, type Kernels, type Split } from './kernels.js';
import type { KernelPool } from './threads.js';

type Fn = (...a: number[]) => unknown;

/**
 * f(...a) with the arguments spelled out: a call into wasm spread from an array goes through the
 * engine's slow generic path (a 2-thread W3 profile put 0.8 % of the main thread in it).
 */
function apply(f: Fn, a: readonly number[]): unknown {
  switch (a.length) {
    case 3:
      return f(a[0], a[1], a[2]);
    case 4:
      return f(a[0], a[1], a[2], a[3]);
    case 5:
      return f(a[0], a[1], a[2], a[3], a[4]);
    case 6:
      return f(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 7:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    case 8:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    case 9:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    case 10:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    case 11:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    case 12:
      return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    default:
      return f(...a);
  }
}

// below this many multiply-adds a GEMM hand-off to a worker costs more than it saves
const GEMM_MIN = 1 << 17;
// below this many row·hidden elements a gate-kernel hand-off costs more than the work
const ROWS_MIN = 2048;
// activations are shared in whole 1024-element chunks, which keeps the SIMD bodies aligned
const CHUNK = 1024;

// a GEMM with fewer 8-column panels than this is shared by panels over blocks of rows
const FEW_PANELS = 64;

/**
 * How a GEMM of m rows and n columns is shared: its units — 8-column panels, or, when it has few
 * panels (each then a large piece of work that would leave one thread waiting at the end), a
 * panel over a block of 48 rows (MC in assembly/matmul.ts), numbered block by block. @internal
 */
export function gemmUnits(m: number, n: number): { units: number; byBlocks: boolean } {
  const panels = (n + 7) >> 3;
  const byBlocks = panels < FEW_PANELS && m > 48;
  return { units: byBlocks ? Math.ceil(m / 48) * panels : panels, byBlocks };
}

type Gemm = Kernels['gemm_packed'];
type GemmClaim = Kernels['gemm_packed_claim'];

// (with the arguments spelled out: a call spread from an array goes through the engine's slow
// generic path into wasm, and this one runs hundreds of times a training step)
function panels(spec: KernelSpec, plain: Gemm, worker: GemmClaim, job: number, pool: KernelPool): Gemm {
  if (spec.args.join() !== GEMM.join()) throw new Error('rnn-wasm internal: a panels split is for gemm_packed');
  const args = new Array<number>(11); // the workers' copy (kernels do not nest)
  return (c, a, ars, acs, packed, bias, m, k, n, acc, ldc) => {
    const { units, byBlocks } = gemmUnits(m, n);
    if (m * n * k < GEMM_MIN || units < 2) return plain(c, a, ars, acs, packed, bias, m, k, n, acc, ldc);
    args[0] = c;
    args[1] = a;
    args[2] = ars;
    args[3] = acs;
    args[4] = packed;
    args[5] = bias;
    args[6] = m;
    args[7] = k;
    args[8] = n;
    args[9] = acc;
    args[10] = ldc;
    const who = pool.claim(job, units, byBlocks ? 1 << 16 : 0, args);
    worker(c, a, ars, acs, packed, bias, m, k, n, acc, ldc, pool.claimsPtr, who);
    pool.join();
  };
}

function byRows(spec: KernelSpec, split: Extract<Split, { kind: 'rows' }>, plain: Fn, job: number, pool: KernelPool): Fn {
  const ir = spec.args.indexOf('rows');
  const ih = spec.args.indexOf(split.width ?? 'H');
  const is = split.serialIf ? spec.args.indexOf(split.serialIf) : -1;
  const strides = spec.args.map((name) => split.stride[name] ?? 0);
  const min = split.min ?? ROWS_MIN;
  return (...a) => {
    const rows = a[ir],
      H = a[ih];
    if (rows <= 1 || rows * H < min || (is >= 0 && a[is] !== 0)) return apply(plain, a);
    const shift = (r0: number, r1: number) => a.map((v, i) => (i === ir ? r1 - r0 : strides[i] && v ? v + r0 * strides[i] * H * 4 : v));
    pool.split(job, rows, shift, (x) => apply(plain, x));
  };
}

function byElements(min: number, plain: Fn, job: number, pool: KernelPool): Fn {
  return (...a) => {
    const last = a.length - 1;
    const n = a[last];
    if (n < min) return apply(plain, a);
    const shift = (u0: number, u1: number) => a.map((v, i) => (i === last ? Math.min(n, u1 * CHUNK) - u0 * CHUNK : v + u0 * CHUNK * 4));
    pool.split(job, Math.ceil(n / CHUNK), shift, (x) => apply(plain, x));
  };
}

function byRange(spec: KernelSpec, split: Extract<Split, { kind: 'range' }>, plain: Fn, job: number, pool: KernelPool): Fn {
  const ic = spec.args.indexOf(split.count);
  const ip = split.per ? spec.args.indexOf(split.per) : -1;
  const min = split.min ?? 2;
  return (...a) => {
    const n = a[ic];
    // only whole calls (0, n) are shared
    if (a[ic - 1] !== 0 || n < 2 || n * (ip >= 0 ? a[ip] : 1) < min) return apply(plain, a);
    const shift = (u0: number, u1: number) => [...a.slice(0, -2), u0, u1];
    pool.split(job, n, shift, (x) => apply(plain, x));
  };
}

function asTeam(
  plain: (params: number, self: number, team: number) => void,
  job: number,
  pool: KernelPool,
  memory: WebAssembly.Memory,
): Fn {
  return (params) => {
    // a loop whose steps are too small for a team (B·H below the pool's minimum) runs alone: its
    // LoopParams (assembly/recurrent.ts) are active, T, B, H, ...
    const p = new Int32Array(memory.buffer, params, 4);
    if (p[2] * p[3] < pool.minTeamStep) return plain(params, 0, 0);
    pool.team(job, params, (self, team) => plain(params, self, team));
  };
}

/** The kernel set of `k` with every splittable kernel shared out over `pool`. @internal */
export function withThreads(k: Kernels, pool: KernelPool): Kernels {
  const out: Record<string, unknown> = { memory: k.memory };
  for (const name of Object.keys(KERNEL_TABLE) as KernelName[]) {
    const spec: KernelSpec = KERNEL_TABLE[name];
    const plain = k[name] as Fn;
    const split = spec.split;
    if (!split) {
      out[name] = plain;
    } else if (split.kind === 'team') {
      out[name] = asTeam(plain, WORKER_JOBS.indexOf(name), pool, k.memory);
    } else if (split.kind === 'panels') {
      const worker = split.worker as KernelName;
      out[name] = panels(spec, plain as Gemm, k[worker] as unknown as GemmClaim, WORKER_JOBS.indexOf(worker), pool);
    } else {
      const job = WORKER_JOBS.indexOf(name);
      out[name] =
        split.kind === 'rows'
          ? byRows(spec, split, plain, job, pool)
          : split.kind === 'range'
            ? byRange(spec, split, plain, job, pool)
            : byElements(split.min, plain, job, pool);
    }
  }
  return out as Kernels;
}
