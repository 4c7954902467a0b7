// Plain twins of assembly/scrn.ts, and a whole-sequence SCRN from the paper's equations
// (Mikolov et al. 2015), one sequence at a time: with A [H,I], R [H,H], B [Cx,I], P [H,Cx],
//   s_t = (1-α)·B x_t + α·s_{t-1}
//   h_t = σ(P s_t + A x_t + R h_{t-1} + b_ih + b_hh)          (tanh in place of σ where asked)
// and the emitted state [h_t | s_t]. Rows of the step kernels are [h (H) | s (Cx)], G = H+Cx wide.
import type { Floats } from './types.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export function scrn_context_forward(xw: Floats, state: Floats, rows: number, H: number, Cx: number, alpha: number): void {
  const G = H + Cx;
  for (let r = 0; r < rows; r++) for (let j = H; j < G; j++) xw[r * G + j] = alpha * state[r * G + j] + (1 - alpha) * xw[r * G + j];
}

export function scrn_step_forward(out: Floats, xw: Floats, rows: number, H: number, Cx: number, tanhAct: boolean): void {
  const G = H + Cx;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < G; j++) {
      const v = xw[r * G + j];
      out[r * G + j] = j >= H ? v : tanhAct ? Math.tanh(v) : sig(v);
    }
}

export function scrn_step_backward(dxw: Floats, dh: Floats, y: Floats, rows: number, H: number, Cx: number, tanhAct: boolean): void {
  const G = H + Cx;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < G; j++) {
      const i = r * G + j;
      const yv = y[i];
      dxw[i] = j >= H ? dh[i] : dh[i] * (tanhAct ? 1 - yv * yv : yv * (1 - yv));
    }
}

export function scrn_context_backward(dxw: Floats, dPrev: Floats, rows: number, H: number, Cx: number, alpha: number): void {
  const G = H + Cx;
  for (let r = 0; r < rows; r++)
    for (let j = H; j < G; j++) {
      const v = dxw[r * G + j];
      dPrev[r * G + j] = alpha * v;
      dxw[r * G + j] = (1 - alpha) * v;
    }
}

/** x [B,T,I] batch-first -> output [B,T,H+Cx] ([h | s] each step), hN [B,H+Cx]; h0 [B,H+Cx] or null. */
export function scrnSequence(
  x: Floats,
  B: number,
  T: number,
  I: number,
  H: number,
  Cx: number,
  alpha: number,
  w: { wIh: Floats; wHh: Floats; wCx: Floats; wHc: Floats; bIh: Floats | null; bHh: Floats | null },
  opts: { tanh?: boolean; lengths?: readonly number[]; h0?: Floats | null } = {},
): { output: Float64Array; hN: Float64Array } {
  const G = H + Cx;
  const output = new Float64Array(B * T * G);
  const hN = new Float64Array(B * G);
  for (let b = 0; b < B; b++) {
    const len = opts.lengths?.[b] ?? T;
    let h = Float64Array.from({ length: H }, (_, j) => (opts.h0 ? opts.h0[b * G + j] : 0));
    let s = Float64Array.from({ length: Cx }, (_, j) => (opts.h0 ? opts.h0[b * G + H + j] : 0));
    for (let t = 0; t < len; t++) {
      const xt = (i: number) => x[(b * T + t) * I + i];
      const sNew = new Float64Array(Cx);
      for (let c = 0; c < Cx; c++) {
        let bx = 0;
        for (let i = 0; i < I; i++) bx += w.wCx[c * I + i] * xt(i);
        sNew[c] = (1 - alpha) * bx + alpha * s[c];
      }
      const hNew = new Float64Array(H);
      for (let u = 0; u < H; u++) {
        let a = (w.bIh ? w.bIh[u] : 0) + (w.bHh ? w.bHh[u] : 0);
        for (let i = 0; i < I; i++) a += w.wIh[u * I + i] * xt(i);
        for (let v = 0; v < H; v++) a += w.wHh[u * H + v] * h[v];
        for (let c = 0; c < Cx; c++) a += w.wHc[u * Cx + c] * sNew[c];
        hNew[u] = opts.tanh ? Math.tanh(a) : sig(a);
      }
      h = hNew;
      s = sNew;
      output.set(h, (b * T + t) * G);
      output.set(s, (b * T + t) * G + H);
    }
    hN.set(h, b * G);
    hN.set(s, b * G + H);
  }
  return { output, hN };
}
