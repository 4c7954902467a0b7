// Shared test helpers: a seeded generator, closeness checks, and a harness that runs a kernel
// of either wasm build on copies of plain arrays.
import { expect } from 'vitest';
import '../src/node.js'; // Node's platform: the kernel tests read the wasm builds from disk
import { loadBuild } from '../src/backend/wasm.js';
import { Arena } from '../src/backend/heap.js';
import type { Kernels } from '../src/backend/kernels.js';

/** A small seeded uniform [0,1) generator for test data (mulberry32, shared with the examples). */
export { mulberry32 as seeded } from '../examples/copy-data.js';

/** `count` arrays of n uniform floats in [-scale, scale]. */
export function randomFloats(rng: () => number, n: number, count = 1, scale = 1): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale));
}

/** Asserts |actual - expected| <= atol + rtol·|expected| elementwise, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { rtol = 1e-5, atol = 1e-6 } = {}): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/**
 * The wasm builds under test: SIMD and scalar, or what RNN_TEST_BUILDS names (the relaxed-SIMD
 * project of vitest.config.ts sets 'relaxed', with the engine flag that build needs).
 */
export const BUILDS = (process.env.RNN_TEST_BUILDS ?? 'simd,scalar').split(',') as ('simd' | 'scalar' | 'relaxed')[];

/** The builds under test, loaded once per test file. */
export async function loadBuilds(): Promise<{ name: string; k: Kernels }[]> {
  return Promise.all(BUILDS.map(async (name) => ({ name, k: await loadBuild(name) })));
}

/**
 * Copies each buffer into the build's memory (null passes pointer 0), calls the kernel with the
 * pointers followed by the scalars, and returns the buffers as the kernel left them plus its result.
 */
export function runKernel(
  k: Kernels,
  name: keyof Kernels,
  buffers: (Float32Array | null)[],
  scalars: (number | boolean)[] = [],
): { out: Float32Array[]; result: number } {
  const arena = new Arena(k);
  return arena.scoped((a) => {
    const ptrs = buffers.map((b) => (b ? a.put(b) : 0));
    const fn = k[name] as unknown as (...args: number[]) => number;
    const result = fn(...ptrs, ...scalars.map(Number));
    const out = buffers.map((b, i) => (b ? a.read(ptrs[i], b.length) : new Float32Array(0)));
    return { out, result };
  });
}

/** Prints a measured figure of a learning test when RNN_METRICS=1 (for closing notes and READMEs). */
export function report(name: string, value: number | string): void {
  if (process.env.RNN_METRICS === '1') console.info(`[metric] ${name}: ${typeof value === 'number' ? +value.toFixed(4) : value}`);
}
