// Gradient sums: `into += g` for the tape's accumulation of gradient contributions. V8 does not
// vectorise a Float32Array loop (each element goes through a double and back, ~1 ns apiece), so
// large sums go through wasm (once it is loaded): two copies in, one SIMD add, one copy out cost a fifth of the loop.
// A gradient with many contributions (attention keys used at every decoder step) is summed in a
// block of wasm memory instead (GradSum): one copy in per contribution and one out at the end.
// The sum of two floats rounds the same either way, so the result does not depend on the path.
import { arena, isLoaded, kernels } from './wasm.js';
import type { Arena } from './heap.js';

/** Below this many floats a gradient sum stays in JavaScript: the loop wins over the copies. @internal */
export const WASM_FROM = 2048;

/** Adds g into `into` element by element (same length). @internal */
export function addInto(into: Float32Array, g: Float32Array): void {
  const n = into.length;
  if (n < WASM_FROM || !isLoaded()) {
    for (let i = 0; i < n; i++) into[i] += g[i];
    return;
  }
  const kern = kernels();
  arena().scoped((ar) => {
    const y = ar.put(into);
    kern.axpy(y, ar.put(g), 1, n);
    ar.readInto(y, into);
  });
}

/**
 * A gradient's running sum in a persistent block of wasm memory, from its second contribution on
 * (made between ops: the tape's accumulation); `take()` reads it out and gives the block back. @internal
 */
export class GradSum {
  /** Nothing added yet (the block's contents are undefined): the first writer overwrites. */
  empty = true;

  private constructor(
    private readonly ar: Arena,
    readonly ptr: number,
    readonly n: number,
  ) {}

  /** A sum of n floats with nothing in it yet, or null where wasm memory cannot give a block now (or n is small). */
  static start(n: number): GradSum | null {
    if (n < WASM_FROM || !isLoaded()) return null;
    const ar = arena();
    const ptr = ar.persist(n, 'saved');
    return ptr ? new GradSum(ar, ptr, n) : null;
  }

  /** first + second summed in a new block, or null (see start). */
  static of(first: Float32Array, second: Float32Array): GradSum | null {
    const s = GradSum.start(first.length);
    s?.add(first);
    s?.add(second);
    return s;
  }

  /** Adds g (n floats) in. */
  add(g: Float32Array): void {
    if (this.empty) this.ar.view(this.ptr, this.n).set(g);
    else this.ar.addInto(this.ptr, g);
    this.empty = false;
  }

  /** Where a kernel may write (add false: the sum is empty) or add a contribution in wasm memory; the sum counts as written. */
  sink(): { ptr: number; add: boolean } {
    const add = !this.empty;
    this.empty = false;
    return { ptr: this.ptr, add };
  }

  /** The sum as a fresh array (null when nothing was added); the block is given back. */
  take(): Float32Array | null {
    try {
      return this.empty ? null : this.ar.read(this.ptr, this.n);
    } finally {
      this.free();
    }
  }

  /** Gives the block back (after take(), or when backward fails). */
  free(): void {
    this.ar.unpersist(this.ptr, this.n, 'saved');
  }
}

/** `sum + g` where sum is a first contribution or a GradSum: the sum moves into wasm memory at its second. @internal */
export function addContribution(sum: Float32Array | GradSum, g: Float32Array): Float32Array | GradSum {
  if (sum instanceof GradSum) {
    sum.add(g);
    return sum;
  }
  const s = GradSum.of(sum, g);
  if (s) return s;
  addInto(sum, g);
  return sum;
}
