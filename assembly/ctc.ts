// CTC (Graves et al. 2006) for one sequence of a batch over the extended label sequence
// l' = (blank, l1, blank, l2, ..., lL, blank) of length S = 2L+1. Two recursions compute it: a
// scaled one in linear space (the fast path, at the end of this file), and the log-space one
// below, which runs where the linear one's error bound does not hold. In log space:
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
  const logSpace = 2 * T * R + C + 5 * R;
  const linear = 3 * T * R + 8 * R + 2 * ((C + 3) & ~3) + 5 * T;
  return max(logSpace, linear);
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

// The log-space recursion for column b (the exact fallback of the scaled linear one below).
function ctcLogSpace(
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

// ---- The scaled linear-space recursion (the fast path) ----
// Rabiner's scaling, as Graves et al. 2006 (§4.1) describe it for CTC: with the emissions of
// step t taken relative to the step's largest log-probability, e_t[s] = exp(lp[t,l'_s] - m_t),
//   A_0 = e_0 on cells 0 and 1;   A_t[s] = (A_{t-1}[s] + A_{t-1}[s-1] + k_s A_{t-1}[s-2]) e_t[s] / c_{t-1}
// with c_t = sum_s A_t[s], so alpha_t = A_t exp(la_t), la_t = sum_{u<=t} m_u + sum_{u<t} log c_u.
// Backward, without the emission of the step itself (so no division by an emission that may be 0):
//   B'_{T-1} = 1 on cells S-1, S-2;   P_t = B'_t e_t, d_t = sum_s P_t[s];
//   B'_t[s] = (P_{t+1}[s] + P_{t+1}[s+1] + k'_s P_{t+1}[s+2]) / d_{t+1},  lb_t = sum_{u>t} (m_u + log d_u).
// Then p(l|x) = exp(la_t + lb_t) D_t with D_t = sum_s A_t[s] B'_t[s] for every t, and the gradient
// is dnll/dlp[t,c] = -sum_{s: l'_s = c} A_t[s] B'_t[s] / D_t: no exp or log per cell, one log a step.
// f32 loses what falls below its smallest normal number N = 2^-126 ≈ 1.2e-38: an emission under
// it (lp - m_t < -87.3) is taken as 0, a cell under it keeps only its subnormal digits. Each such
// loss is at most N in the units of its row, and its share of p is at most that times the weight
// the other side gives the cell over the step's overlap D_t. Summed over the steps (the alpha
// cells, the beta cells and the emissions in P, each of whose rows weighs at most 3 per cell),
//   relative error of p and of every gradient entry <= N sum_t (4 sum_s B'_t + sum_s A_t + 9) / D_t.
// The results are taken only where this bound is below 1e-7 (f32's own precision) and every
// step's estimate la_t + lb_t + log D_t of log p agrees with the others within 1e-4 as well;
// otherwise the log-space recursion runs instead, as it does for impossible alignments (p = 0) and
// steps whose log-probabilities are all -Infinity. Random unit-scale logits over 200 steps and 50
// labels, or a trained model, stay well within the bound; logits of scale 4 and up fall back.

// @ts-ignore: decorator
@inline const TINY: f32 = 1e-30; // a row sum below it sends the sequence to the log-space recursion
// @ts-ignore: decorator
@inline const FLT_MIN: f64 = 1.1754943508222875e-38;

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// E row of step t: e_t[s] at cell s for s < S, 0 on cells S..S4-1; returns m_t (-Infinity if the
// step has no finite log-probability). ex: C floats of scratch.
// @ts-ignore: decorator
@inline function linEmit(E: usize, ex: usize, lpt: usize, ext: usize, S: i32, S4: i32, C: i32): f32 {
  let m: f32 = -Infinity;
  for (let c = 0; c < C; c++) m = max(m, load<f32>(lpt + (<usize>c << 2)));
  if (m == -Infinity) return m;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f32x4.splat(m);
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      v128.store(ex + o, vexpNonPos(f32x4.sub(v128.load(lpt + o), mv)));
    }
  }
  for (; c < C; c++) store<f32>(ex + (<usize>c << 2), expf(load<f32>(lpt + (<usize>c << 2)) - m));
  for (let s = 0; s < S; s++) store<f32>(E + (<usize>s << 2), load<f32>(ex + (<usize>load<i32>(ext + (<usize>s << 2)) << 2)));
  for (let s = S; s < S4; s++) store<f32>(E + (<usize>s << 2), 0);
  return m;
}

// cur[s] = (prev[s] + prev[s-1] + k[s] prev[s-2]) e[s] inv for s < S4; returns sum_s cur[s]
// @ts-ignore: decorator
@inline function linAlphaRow(cur: usize, prev: usize, k: usize, e: usize, inv: f32, S4: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    const iv = f32x4.splat(inv);
    let acc = f32x4.splat(0);
    for (let s = 0; s < S4; s += 4) {
      const o = <usize>s << 2;
      const n = f32x4.add(f32x4.add(v128.load(prev + o), v128.load(prev + o - 4)), f32x4.mul(v128.load(k + o), v128.load(prev + o - 8)));
      const v = f32x4.mul(f32x4.mul(n, v128.load(e + o)), iv);
      v128.store(cur + o, v);
      acc = f32x4.add(acc, v);
    }
    return hsum(acc);
  }
  let acc: f32 = 0;
  for (let s = 0; s < S4; s++) {
    const o = <usize>s << 2;
    const v = (load<f32>(prev + o) + load<f32>(prev + o - 4) + load<f32>(k + o) * load<f32>(prev + o - 8)) * load<f32>(e + o) * inv;
    store<f32>(cur + o, v);
    acc += v;
  }
  return acc;
}

// cur[s] = (next[s] + next[s+1] + k[s] next[s+2]) inv (next: the P row of step t+1), and
// pOut[s] = cur[s] e[s]; returns sum_s pOut[s] (d_t)
// @ts-ignore: decorator
@inline function linBetaRow(cur: usize, pOut: usize, next: usize, k: usize, e: usize, inv: f32, S4: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    const iv = f32x4.splat(inv);
    let acc = f32x4.splat(0);
    for (let s = 0; s < S4; s += 4) {
      const o = <usize>s << 2;
      const n = f32x4.add(f32x4.add(v128.load(next + o), v128.load(next + o + 4)), f32x4.mul(v128.load(k + o), v128.load(next + o + 8)));
      const v = f32x4.mul(n, iv);
      v128.store(cur + o, v);
      const q = f32x4.mul(v, v128.load(e + o));
      v128.store(pOut + o, q);
      acc = f32x4.add(acc, q);
    }
    return hsum(acc);
  }
  let acc: f32 = 0;
  for (let s = 0; s < S4; s++) {
    const o = <usize>s << 2;
    const v = (load<f32>(next + o) + load<f32>(next + o + 4) + load<f32>(k + o) * load<f32>(next + o + 8)) * inv;
    store<f32>(cur + o, v);
    const q = v * load<f32>(e + o);
    store<f32>(pOut + o, q);
    acc += q;
  }
  return acc;
}

// prod[s] = a[s] b[s] for s < S4; returns sum_s prod[s] and, in sumA and sumB, sum_s a[s] and sum_s b[s]
let sumA: f32 = 0;
let sumB: f32 = 0;
// @ts-ignore: decorator
@inline function linOverlap(prod: usize, a: usize, b: usize, S4: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    let accA = f32x4.splat(0);
    let accB = f32x4.splat(0);
    for (let s = 0; s < S4; s += 4) {
      const o = <usize>s << 2;
      const av = v128.load(a + o);
      const bv = v128.load(b + o);
      const q = f32x4.mul(av, bv);
      v128.store(prod + o, q);
      acc = f32x4.add(acc, q);
      accA = f32x4.add(accA, av);
      accB = f32x4.add(accB, bv);
    }
    sumA = hsum(accA);
    sumB = hsum(accB);
    return hsum(acc);
  }
  let acc: f32 = 0;
  let sa: f32 = 0;
  let sb: f32 = 0;
  for (let s = 0; s < S4; s++) {
    const o = <usize>s << 2;
    const av = load<f32>(a + o);
    const bv = load<f32>(b + o);
    const q = av * bv;
    store<f32>(prod + o, q);
    acc += q;
    sa += av;
    sb += bv;
  }
  sumA = sa;
  sumB = sb;
  return acc;
}

// The scaled linear-space forward-backward for column b; NaN where its checks send the sequence
// to the log-space recursion (grad may then hold part of this attempt's values).
function ctcLinear(
  grad: usize, work: usize, lp: usize, labels: usize,
  T: i32, B: i32, C: i32, b: i32, L: i32, blank: i32, wantGrad: bool,
): f32 {
  const S = 2 * L + 1;
  const S4 = (S + 3) & ~3;
  const rb = <usize>(S4 + 4) << 2; // row stride: 2 pad cells, S4 cells, 2 pad cells
  const C4 = (C + 3) & ~3;
  const A = work + 8; // [T] rows of A; a row's cell s at A + t*rb + 4s
  const Bp = A + <usize>T * rb; // [T] rows of B'
  const E = Bp + <usize>T * rb; // [T] rows of e
  let Pn = E + <usize>T * rb; // P of step t+1
  let Pc = Pn + rb; // P of step t
  const kA = Pc + rb; // 1 where alpha may skip from s-2 to s, else 0
  const kB = kA + rb; // 1 where beta may skip from s+2 to s
  const prod = kB + rb; // A_t B'_t
  const ext = prod + rb; // [S] i32: l'_s
  const ex = ext + rb; // [C4]
  const lcab = ex + (<usize>C4 << 2); // [C4]
  const mrow = lcab + (<usize>C4 << 2); // [T] m_t
  const la = mrow + (<usize>T << 2); // [T] f64 la_t
  const lb = la + (<usize>T << 3); // [T] f64 lb_t
  const col = lp + ((<usize>b * C) << 2);
  const rowT = <usize>B * C;

  for (let i = 0; i < S4 + 4; i++) {
    const o = (<usize>i << 2) - 8; // cells -2 .. S4+1
    store<f32>(kA + o, 0);
    store<f32>(kB + o, 0);
    store<f32>(Pn + o, 0);
    store<f32>(Pc + o, 0);
    store<f32>(A + o, 0); // row 0 with its pads
  }
  for (let s = 0; s < S; s++) store<i32>(ext + (<usize>s << 2), extLabel(labels, blank, s));
  for (let s = 2; s < S; s++) {
    const l = load<i32>(ext + (<usize>s << 2));
    if (l != blank && l != load<i32>(ext + (<usize>(s - 2) << 2))) {
      store<f32>(kA + (<usize>s << 2), 1);
      store<f32>(kB + (<usize>(s - 2) << 2), 1);
    }
  }

  // forward
  let m = linEmit(E, ex, col, ext, S, S4, C);
  if (m == -Infinity) return NaN;
  store<f32>(mrow, m);
  store<f32>(A, load<f32>(E));
  if (S > 1) store<f32>(A + 4, load<f32>(E + 4));
  let c: f32 = load<f32>(A) + (S > 1 ? load<f32>(A + 4) : 0);
  if (!(c >= TINY)) return NaN;
  store<f64>(la, <f64>m);
  for (let t = 1; t < T; t++) {
    const Et = E + <usize>t * rb;
    m = linEmit(Et, ex, col + ((<usize>t * rowT) << 2), ext, S, S4, C);
    if (m == -Infinity) return NaN;
    store<f32>(mrow + (<usize>t << 2), m);
    const cur = A + <usize>t * rb;
    store<f32>(cur - 8, 0);
    store<f32>(cur - 4, 0);
    const cn = linAlphaRow(cur, cur - rb, kA, Et, 1 / c, S4);
    store<f64>(la + (<usize>t << 3), load<f64>(la + (<usize>(t - 1) << 3)) + <f64>m + Math.log(<f64>c));
    c = cn;
    if (!(c >= TINY)) return NaN;
  }
  const last = A + <usize>(T - 1) * rb;
  const pEnd: f32 = load<f32>(last + (<usize>(S - 1) << 2)) + (S > 1 ? load<f32>(last + (<usize>(S - 2) << 2)) : 0);
  if (!(pEnd > 0)) return NaN;
  const logp: f64 = Math.log(<f64>pEnd) + load<f64>(la + (<usize>(T - 1) << 3));

  // backward
  const bLast = Bp + <usize>(T - 1) * rb;
  for (let s = 0; s < S4; s++) store<f32>(bLast + (<usize>s << 2), s >= S - 2 && s < S ? 1 : 0);
  let d = linOverlap(Pn, bLast, E + <usize>(T - 1) * rb, S4);
  if (!(d >= TINY)) return NaN;
  store<f64>(lb + (<usize>(T - 1) << 3), 0);
  for (let t = T - 2; t >= 0; t--) {
    store<f64>(lb + (<usize>t << 3), load<f64>(lb + (<usize>(t + 1) << 3)) + <f64>load<f32>(mrow + (<usize>(t + 1) << 2)) + Math.log(<f64>d));
    d = linBetaRow(Bp + <usize>t * rb, Pc, Pn, kB, E + <usize>t * rb, 1 / d, S4);
    if (!(d >= TINY)) return NaN;
    const sw = Pn;
    Pn = Pc;
    Pc = sw;
  }

  // the error bound and every step's estimate of log p, then the gradient
  const tol: f64 = 1e-4 + 1e-6 * Math.abs(logp);
  let bound: f64 = 0;
  for (let t = 0; t < T; t++) {
    const D = linOverlap(prod, A + <usize>t * rb, Bp + <usize>t * rb, S4);
    if (!(D > 0)) return NaN;
    bound += FLT_MIN * (4 * <f64>sumB + <f64>sumA + 9) / <f64>D;
    const est = Math.log(<f64>D) + load<f64>(la + (<usize>t << 3)) + load<f64>(lb + (<usize>t << 3));
    if (!(Math.abs(est - logp) <= tol)) return NaN;
  }
  if (!(bound <= 1e-7)) return NaN;
  for (let t = 0; wantGrad && t < T; t++) {
    const D = linOverlap(prod, A + <usize>t * rb, Bp + <usize>t * rb, S4);
    for (let q = 0; q < C; q++) store<f32>(lcab + (<usize>q << 2), 0);
    for (let s = 0; s < S; s++) {
      const q = lcab + (<usize>load<i32>(ext + (<usize>s << 2)) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(prod + (<usize>s << 2)));
    }
    const inv: f32 = 1 / D;
    const g = grad + (((<usize>t * rowT) + <usize>b * C) << 2);
    for (let q = 0; q < C; q++) {
      const v = load<f32>(lcab + (<usize>q << 2));
      if (v != 0) store<f32>(g + (<usize>q << 2), -v * inv);
    }
  }
  return <f32>(-logp);
}

let lastLogSpace = false;

/** Whether the last ctc_loss_forward_backward call ran the log-space recursion (1) or the scaled linear one (0). */
export function ctc_used_log_space(): i32 {
  return lastLogSpace ? 1 : 0;
}

// grad [T,B,C] (written for column b, t < T); work: ctc_work_size floats; lp [T,B,C]; labels [L] (i32).
// The scaled linear recursion unless logSpace; the log-space one where its checks fail.
export function ctc_loss_forward_backward(
  grad: usize, work: usize, lp: usize, labels: usize,
  T: i32, B: i32, C: i32, b: i32, L: i32, blank: i32, wantGrad: bool, logSpace: bool,
): f32 {
  if (!logSpace) {
    const r = ctcLinear(grad, work, lp, labels, T, B, C, b, L, blank, wantGrad);
    if (!isNaN(r)) {
      lastLogSpace = false;
      return r;
    }
    if (wantGrad) {
      for (let t = 0; t < T; t++) {
        const g = grad + (((<usize>t * B + b) * C) << 2);
        for (let q = 0; q < C; q++) store<f32>(g + (<usize>q << 2), 0);
      }
    }
  }
  lastLogSpace = true;
  return ctcLogSpace(grad, work, lp, labels, T, B, C, b, L, blank, wantGrad);
}

// CTC over the sequences b0..b1-1 of a batch, the unit of work a second thread takes. `params` is
// i32 [workSize, labelStride, B, C, blank, wantGrad, il[B], tl[B]]: sequence b works in its own
// work + b·workSize floats, reads its labels at labels + b·labelStride (i32) and leaves its loss in
// nll[b] (an empty input: 0 for an empty target, else +Infinity). Its gradient rows are its own,
// so ranges never share a write.
export function ctc_loss_batch(nll: usize, grad: usize, work: usize, lp: usize, labels: usize, params: usize, b0: i32, b1: i32): void {
  const workSize = load<i32>(params);
  const labelStride = load<i32>(params, 4);
  const B = load<i32>(params, 8);
  const C = load<i32>(params, 12);
  const blank = load<i32>(params, 16);
  const wantGrad = load<i32>(params, 20) != 0;
  const il = params + 24;
  const tl = il + (<usize>B << 2);
  for (let b = b0; b < b1; b++) {
    const T = load<i32>(il + (<usize>b << 2));
    const L = load<i32>(tl + (<usize>b << 2));
    let r: f32;
    if (T == 0) r = L == 0 ? 0 : Infinity;
    else {
      const w = work + ((<usize>b * workSize) << 2);
      const lab = labels + ((<usize>b * labelStride) << 2);
      r = ctc_loss_forward_backward(grad, w, lp, lab, T, B, C, b, L, blank, wantGrad, false);
    }
    store<f32>(nll + (<usize>b << 2), r);
  }
}

// The first index of x [n] holding NaN or +Infinity (log-probabilities may be -Infinity), or -1.
export function ctc_check_input(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const inf = f32x4.splat(Infinity);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      // v != v (NaN) or v == +Inf
      if (v128.any_true(v128.or(f32x4.ne(v, v), f32x4.eq(v, inf)))) break;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (isNaN(v) || v == Infinity) return i;
  }
  return -1;
}

// The gradient of the loss: d[t,b,:] = grad[t,b,:]·scale[b] for t < il[b] (i32); 0 past it and
// where scale[b] is 0 (an impossible alignment's rows, whatever they hold, give nothing).
export function ctc_scale_grad(d: usize, grad: usize, scale: usize, il: usize, T: i32, B: i32, C: i32): void {
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const o = ((<usize>t * B + b) * C) << 2;
      const s = t < load<i32>(il + (<usize>b << 2)) ? load<f32>(scale + (<usize>b << 2)) : 0;
      if (s == 0) {
        memory.fill(d + o, 0, <usize>C << 2);
        continue;
      }
      let c = 0;
      if (ASC_FEATURE_SIMD) {
        const sv = f32x4.splat(s);
        for (; c + 4 <= C; c += 4) {
          const q = o + (<usize>c << 2);
          v128.store(d + q, f32x4.mul(v128.load(grad + q), sv));
        }
      }
      for (; c < C; c++) {
        const q = o + (<usize>c << 2);
        store<f32>(d + q, load<f32>(grad + q) * s);
      }
    }
  }
}
