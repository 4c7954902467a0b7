// Plain-loop twins of assembly/elementwise.ts.
import type { Floats } from './types.js';

export function add_forward(out: Floats, a: Floats, b: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}
export function sub_forward(out: Floats, a: Floats, b: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
}
export function mul_forward(out: Floats, a: Floats, b: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}
export function mul_backward(dinp: Floats, dout: Floats, other: Floats, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] += dout[i] * other[i];
}
export function div_forward(out: Floats, a: Floats, b: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
}
export function div_backward(da: Floats | null, db: Floats | null, dout: Floats, b: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) {
    if (da) da[i] += dout[i] / b[i];
    if (db) db[i] -= (dout[i] / b[i]) * y[i];
  }
}
export function scale_forward(out: Floats, x: Floats, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] * alpha;
}
export function axpy(y: Floats, x: Floats, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}
