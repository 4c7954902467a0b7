// CTC (Graves et al. 2006) for one sequence of a batch, in log space over the extended label
// sequence l' = (blank, l1, blank, l2, ..., lL, blank) of length S = 2L+1.
//   alpha[t,s] = lp[t,l'_s] + logsumexp(alpha[t-1,s], alpha[t-1,s-1], alpha[t-1,s-2] if l'_s ≠ blank, l'_s ≠ l'_{s-2})
//   beta[t,s]  = lp[t,l'_s] + logsumexp(beta[t+1,s], beta[t+1,s+1], beta[t+1,s+2] under the same rule)
//   nll = -logsumexp(alpha[T-1,S-1], alpha[T-1,S-2])
//   dnll/dlp[t,c] = -exp(logsumexp_{s: l'_s = c}(alpha[t,s] + beta[t,s]) - lp[t,c] + nll)
// (alpha and beta both include the emission at t, so it is removed once). This is the exact
// gradient with respect to the log-probabilities; through a log-softmax it equals PyTorch's.
// lp is the batch's [T,B,C] array; this call reads column b. An impossible alignment gives
// nll = +Infinity and leaves grad untouched.
import { expf, logf } from './vmath';

// label at extended position s: blank when s is even, labels[(s-1)/2] when odd
// @ts-ignore: decorator
@inline function extLabel(labels: usize, blank: i32, s: i32): i32 {
  return (s & 1) == 0 ? blank : load<i32>(labels + (<usize>((s - 1) >> 1) << 2));
}

// @ts-ignore: decorator
@inline function lpAt(col: usize, rowT: usize, t: i32, c: i32): f32 {
  return load<f32>(col + ((<usize>t * rowT + c) << 2));
}

// @ts-ignore: decorator
@inline function lse(a: f32, b: f32): f32 {
  const m = max(a, b);
  if (m == -Infinity) return m;
  return m + logf(1.0 + expf(-abs(a - b)));
}

// log(e^a + e^b + e^c) with one log: the largest term contributes exactly 1
// @ts-ignore: decorator
@inline function lse3(a: f32, b: f32, c: f32): f32 {
  const m = max(a, max(b, c));
  if (m == -Infinity) return m;
  return m + logf(expf(a - m) + expf(b - m) + expf(c - m));
}

// grad [T,B,C] (written for column b, t < T), alpha, beta [T,S] work, lcab [C] work,
// lp [T,B,C], labels [L] (i32)
export function ctc_loss_forward_backward(
  grad: usize, alpha: usize, beta: usize, lcab: usize, lp: usize, labels: usize,
  T: i32, B: i32, C: i32, b: i32, L: i32, blank: i32, wantGrad: bool,
): f32 {
  const S = 2 * L + 1;
  const rowT = <usize>B * C; // floats between time steps of lp
  // label of extended position s
  // (s even: blank; s odd: labels[(s-1)/2])
  for (let i = 0; i < T * S; i++) {
    store<f32>(alpha + (<usize>i << 2), -Infinity);
    store<f32>(beta + (<usize>i << 2), -Infinity);
  }
  const col = lp + ((<usize>b * C) << 2); // lp[0, b, :]
  // alpha
  store<f32>(alpha, lpAt(col, rowT, 0, blank));
  if (S > 1) store<f32>(alpha + 4, lpAt(col, rowT, 0, extLabel(labels, blank, 1)));
  for (let t = 1; t < T; t++) {
    const prev = alpha + (<usize>(t - 1) * S << 2);
    const cur = alpha + (<usize>t * S << 2);
    // positions that cannot be reached yet (s < S - 2(T - t)) stay -inf only in beta; alpha is
    // bounded by s <= 2t+1
    const sMax = min(S - 1, 2 * t + 1);
    for (let s = 0; s <= sMax; s++) {
      const l = extLabel(labels, blank, s);
      const a0 = load<f32>(prev + (<usize>s << 2));
      const a1: f32 = s >= 1 ? load<f32>(prev + (<usize>(s - 1) << 2)) : -Infinity;
      const a2: f32 = s >= 2 && l != blank && l != extLabel(labels, blank, s - 2) ? load<f32>(prev + (<usize>(s - 2) << 2)) : -Infinity;
      const a = a2 == -Infinity ? lse(a0, a1) : lse3(a0, a1, a2);
      store<f32>(cur + (<usize>s << 2), a == -Infinity ? a : a + lpAt(col, rowT, t, l));
    }
  }
  const last = alpha + (<usize>(T - 1) * S << 2);
  let ll = load<f32>(last + (<usize>(S - 1) << 2));
  if (S > 1) ll = lse(ll, load<f32>(last + (<usize>(S - 2) << 2)));
  const nll: f32 = -ll;
  if (!wantGrad || ll == -Infinity) return nll;
  // beta
  const lastB = beta + (<usize>(T - 1) * S << 2);
  store<f32>(lastB + (<usize>(S - 1) << 2), lpAt(col, rowT, T - 1, blank));
  if (S > 1) store<f32>(lastB + (<usize>(S - 2) << 2), lpAt(col, rowT, T - 1, extLabel(labels, blank, S - 2)));
  for (let t = T - 2; t >= 0; t--) {
    const next = beta + (<usize>(t + 1) * S << 2);
    const cur = beta + (<usize>t * S << 2);
    const sMin = max(0, S - 2 * (T - t));
    for (let s = S - 1; s >= sMin; s--) {
      const l = extLabel(labels, blank, s);
      const v0 = load<f32>(next + (<usize>s << 2));
      const v1: f32 = s + 1 < S ? load<f32>(next + (<usize>(s + 1) << 2)) : -Infinity;
      const v2: f32 = s + 2 < S && l != blank && l != extLabel(labels, blank, s + 2) ? load<f32>(next + (<usize>(s + 2) << 2)) : -Infinity;
      const v = v2 == -Infinity ? lse(v0, v1) : lse3(v0, v1, v2);
      store<f32>(cur + (<usize>s << 2), v == -Infinity ? v : v + lpAt(col, rowT, t, l));
    }
  }
  // gradient: occupancy of each class at each step, summed in linear space under the step's
  // largest alpha+beta (one exp per position instead of a log-sum-exp)
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) store<f32>(lcab + (<usize>c << 2), 0);
    const ar = alpha + (<usize>t * S << 2);
    const br = beta + (<usize>t * S << 2);
    let m: f32 = -Infinity;
    for (let s = 0; s < S; s++) m = max(m, load<f32>(ar + (<usize>s << 2)) + load<f32>(br + (<usize>s << 2)));
    if (m == -Infinity) continue;
    for (let s = 0; s < S; s++) {
      const v = load<f32>(ar + (<usize>s << 2)) + load<f32>(br + (<usize>s << 2));
      if (v == -Infinity) continue;
      const q = lcab + (<usize>extLabel(labels, blank, s) << 2);
      store<f32>(q, load<f32>(q) + expf(v - m));
    }
    for (let c = 0; c < C; c++) {
      const v = load<f32>(lcab + (<usize>c << 2));
      if (v == 0) continue;
      const g = grad + (((<usize>t * rowT) + <usize>b * C + c) << 2);
      store<f32>(g, -v * expf(m - lpAt(col, rowT, t, c) + nll));
    }
  }
  return nll;
}
