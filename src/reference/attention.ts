import type { Floats } from './types.js';

/**
 * Twin of assembly/attention.ts: s [B,Tq,Tk] = v·tanh(qa[b,i] + ka[b,j]), keeping the tanh in
 * e [B,Tq,Tk,A] (when given).
 */
export function additive_scores_forward(
  s: Floats,
  e: Floats | null,
  qa: Floats,
  ka: Floats,
  v: Floats,
  B: number,
  Tq: number,
  Tk: number,
  A: number,
): void {
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Tq; i++)
      for (let j = 0; j < Tk; j++) {
        const cell = (b * Tq + i) * Tk + j;
        let sum = 0;
        for (let a = 0; a < A; a++) {
          const t = Math.tanh(qa[(b * Tq + i) * A + a] + ka[(b * Tk + j) * A + a]);
          if (e) e[cell * A + a] = t;
          sum += t * v[a];
        }
        s[cell] = sum;
      }
}

/** Twin of its backward: dqa, dka, dv accumulate ds through e = tanh(qa + ka). */
export function additive_scores_backward(
  dqa: Floats,
  dka: Floats,
  dv: Floats,
  ds: Floats,
  e: Floats,
  v: Floats,
  B: number,
  Tq: number,
  Tk: number,
  A: number,
): void {
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Tq; i++)
      for (let j = 0; j < Tk; j++) {
        const cell = (b * Tq + i) * Tk + j;
        const g = ds[cell];
        for (let a = 0; a < A; a++) {
          const t = e[cell * A + a];
          dv[a] += g * t;
          const de = g * v[a] * (1 - t * t);
          dqa[(b * Tq + i) * A + a] += de;
          dka[(b * Tk + j) * A + a] += de;
        }
      }
}
