// Shared test helpers: a seeded generator, closeness checks, and a harness that runs a kernel
// of either wasm build on copies of plain arrays.
import { expect } from 'vitest';
import * as rnn from '../src/node.js'; // also Node's platform: the kernel tests read the wasm builds from disk
import { loadBuild } from '../src/backend/wasm.js';
import { Arena, type PersistKind } from '../src/backend/heap.js';
import { arena } from '../src/backend/wasm.js';
import type { Kernels } from '../src/backend/kernels.js';

/** A small seeded uniform [0,1) generator for test data (mulberry32, shared with the examples). */
export { mulberry32 as seeded } from '../examples/copy-data.js';
import { mulberry32 } from '../examples/copy-data.js';

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

/**
 * Checks that a loaded (imported) model trains: a second copy with every weight moved by
 * U(±scale/2) gives a target the model can reach; every parameter of a fresh copy gets a non-zero
 * gradient, and `steps` Adam steps (lr 0.01) at least halve the mean squared error to it.
 * Returns the trained copy.
 */
export function expectFitsPerturbedCopy<M extends rnn.Module & { forward(x: rnn.Tensor): rnn.Tensor }>(
  load: () => M,
  x: rnn.Tensor,
  { seed, scale, steps }: { seed: number; scale: number; steps: number },
): M {
  const teacher = load();
  const r = mulberry32(seed);
  for (const p of teacher.parameters()) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) d[i] += (r() - 0.5) * scale;
  }
  const target = rnn.noGrad(() => teacher.forward(x));
  const m = load();
  const first = rnn.mse(m.forward(x), target);
  first.backward();
  for (const [name, p] of m.namedParameters()) {
    expect(p.grad, `${name} got no gradient`).not.toBeNull();
    expect(
      p.grad?.data.some((g) => g !== 0),
      `${name} has a zero gradient`,
    ).toBe(true);
  }
  const opt = new rnn.Adam(m.parameters(), 0.01);
  let last = first.item();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const l = rnn.mse(m.forward(x), target);
    l.backward();
    opt.step();
    last = l.item();
  }
  expect(last).toBeLessThan(first.item() * 0.5);
  return m;
}

/** Batch-first [B,T,F] data with each sequence reversed within its length (padding left in place). */
export function reverseWithin(x: ArrayLike<number>, B: number, T: number, F: number, lengths: readonly number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const src = t < lengths[b] ? lengths[b] - 1 - t : t;
      for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = x[(b * T + src) * F + f];
    }
  return out;
}

/** Batch-first [B,T,F] data with the steps past each sequence's length set to 0 (as a layer's output). */
export function zeroPastLengths(a: ArrayLike<number>, T: number, F: number, lengths: readonly number[]): Float32Array {
  return Float32Array.from(a, (v, i) => (Math.floor(i / F) % T < lengths[Math.floor(i / (F * T))] ? v : 0));
}

/**
 * Runs fn with the arena giving no persistent block of the given kinds: the paths that keep
 * those in JavaScript instead (for comparing the results of both).
 */
export function withoutBlocks<T>(kinds: readonly PersistKind[], fn: () => T): T {
  const ar = arena();
  const persist = ar.persist;
  ar.persist = (n, kind) => (kind && kinds.includes(kind) ? 0 : persist.call(ar, n, kind));
  try {
    return fn();
  } finally {
    ar.persist = persist;
  }
}
