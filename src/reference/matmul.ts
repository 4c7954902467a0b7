// Plain-loop twins of assembly/matmul.ts. C [M,N] (+)= op(A)·op(B) (+ bias).
import type { Floats } from './types.js';

function gemm(
  c: Floats,
  bias: Floats | null,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
  aAt: (i: number, kk: number) => number,
  bAt: (kk: number, j: number) => number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += aAt(i, kk) * bAt(kk, j);
      if (bias) s += bias[j];
      c[i * n + j] = accumulate ? c[i * n + j] + s : s;
    }
  }
}

/** A [M,K]·B [K,N] */
export function gemm_nn(c: Floats, a: Floats, b: Floats, bias: Floats | null, m: number, k: number, n: number, accumulate: boolean): void {
  gemm(
    c,
    bias,
    m,
    k,
    n,
    accumulate,
    (i, kk) => a[i * k + kk],
    (kk, j) => b[kk * n + j],
  );
}

/** A [M,K]·Bᵀ, B [N,K] */
export function gemm_nt(c: Floats, a: Floats, b: Floats, bias: Floats | null, m: number, k: number, n: number, accumulate: boolean): void {
  gemm(
    c,
    bias,
    m,
    k,
    n,
    accumulate,
    (i, kk) => a[i * k + kk],
    (kk, j) => b[j * k + kk],
  );
}

/** Aᵀ·B, A [K,M], B [K,N] */
export function gemm_tn(c: Floats, a: Floats, b: Floats, bias: Floats | null, m: number, k: number, n: number, accumulate: boolean): void {
  gemm(
    c,
    bias,
    m,
    k,
    n,
    accumulate,
    (i, kk) => a[kk * m + i],
    (kk, j) => b[kk * n + j],
  );
}

/** C[b] = A[b]·B[b] for b < batch: A [n,k], B [k,m], C [n,m], row-major (assembly/bmm.ts). */
export function bmm(c: Floats, a: Floats, b: Floats, batch: number, n: number, k: number, m: number): void {
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[q * n * k + i * k + p] * b[q * k * m + p * m + j];
        c[q * n * m + i * m + j] = s;
      }
}

/** C[b] = A[b]·B[b]ᵀ for b < batch: A [n,k], B [m,k], C [n,m], row-major (assembly/bmm.ts). */
export function bmm_nt(c: Floats, a: Floats, b: Floats, batch: number, n: number, k: number, m: number): void {
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[q * n * k + i * k + p] * b[q * m * k + j * k + p];
        c[q * n * m + i * m + j] = s;
      }
}
