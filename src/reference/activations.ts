// Plain-loop twins of assembly/activations.ts, on Math.* (exact to float64).
import type { Floats } from './types.js';

export function sigmoid_forward(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
}
export function sigmoid_backward(dinp: Floats, dout: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] += dout[i] * y[i] * (1 - y[i]);
}
export function tanh_forward(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
}
export function tanh_backward(dinp: Floats, dout: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] += dout[i] * (1 - y[i] * y[i]);
}
export function relu_forward(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0);
}
export function relu_backward(dinp: Floats, dout: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) if (y[i] > 0) dinp[i] += dout[i];
}
export function exp_forward(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
}
export function exp_backward(dinp: Floats, dout: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] += dout[i] * y[i];
}
export function log_forward(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
}
export function log_backward(dinp: Floats, dout: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] += dout[i] / x[i];
}
