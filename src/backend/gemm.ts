// Typed bindings of the GEMM kernels (assembly/matmul.ts) that also find the packing work
// space in the arena. Pointers are arena offsets; the caller owns the arena scope.
import type { Arena } from './heap.js';
import type { Kernels } from './kernels.js';

/** Floats of work space for packing a K×N right operand. @internal */
export function packedSize(k: number, n: number): number {
  return Math.ceil(n / 8) * 8 * k;
}

/** C[M,N] (+)= A[M,K]·B[K,N] (+ bias[N]; 0 for none). @internal */
export function gemmNN(kern: Kernels, ar: Arena, c: number, a: number, b: number, bias: number, m: number, k: number, n: number, accumulate: boolean): void {
  const work = ar.alloc(packedSize(k, n));
  kern.gemm_nn(c, a, b, bias, work, m, k, n, accumulate ? 1 : 0);
}

/** C[M,N] (+)= A[M,K]·Bᵀ with B [N,K] (+ bias). @internal */
export function gemmNT(kern: Kernels, ar: Arena, c: number, a: number, b: number, bias: number, m: number, k: number, n: number, accumulate: boolean): void {
  const work = ar.alloc(packedSize(k, n));
  kern.gemm_nt(c, a, b, bias, work, m, k, n, accumulate ? 1 : 0);
}

/** C[M,N] (+)= Aᵀ·B with A [K,M], B [K,N] (+ bias). @internal */
export function gemmTN(kern: Kernels, ar: Arena, c: number, a: number, b: number, bias: number, m: number, k: number, n: number, accumulate: boolean): void {
  const work = ar.alloc(packedSize(k, n) + m * k);
  kern.gemm_tn(c, a, b, bias, work, m, k, n, accumulate ? 1 : 0);
}
