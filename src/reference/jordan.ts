// A whole Jordan network sequence from the equations (float64, no lengths), the reference for
// src/ops/jordan.ts: h_t = act(W_ih x_t + b_ih + W_hh y_{t-1} + b_hh), y_t = outAct(W_ho h_t + b_ho).
import type { Floats } from './types.js';

export function jordanSequence(
  x: Floats,
  B: number,
  T: number,
  I: number,
  H: number,
  O: number,
  w: { wIh: Floats; wHh: Floats; bIh: Floats | null; bHh: Floats | null; wHo: Floats; bHo: Floats | null },
  outAct: 'linear' | 'sigmoid' | 'tanh' | 'softmax',
  act: 'tanh' | 'relu' = 'tanh',
): Float64Array {
  const out = new Float64Array(B * T * O);
  for (let b = 0; b < B; b++) {
    let y = new Float64Array(O);
    for (let t = 0; t < T; t++) {
      const h = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        let s = (w.bIh ? w.bIh[j] : 0) + (w.bHh ? w.bHh[j] : 0);
        for (let i = 0; i < I; i++) s += w.wIh[j * I + i] * x[(b * T + t) * I + i];
        for (let o = 0; o < O; o++) s += w.wHh[j * O + o] * y[o];
        h[j] = act === 'relu' ? Math.max(0, s) : Math.tanh(s);
      }
      const z = new Float64Array(O);
      for (let o = 0; o < O; o++) {
        let s = w.bHo ? w.bHo[o] : 0;
        for (let j = 0; j < H; j++) s += w.wHo[o * H + j] * h[j];
        z[o] = s;
      }
      if (outAct === 'softmax') {
        const m = Math.max(...z);
        const e = z.map((v) => Math.exp(v - m));
        const sum = e.reduce((a, v) => a + v, 0);
        y = e.map((v) => v / sum);
      } else {
        y = z.map((v) => (outAct === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : outAct === 'tanh' ? Math.tanh(v) : v));
      }
      out.set(y, (b * T + t) * O);
    }
  }
  return out;
}
