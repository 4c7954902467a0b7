// Typed bindings of the GEMM kernels (assembly/matmul.ts). Every product packs its right operand
// (and gemmTN transposes its left one) into arena work space, then runs the packed kernel (which the
// threaded kernel set of parallel.ts splits by panels).
import type { Arena } from './heap.js';
import type { Kernels } from './kernels.js';

/** Floats of work space for packing a K×N right operand. @internal */
export function packedSize(k: number, n: number): number {
  return Math.ceil(n / 8) * 8 * k;
}

/**
 * C [M,N] (+)= A·packedB (+ bias), A read through strides (ars, acs), C rows ldc apart: the
 * kernel the recurrent steps call with their once-packed weights. @internal
 */
export function gemmPacked(
  kern: Kernels,
  c: number,
  a: number,
  ars: number,
  acs: number,
  packed: number,
  bias: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
  ldc: number,
): void {
  kern.gemm_packed(c, a, ars, acs, packed, bias, m, k, n, accumulate ? 1 : 0, ldc);
}

/** A product of arena operands: C [M,N] (+)= op(A)·op(B) (+ bias[N]; 0 for none). @internal */
export type Product = (
  kern: Kernels,
  ar: Arena,
  c: number,
  a: number,
  b: number,
  bias: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
) => void;

/** B [k, n] at b (or, transposed, Bᵀ of a B [n, k]) packed into new arena panels; returns where they are. @internal */
export function packInArena(kern: Kernels, ar: Arena, b: number, k: number, n: number, transposed: number): number {
  const p = ar.alloc(packedSize(k, n));
  kern.gemm_pack(p, b, k, n, transposed);
  return p;
}

// packs B (K×N, or Bᵀ of an N×K B) into arena work space, then runs A [M,K] (row-major) through it
const packAndMultiply =
  (transposed: number): Product =>
  (kern, ar, c, a, b, bias, m, k, n, accumulate) =>
    gemmPacked(kern, c, a, k, 1, packInArena(kern, ar, b, k, n, transposed), bias, m, k, n, accumulate, n);

/** C[M,N] (+)= A[M,K]·B[K,N] (+ bias[N]; 0 for none). @internal */
export const gemmNN: Product = packAndMultiply(0);

/** C[M,N] (+)= A[M,K]·Bᵀ with B [N,K] (+ bias). @internal */
export const gemmNT: Product = packAndMultiply(1);

/** C[M,N] (+)= Aᵀ·B with A [K,M], B [K,N] (+ bias); Aᵀ is copied first (see assembly/matmul.ts). @internal */
export const gemmTN: Product = (kern, ar, c, a, b, bias, m, k, n, accumulate) => {
  const at = ar.alloc(m * k);
  kern.transpose_rows(at, a, k, m, 0, k);
  gemmNN(kern, ar, c, at, b, bias, m, k, n, accumulate);
};
