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
//
// Every row of alpha and beta depends only on the previous (next) row, so a row is computed four
// positions at a time. Rows are stored with two -Infinity cells on each side (stride R), so the
// s-1, s-2, s+1 and s+2 neighbours are plain loads; the skip rule becomes an additive mask
// (0 or -Infinity) precomputed once per sequence.
import { expf, logf, vexpNonPos, vlog } from './vmath';

// @ts-ignore: decorator
@inline function extLabel(labels: usize, blank: i32, s: i32): i32 {
  return (s & 1) == 0 ? blank : load<i32>(labels + (<usize>((s - 1) >> 1) << 2));
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

// @ts-ignore: decorator
@inline function vlse3(a: v128, b: v128, c: v128): v128 {
  const m = f32x4.max(a, f32x4.max(b, c));
  const s = f32x4.add(f32x4.add(vexpNonPos(f32x4.sub(a, m)), vexpNonPos(f32x4.sub(b, m))), vexpNonPos(f32x4.sub(c, m)));
  const r = f32x4.add(m, vlog(s));
  // a lane with every term -Infinity stays -Infinity (its differences above were NaN)
  return v128.bitselect(m, r, f32x4.eq(m, f32x4.splat(-Infinity)));
}

/** Floats of work space ctc_loss_forward_backward needs for T steps, C classes and L labels. */
export function ctc_work_size(T: i32, C: i32, L: i32): i32 {
  const R = (((2 * L + 1) + 3) & ~3) + 4;
  return 2 * T * R + C + 5 * R;
}

// The recursions keep rows of R = S4 + 4 cells (2 pad cells, S4 = S rounded up to 4, 2 pad
// cells): the neighbours s-1, s-2 (alpha) and s+1, s+2 (beta) of every cell exist and are
// -Infinity where no path goes, so four positions move at a time with no edge cases.

// Fills alpha and beta with -Infinity, stores the extended labels l'_s, and marks in skipA/skipB
// (0, else -Infinity) where a path may skip a blank: l'_s is a label other than l'_{s-2}.
// @ts-ignore: decorator
@inline function ctcInit(alpha: usize, T: i32, R: i32, skipA: usize, skipB: usize, emit: usize, ext: usize, labels: usize, blank: i32, S: i32): void {
  const NEG: f32 = -Infinity;
  for (let i = 0; i < 2 * T * R; i++) store<f32>(alpha + (<usize>i << 2), NEG);
  for (let i = 0; i < R; i++) {
    store<f32>(skipA + (<usize>i << 2), NEG);
    store<f32>(skipB + (<usize>i << 2), NEG);
    store<f32>(emit + (<usize>i << 2), NEG);
  }
  for (let s = 0; s < S; s++) store<i32>(ext + (<usize>s << 2), extLabel(labels, blank, s));
  for (let s = 2; s < S; s++) {
    const l = extLabel(labels, blank, s);
    if (l != blank && l != extLabel(labels, blank, s - 2)) {
      store<f32>(skipA + (<usize>(s + 2) << 2), 0);
      store<f32>(skipB + (<usize>s << 2), 0); // beta at s-2 may take s: cell (s-2)+2
    }
  }
}

// emission row for step t: emit[2+s] = lp[t, l'_s] for s < S (-Infinity beyond, from ctcInit)
// @ts-ignore: decorator
@inline function ctcEmit(emit: usize, lpt: usize, ext: usize, S: i32): void {
  for (let s = 0; s < S; s++) store<f32>(emit + (<usize>(s + 2) << 2), load<f32>(lpt + (<usize>load<i32>(ext + (<usize>s << 2)) << 2)));
}

// One row of a recursion: cur[s] = lse(n0[s], n1[s], n2[s] + skip[s]) + emit[s] for s in [s0, s1),
// four cells at a time (n0, n1, n2: the row before or after, shifted by the neighbour offsets).
// @ts-ignore: decorator
@inline function ctcRow(cur: usize, n0: usize, n1: usize, n2: usize, skip: usize, emit: usize, s0: i32, s1: i32): void {
  let s = s0;
  if (ASC_FEATURE_SIMD) {
    for (; s < s1; s += 4) {
      const o = <usize>s << 2;
      const v2 = f32x4.add(v128.load(n2 + o), v128.load(skip + o));
      v128.store(cur + o, f32x4.add(vlse3(v128.load(n0 + o), v128.load(n1 + o), v2), v128.load(emit + o)));
    }
  } else {
    for (; s < s1; s++) {
      const o = <usize>s << 2;
      store<f32>(cur + o, lse3(load<f32>(n0 + o), load<f32>(n1 + o), load<f32>(n2 + o) + load<f32>(skip + o)) + load<f32>(emit + o));
    }
  }
}

// The forward variables; returns the log-likelihood log p(l | x).
// @ts-ignore: decorator
@inline function ctcAlpha(alpha: usize, emit: usize, skipA: usize, ext: usize, col: usize, rowT: usize, T: i32, S: i32, S4: i32, rb: usize, labels: usize, blank: i32): f32 {
  store<f32>(alpha + 8, load<f32>(col + (<usize>blank << 2)));
  if (S > 1) store<f32>(alpha + 12, load<f32>(col + (<usize>extLabel(labels, blank, 1) << 2)));
  for (let t = 1; t < T; t++) {
    ctcEmit(emit, col + ((<usize>t * rowT) << 2), ext, S);
    const prev = alpha + <usize>(t - 1) * rb + 8;
    const cur = alpha + <usize>t * rb + 8;
    ctcRow(cur, prev, prev - 4, prev - 8, skipA + 8, emit + 8, 0, min(S, 2 * t + 2)); // alpha is -Infinity past 2t+1
    // cells past S (vector overrun) must stay -Infinity for the next row's neighbours
    for (let q = S; q < S4 + 2; q++) store<f32>(cur + (<usize>q << 2), -Infinity);
  }
  const last = alpha + <usize>(T - 1) * rb + 8;
  let ll = load<f32>(last + (<usize>(S - 1) << 2));
  if (S > 1) ll = lse(ll, load<f32>(last + (<usize>(S - 2) << 2)));
  return ll;
}

// The backward variables (each including the emission at its own step, as alpha does).
// @ts-ignore: decorator
@inline function ctcBeta(beta: usize, emit: usize, skipB: usize, ext: usize, col: usize, rowT: usize, T: i32, S: i32, S4: i32, rb: usize, labels: usize, blank: i32): void {
  const lastB = beta + <usize>(T - 1) * rb + 8;
  const lpLast = col + ((<usize>(T - 1) * rowT) << 2);
  store<f32>(lastB + (<usize>(S - 1) << 2), load<f32>(lpLast + (<usize>blank << 2)));
  if (S > 1) store<f32>(lastB + (<usize>(S - 2) << 2), load<f32>(lpLast + (<usize>extLabel(labels, blank, S - 2) << 2)));
  for (let t = T - 2; t >= 0; t--) {
    ctcEmit(emit, col + ((<usize>t * rowT) << 2), ext, S);
    const next = beta + <usize>(t + 1) * rb + 8;
    const cur = beta + <usize>t * rb + 8;
    ctcRow(cur, next, next + 4, next + 8, skipB + 8, emit + 8, max(0, S - 2 * (T - t)) & ~3, S); // -Infinity before S - 2(T - t)
    for (let q = S; q < S4 + 2; q++) store<f32>(cur + (<usize>q << 2), -Infinity);
  }
}

// The gradient with respect to lp: occupancy of each class at each step, summed in linear space
// under the step's largest alpha+beta (one exp per position instead of a log-sum-exp).
// @ts-ignore: decorator
@inline function ctcGrad(grad: usize, alpha: usize, beta: usize, lcab: usize, tmp: usize, ext: usize, col: usize, rowT: usize, T: i32, S: i32, C: i32, b: i32, rb: usize, nll: f32): void {
  const NEG: f32 = -Infinity;
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) store<f32>(lcab + (<usize>c << 2), 0);
    const ar = alpha + <usize>t * rb + 8;
    const br = beta + <usize>t * rb + 8;
    let m: f32 = NEG;
    for (let s = 0; s < S; s++) m = max(m, load<f32>(ar + (<usize>s << 2)) + load<f32>(br + (<usize>s << 2)));
    if (m == NEG) continue;
    let s = 0;
    if (ASC_FEATURE_SIMD) {
      const mv = f32x4.splat(m);
      for (; s < S; s += 4) {
        const o = <usize>s << 2;
        v128.store(tmp + o, vexpNonPos(f32x4.sub(f32x4.add(v128.load(ar + o), v128.load(br + o)), mv)));
      }
    } else {
      for (; s < S; s++) {
        const o = <usize>s << 2;
        store<f32>(tmp + o, expf(load<f32>(ar + o) + load<f32>(br + o) - m));
      }
    }
    for (let s2 = 0; s2 < S; s2++) {
      const q = lcab + (<usize>load<i32>(ext + (<usize>s2 << 2)) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(tmp + (<usize>s2 << 2)));
    }
    const lpt = col + ((<usize>t * rowT) << 2);
    for (let c = 0; c < C; c++) {
      const v = load<f32>(lcab + (<usize>c << 2));
      if (v == 0) continue;
      const g = grad + (((<usize>t * rowT) + <usize>b * C + c) << 2);
      store<f32>(g, -v * expf(m - load<f32>(lpt + (<usize>c << 2)) + nll));
    }
  }
}

// grad [T,B,C] (written for column b, t < T); work: ctc_work_size floats; lp [T,B,C]; labels [L] (i32)
export function ctc_loss_forward_backward(
  grad: usize, work: usize, lp: usize, labels: usize,
  T: i32, B: i32, C: i32, b: i32, L: i32, blank: i32, wantGrad: bool,
): f32 {
  const S = 2 * L + 1;
  const S4 = (S + 3) & ~3;
  const R = S4 + 4; // row stride: 2 pad cells, S4 cells, 2 pad cells
  const rb = <usize>R << 2;
  const alpha = work;
  const beta = alpha + <usize>T * rb;
  const lcab = beta + <usize>T * rb;
  const emit = lcab + (<usize>C << 2); // [R]: lp[t, l'_s] at cell 2+s
  const skipA = emit + rb; // [R]: 0 where alpha may skip from s-2 to s, else -Infinity
  const skipB = skipA + rb; // [R]: 0 where beta may skip from s+2 to s
  const tmp = skipB + rb;
  const ext = tmp + rb; // [S] i32: l'_s
  const col = lp + ((<usize>b * C) << 2);
  const rowT = <usize>B * C;
  ctcInit(alpha, T, R, skipA, skipB, emit, ext, labels, blank, S);
  const ll = ctcAlpha(alpha, emit, skipA, ext, col, rowT, T, S, S4, rb, labels, blank);
  const nll: f32 = -ll;
  if (!wantGrad || ll == -Infinity) return nll;
  ctcBeta(beta, emit, skipB, ext, col, rowT, T, S, S4, rb, labels, blank);
  ctcGrad(grad, alpha, beta, lcab, tmp, ext, col, rowT, T, S, C, b, rb, nll);
  return nll;
}
