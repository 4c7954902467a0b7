// Gradient sums: `into += g` for the tape's accumulation of gradient contributions. V8 does not
// vectorise a Float32Array loop (each element goes through a double and back, ~1 ns apiece), so
// large sums go through wasm (once it is loaded): two copies in, one SIMD add, one copy out cost a fifth of the loop.
// The sum of two floats rounds the same either way, so the result does not depend on the path.
import { arena, isLoaded, kernels } from './wasm.js';

// below this many floats the JavaScript loop wins over the copies
const WASM_FROM = 2048;

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
