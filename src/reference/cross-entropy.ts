// Plain-loop twins of assembly/cross-entropy.ts: rows r0..r1-1 of logits [rows, C], targets (-1: a
// row left out), params [ε].
import type { Floats } from './types.js';
import { log_softmax_forward } from './softmax.js';

export function cross_entropy_forward(
  logp: Floats,
  loss: Floats,
  x: Floats,
  targets: ArrayLike<number>,
  params: Floats,
  C: number,
  r0: number,
  r1: number,
): void {
  const eps = params[0];
  for (let r = r0; r < r1; r++) {
    const row = new Float64Array(C);
    log_softmax_forward(row, x.subarray(r * C, (r + 1) * C), 1, C);
    logp.set(row, r * C);
    const t = targets[r];
    let l = 0;
    if (t >= 0) {
      l = -(1 - eps) * row[t];
      if (eps > 0) l -= (eps / C) * row.reduce((a, b) => a + b, 0);
    }
    loss[r] = l;
  }
}

export function cross_entropy_backward(
  d: Floats,
  logp: Floats,
  targets: ArrayLike<number>,
  g: Floats,
  params: Floats,
  C: number,
  r0: number,
  r1: number,
): void {
  const eps = params[0];
  for (let r = r0; r < r1; r++) {
    const t = targets[r];
    for (let c = 0; c < C; c++) d[r * C + c] = t < 0 ? 0 : (Math.exp(logp[r * C + c]) - eps / C) * g[r] - (c === t ? (1 - eps) * g[r] : 0);
  }
}

/** The index of the first NaN or ±Infinity, or -1. */
export function first_nonfinite(x: Floats, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}
