// Plain-loop twins of assembly/reduce.ts.
import type { Floats } from './types.js';

export function sum(x: Floats, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}
export function sum_squares(x: Floats, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}
export function sum_axis_forward(out: Floats, x: Floats, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) out[o * inner + j] += x[(o * n + i) * inner + j];
}
export function sum_axis_backward(dinp: Floats, dout: Floats, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) dinp[(o * n + i) * inner + j] += dout[o * inner + j];
}
