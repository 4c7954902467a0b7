// Plain twin of assembly/ctc.ts in float64: the loss of column b of lp [T,B,C] and, into grad,
// the exact gradient with respect to lp.
import type { Floats } from './types.js';

const lse = (a: number, b: number) => {
  const m = Math.max(a, b);
  return m === -Infinity ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

export function ctc_loss_forward_backward(
  grad: Floats | null,
  lp: Floats,
  labels: ArrayLike<number>,
  T: number,
  B: number,
  C: number,
  b: number,
  L: number,
  blank: number,
): number {
  const S = 2 * L + 1;
  const ext = (s: number) => (s % 2 === 0 ? blank : labels[(s - 1) / 2]);
  const at = (t: number, c: number) => lp[(t * B + b) * C + c];
  const alpha = Array.from({ length: T }, () => new Float64Array(S).fill(-Infinity));
  const beta = Array.from({ length: T }, () => new Float64Array(S).fill(-Infinity));
  alpha[0][0] = at(0, blank);
  if (S > 1) alpha[0][1] = at(0, ext(1));
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[t - 1][s];
      if (s >= 1) a = lse(a, alpha[t - 1][s - 1]);
      if (s >= 2 && ext(s) !== blank && ext(s) !== ext(s - 2)) a = lse(a, alpha[t - 1][s - 2]);
      alpha[t][s] = a === -Infinity ? a : a + at(t, ext(s));
    }
  }
  const ll = S > 1 ? lse(alpha[T - 1][S - 1], alpha[T - 1][S - 2]) : alpha[T - 1][S - 1];
  if (!grad || ll === -Infinity) return -ll;
  beta[T - 1][S - 1] = at(T - 1, blank);
  if (S > 1) beta[T - 1][S - 2] = at(T - 1, ext(S - 2));
  for (let t = T - 2; t >= 0; t--) {
    for (let s = S - 1; s >= 0; s--) {
      let v = beta[t + 1][s];
      if (s + 1 < S) v = lse(v, beta[t + 1][s + 1]);
      if (s + 2 < S && ext(s) !== blank && ext(s) !== ext(s + 2)) v = lse(v, beta[t + 1][s + 2]);
      beta[t][s] = v === -Infinity ? v : v + at(t, ext(s));
    }
  }
  for (let t = 0; t < T; t++) {
    const lcab = new Float64Array(C).fill(-Infinity);
    for (let s = 0; s < S; s++) lcab[ext(s)] = lse(lcab[ext(s)], alpha[t][s] + beta[t][s]);
    for (let c = 0; c < C; c++) if (lcab[c] !== -Infinity) grad[(t * B + b) * C + c] = -Math.exp(lcab[c] - at(t, c) - ll);
  }
  return -ll;
}

/** Twin of ctc_check_input: the first index holding NaN or +Infinity, or -1. */
export function ctc_check_input(x: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i]) || x[i] === Infinity) return i;
  return -1;
}

/** Twin of ctc_scale_grad: d[t,b,:] = grad[t,b,:]·scale[b] while t < il[b] and scale[b] ≠ 0, else 0. */
export function ctc_scale_grad(
  d: Float32Array,
  grad: ArrayLike<number>,
  scale: ArrayLike<number>,
  il: ArrayLike<number>,
  T: number,
  B: number,
  C: number,
): void {
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const o = (t * B + b) * C + c;
        d[o] = t < il[b] && scale[b] !== 0 ? grad[o] * scale[b] : 0;
      }
}
