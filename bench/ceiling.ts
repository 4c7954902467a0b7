// The machine's wasm GEMM ceiling, for the benchmarks' "fraction of the ceiling" columns: the
// plain kernel of ../shared/perf/ceiling-kernel.ts (where the project's shared folder is beside
// it), compiled as ../shared/perf/ceiling.mjs compiles it, on a shape of the caller's choosing
// with B pre-packed. This machine's speed drifts by up to 2× over minutes, so callers time it
// next to (or interleaved with) what they compare it with.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomArray } from './util.js';

/** One compiled ceiling kernel: a product C [m,n] = A [m,k]·B [k,n] with B packed once. */
export interface Ceiling {
  /** Prepares the shape (memory, data, packing) and returns the product to time. */
  prepare(m: number, k: number, n: number): () => void;
}

/** The SIMD and (where the engine has it) relaxed-FMA ceilings, or null without the shared folder. */
export async function loadCeilings(): Promise<{ simd: Ceiling; relaxed: Ceiling | null } | null> {
  const src = path.resolve('../shared/perf/ceiling-kernel.ts');
  if (!existsSync(src)) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'ceiling-'));
  const compile = (name: string, extra: string[]) => {
    const out = path.join(dir, name);
    spawnSync(
      path.resolve('node_modules/.bin/asc'),
      [src, '-o', out, '--enable', 'simd', ...extra, '-O3', '--runtime', 'stub', '--noAssert'],
      {
        stdio: 'inherit',
      },
    );
    return readFileSync(out);
  };
  const simdBytes = compile('simd.wasm', []);
  const fmaBytes = compile('relaxed.wasm', ['--enable', 'relaxed-simd', '--use', 'RELAXED=1']);
  rmSync(dir, { recursive: true, force: true });
  const instantiate = async (bytes: Buffer): Promise<Ceiling> => {
    const ex = (await WebAssembly.instantiate(bytes as BufferSource, { env: { abort() {} } })).instance.exports as unknown as Record<
      string,
      (...a: number[]) => number
    > & { memory: WebAssembly.Memory };
    return {
      prepare(m, k, n) {
        const al = (x: number) => (x * 4 + 63) & ~63;
        const pa = (Number(ex.heapBase()) + 63) & ~63;
        const pb = pa + al(m * k);
        const pc = pb + al(k * n);
        const pp = pc + al(m * n);
        const end = pp + al(k * n);
        const grow = Math.ceil(end / 65536) - ex.memory.buffer.byteLength / 65536;
        if (grow > 0) ex.memory.grow(grow);
        const f = new Float32Array(ex.memory.buffer);
        f.set(randomArray(m * k, 1), pa / 4);
        f.set(randomArray(k * n, 2), pb / 4);
        ex.packB(pb, pp, k, n);
        return () => ex.gemmPacked(m, n, k, pa, pp, pc, 4);
      },
    };
  };
  return { simd: await instantiate(simdBytes), relaxed: WebAssembly.validate(fmaBytes) ? await instantiate(fmaBytes) : null };
}

/** The ceiling of the build rnn-wasm runs (relaxed FMA where it has it, else SIMD) and its name, or null without the shared folder. */
export async function loadCeilingFor(relaxedSimd: boolean): Promise<{ kernel: Ceiling; name: 'relaxed-FMA' | 'SIMD' } | null> {
  const c = await loadCeilings();
  if (!c) return null;
  return relaxedSimd && c.relaxed ? { kernel: c.relaxed, name: 'relaxed-FMA' } : { kernel: c.simd, name: 'SIMD' };
}

/** GFLOP/s of a prepared product: the median of 9 rounds of enough calls for ~20 MFLOP each. */
export function gflops(fn: () => void, m: number, k: number, n: number): number {
  const reps = Math.max(1, Math.round(2e7 / (m * k * n)));
  for (let r = 0; r < reps; r++) fn();
  const ts: number[] = [];
  for (let round = 0; round < 9; round++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    ts.push((performance.now() - t0) / reps);
  }
  ts.sort((a, b) => a - b);
  return (2 * m * k * n) / 1e6 / ts[4];
}
