// Plain-loop twins of assembly/softmax.ts, row-wise over [rows, cols].
import type { Floats } from './types.js';

export function softmax_forward(out: Floats, x: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    if (m === -Infinity) {
      for (let j = 0; j < cols; j++) out[r * cols + j] = 0;
      continue;
    }
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.exp(x[r * cols + j] - m) / s;
  }
}
export function softmax_backward(dinp: Floats, dout: Floats, y: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += dout[r * cols + j] * y[r * cols + j];
    for (let j = 0; j < cols; j++) dinp[r * cols + j] += y[r * cols + j] * (dout[r * cols + j] - s);
  }
}
export function log_softmax_forward(out: Floats, x: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
    const shift = m === -Infinity ? 0 : m + Math.log(s);
    for (let j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + j] - shift;
  }
}
export function log_softmax_backward(dinp: Floats, dout: Floats, y: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += dout[r * cols + j];
    for (let j = 0; j < cols; j++) dinp[r * cols + j] += dout[r * cols + j] - Math.exp(y[r * cols + j]) * s;
  }
}
