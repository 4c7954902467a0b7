// Vector exp and log for f32x4, after Cephes' expf/logf (the polynomials of sse_mathfun).
// Measured maximum error against Math.exp / Math.log over the test ranges (test/kernels/activations):
//   exp: relative error <= 2e-7 for x in [-87, 88]; x > 88.72 gives +Infinity, x < -87.3 gives 0.
//   log: absolute error <= 1.5e-7 for x in [1e-30, 1e30]; log(0) = -Infinity, log(x < 0) = NaN.
// Scalar twins (expf / logf) run the same polynomial on tails, so a result does not depend on
// where an element falls in its vector. The exp's n = round(x·log2 e) comes from adding 1.5·2^23
// (no floor, no saturating float-to-int conversion) and its clamps are pmin/pmax, each one
// instruction where min/max take several for their NaN and -0 rules: 1.4-1.5x faster exp,
// 1.25-1.5x sigmoid and tanh, 1.13-1.29x the LSTM gate kernel, alternating builds.

// @ts-ignore: decorator
@inline const EXP_HI: f32 = 88.72283905206835;
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -87.3365447504;
// @ts-ignore: decorator
@inline const OVERFLOW: f32 = 88.72283905206835;
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const ROUNDER: f32 = 12582912.0; // 1.5·2^23: y + ROUNDER rounds y to an integer in its low mantissa bits
// @ts-ignore: decorator
@inline const ROUNDER_BITS: i32 = 0x4b400000; // the bits of ROUNDER
// @ts-ignore: decorator
@inline const C1: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const C2: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline const P0: f32 = 1.9875691500e-4;
// @ts-ignore: decorator
@inline const P1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline const P2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline const P3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline const P4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline const P5: f32 = 5.0000001201e-1;

/** e^x for one f32, the same arithmetic as vexp lane by lane. */
// @ts-ignore: decorator
@inline export function expf(x0: f32): f32 {
  const r = expfClamped(x0);
  if (x0 > OVERFLOW) return Infinity;
  if (x0 < EXP_LO) return 0;
  if (isNaN(x0)) return x0;
  return r;
}

/** e^x for x clamped into [EXP_LO, EXP_HI] (the value at the nearer end outside it; NaN stays NaN). */
// @ts-ignore: decorator
@inline function expfClamped(x0: f32): f32 {
  let x = min<f32>(max<f32>(x0, EXP_LO), EXP_HI);
  // n = round(x·log2 e) by the 1.5·2^23 trick (the vector body's way: no float-to-int conversion)
  const k = x * LOG2E + ROUNDER;
  const fx = k - ROUNDER;
  x = x - fx * C1;
  x = x - fx * C2;
  const z = x * x;
  let y = P0;
  y = y * x + P1;
  y = y * x + P2;
  y = y * x + P3;
  y = y * x + P4;
  y = y * x + P5;
  y = y * z + x + 1.0;
  // 2^n in two halves: n reaches 128 just below the overflow threshold, past f32's exponent range
  const n = reinterpret<i32>(k) - ROUNDER_BITS;
  const n1 = n >> 1;
  return y * reinterpret<f32>((n1 + 127) << 23) * reinterpret<f32>((n - n1 + 127) << 23);
}

// @ts-ignore: decorator
@inline const SQRTHF: f32 = 0.707106781186547524;
// @ts-ignore: decorator
@inline const L0: f32 = 7.0376836292e-2;
// @ts-ignore: decorator
@inline const L1: f32 = -1.1514610310e-1;
// @ts-ignore: decorator
@inline const L2: f32 = 1.1676998740e-1;
// @ts-ignore: decorator
@inline const L3: f32 = -1.2420140846e-1;
// @ts-ignore: decorator
@inline const L4: f32 = 1.4249322787e-1;
// @ts-ignore: decorator
@inline const L5: f32 = -1.6668057665e-1;
// @ts-ignore: decorator
@inline const L6: f32 = 2.0000714765e-1;
// @ts-ignore: decorator
@inline const L7: f32 = -2.4999993993e-1;
// @ts-ignore: decorator
@inline const L8: f32 = 3.3333331174e-1;

/** Natural log of one f32, the same arithmetic as vlog lane by lane. */
// @ts-ignore: decorator
@inline export function logf(x0: f32): f32 {
  if (!(x0 > 0)) return x0 == 0 ? -Infinity : NaN;
  if (x0 == Infinity) return x0;
  let bits = reinterpret<i32>(x0);
  let e = <f32>((bits >>> 23) - 126);
  // subnormals: scale into the normal range first
  if ((bits >>> 23) == 0) {
    bits = reinterpret<i32>(x0 * 16777216.0); // 2^24
    e = <f32>((bits >>> 23) - 126 - 24);
  }
  let x = reinterpret<f32>((bits & 0x807fffff) | 0x3f000000); // mantissa in [0.5, 1)
  if (x < SQRTHF) {
    e -= 1;
    x = x + x - 1.0;
  } else {
    x = x - 1.0;
  }
  const z = x * x;
  let y = L0;
  y = y * x + L1;
  y = y * x + L2;
  y = y * x + L3;
  y = y * x + L4;
  y = y * x + L5;
  y = y * x + L6;
  y = y * x + L7;
  y = y * x + L8;
  y = y * x * z;
  y += e * C2;
  y += -0.5 * z;
  return x + y + e * C1;
}

// e^x for lanes already clamped into [EXP_LO, EXP_HI]: Cody-Waite reduction, the Cephes
// polynomial, and 2^n applied in two halves (n reaches 128 just below the overflow threshold).
// @ts-ignore: decorator
@inline function vexpClamped(x0: v128, table: bool = false): v128 {
  let x = x0;
  const k = f32x4.add(f32x4.mul(x, kf(table, 0, LOG2E)), kf(table, 1, ROUNDER));
  const fx = f32x4.sub(k, kf(table, 1, ROUNDER));
  x = f32x4.sub(x, f32x4.mul(fx, kf(table, 2, C1)));
  x = f32x4.sub(x, f32x4.mul(fx, kf(table, 3, C2)));
  const z = f32x4.mul(x, x);
  let y = kf(table, 4, P0);
  y = f32x4.add(f32x4.mul(y, x), kf(table, 5, P1));
  y = f32x4.add(f32x4.mul(y, x), kf(table, 6, P2));
  y = f32x4.add(f32x4.mul(y, x), kf(table, 7, P3));
  y = f32x4.add(f32x4.mul(y, x), kf(table, 8, P4));
  y = f32x4.add(f32x4.mul(y, x), kf(table, 9, P5));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), kf(table, 10, 1.0));
  const n = i32x4.sub(k, ki(table, 0, ROUNDER_BITS));
  const n1 = i32x4.shr_s(n, 1);
  const bias = ki(table, 1, 127);
  return f32x4.mul(f32x4.mul(y, i32x4.shl(i32x4.add(n1, bias), 23)), i32x4.shl(i32x4.add(i32x4.sub(n, n1), bias), 23));
}

/** e^x on four lanes (see the error bound at the top of the file). */
// @ts-ignore: decorator
@inline export function vexp(x0: v128, table: bool = false): v128 {
  // pmax/pmin (one instruction each, where min/max need several for their NaN and -0 rules) keep a
  // NaN lane NaN here: x0 is the first operand
  let r = vexpClamped(f32x4.pmin(f32x4.pmax(x0, kf(table, 19, EXP_LO)), kf(table, 16, EXP_HI)), table);
  r = v128.bitselect(kf(table, 20, Infinity), r, f32x4.gt(x0, kf(table, 16, OVERFLOW)));
  r = v128.bitselect(f32x4.splat(0), r, f32x4.lt(x0, kf(table, 19, EXP_LO)));
  // NaN in, NaN out
  return v128.bitselect(x0, r, f32x4.ne(x0, x0));
}

/** Natural log on four lanes; every lane outside the normal positive range takes the scalar path. */
// @ts-ignore: decorator
@inline export function vlog(x0: v128): v128 {
  const bits = x0;
  const e0 = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  let x = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(x, f32x4.splat(SQRTHF));
  const e = f32x4.sub(e0, v128.and(small, f32x4.splat(1.0)));
  x = f32x4.sub(f32x4.add(x, v128.and(small, x)), f32x4.splat(1.0));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(L0);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L4));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L5));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L6));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L7));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(L8));
  y = f32x4.mul(f32x4.mul(y, x), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(C2)));
  y = f32x4.add(y, f32x4.mul(z, f32x4.splat(-0.5)));
  return f32x4.add(f32x4.add(x, y), f32x4.mul(e, f32x4.splat(C1)));
}

/** True when every lane is a normal, finite, positive float (vlog's domain). */
// @ts-ignore: decorator
@inline export function vlogSafe(x: v128): bool {
  const ok = v128.and(f32x4.ge(x, f32x4.splat(1.17549435e-38)), f32x4.lt(x, f32x4.splat(Infinity)));
  return i32x4.all_true(ok);
}

// The logistic sigmoid 1 / (1 + e^-x) on e^-x with -x clamped into exp's range and none of its
// overflow selects: past the clamps, 1 / (1 + e^-x) is already 1, or within 3e-39 of the true value
// (x < -88.7, where it used to be exactly 0); a NaN stays NaN.
// @ts-ignore: decorator
@inline export function sigmoidf(x: f32): f32 {
  return 1.0 / (1.0 + expfClamped(-x));
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128, table: bool = false): v128 {
  const one = kf(table, 10, 1.0);
  const e = vexpClamped(f32x4.pmin(f32x4.pmax(f32x4.neg(x), kf(table, 19, EXP_LO)), kf(table, 16, EXP_HI)), table);
  return f32x4.div(one, f32x4.add(one, e));
}

// Gate activations of the recurrent cells: the logistic sigmoid, or (hard) Keras 2 / tfjs's hard
// sigmoid clip(0.2x + 0.5, 0, 1). Their derivatives from the activation a alone: a(1 - a), or
// 0.2 where 0 < a < 1 and 0 where the hard sigmoid is clipped.
// The gates' sigmoid is 0.5 + 0.5·tanh(x/2) on the rational tanh below (no exp, one division:
// a GRU training step (W4) 2.3 % faster than with the exp form): absolute error <= 1.3e-7, results in
// [0, 1], exactly 0 and 1 past |x| = 18. A gate only ever scales other values, so its absolute error is what counts; the
// sigmoid op itself (sigmoidf / vsigmoid: sigmoid_forward) keeps the exp form, whose tiny values
// keep their relative precision.
// @ts-ignore: decorator
@inline export function gatef(x: f32, hard: bool): f32 {
  return hard ? min<f32>(max<f32>(<f32>0.2 * x + <f32>0.5, 0), 1) : tanhf(x * <f32>0.5) * <f32>0.5 + <f32>0.5;
}

// @ts-ignore: decorator
@inline export function vgate(x: v128, hard: bool): v128 {
  if (!hard) {
    const half = f32x4.splat(0.5);
    return f32x4.add(f32x4.mul(vtanh(f32x4.mul(x, half)), half), half);
  }
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.pmin(f32x4.pmax(y, f32x4.splat(0)), f32x4.splat(1)); // NaN stays NaN (first operand)
}

// @ts-ignore: decorator
@inline export function gateGradf(a: f32, hard: bool): f32 {
  return hard ? (a > 0 && a < 1 ? <f32>0.2 : 0) : a * (1 - a);
}

// @ts-ignore: decorator
@inline export function vgateGrad(a: v128, hard: bool): v128 {
  if (!hard) return f32x4.mul(a, f32x4.sub(f32x4.splat(1.0), a));
  return v128.and(f32x4.splat(0.2), v128.and(f32x4.gt(a, f32x4.splat(0)), f32x4.lt(a, f32x4.splat(1))));
}

// tanh(x) = sign(x)·2u/(1 + u²) with u = tanh(|x|/2) from the rational y·P(y²)/Q(y²), y = |x|/2
// clamped to 4.5, fitted to tanh on [0, 4.5] by iterated weighted least squares (scripts/fit-tanh.py):
// tanh = 2y·P·Q / (Q² + y²P²), one division. The doubling damps the rational's rounding errors as
// u nears 1 (those of P and Q cancel between the numerator and the denominator), which a direct
// rational on [0, 9] does not (3.4e-7 in float32 against 1.9e-7 here). Absolute error vs Math.tanh
// <= 2e-7 over the whole line, relative <= 1.1e-7 near 0 (the value is x·P/Q there: no cancelling);
// |x| >= 9 gives exactly ±1 and |tanh| never exceeds 1; NaN stays NaN. All additions and products in
// the same order in tanhf and vtanh: the same bits on every lane and on the scalar tail. About half
// the operations of the form it replaced (a polynomial below 0.625 and 1 - 2/(e^2|x| + 1) above,
// both computed on every lane).
// @ts-ignore: decorator
@inline const TP1: f32 = 0.12595120072364807;
// @ts-ignore: decorator
@inline const TP2: f32 = 0.002556493040174246;
// @ts-ignore: decorator
@inline const TP3: f32 = 5.489437171490863e-6;
// @ts-ignore: decorator
@inline const TQ1: f32 = 0.45928430557250977;
// @ts-ignore: decorator
@inline const TQ2: f32 = 0.02231837995350361;
// @ts-ignore: decorator
@inline const TQ3: f32 = 0.00017493221093900502;
// @ts-ignore: decorator
@inline const TANH_CLAMP: f32 = 9.0;

// @ts-ignore: decorator
@inline export function tanhf(x: f32): f32 {
  let a = abs<f32>(x);
  a = TANH_CLAMP < a ? TANH_CLAMP : a; // vtanh's pmin: NaN stays NaN
  const y = a * <f32>0.5;
  const s = y * y;
  let p = TP3;
  p = p * s + TP2;
  p = p * s + TP1;
  p = p * s + <f32>1.0;
  let q = TQ3;
  q = q * s + TQ2;
  q = q * s + TQ1;
  q = q * s + <f32>1.0;
  const u = y * p; // tanh(y) = u / q
  let r = ((u + u) * q) / (q * q + u * u);
  r = <f32>1.0 < r ? <f32>1.0 : r;
  return copysign<f32>(r, x);
}

// @ts-ignore: decorator
@inline export function vtanh(x: v128, table: bool = false): v128 {
  const one = kf(table, 10, 1.0);
  const y = f32x4.mul(f32x4.pmin(f32x4.abs(x), kf(table, 18, TANH_CLAMP)), kf(table, 17, 0.5));
  const s = f32x4.mul(y, y);
  let p = kf(table, 11, TP3);
  p = f32x4.add(f32x4.mul(p, s), kf(table, 12, TP2));
  p = f32x4.add(f32x4.mul(p, s), kf(table, 13, TP1));
  p = f32x4.add(f32x4.mul(p, s), one);
  let q = kf(table, 14, TQ3);
  q = f32x4.add(f32x4.mul(q, s), kf(table, 15, TQ2));
  q = f32x4.add(f32x4.mul(q, s), kf(table, 21, TQ1));
  q = f32x4.add(f32x4.mul(q, s), one);
  const u = f32x4.mul(y, p);
  const r = f32x4.pmin(f32x4.div(f32x4.mul(f32x4.add(u, u), q), f32x4.add(f32x4.mul(q, q), f32x4.mul(u, u))), one);
  return v128.or(r, v128.and(x, ki(table, 2, 0x80000000)));
}

// The constants of vexpClamped, vexp, vexpNonPos, vsigmoid and vtanh, four lanes each, for a kernel that passes table = true:
// loaded from here where they are used instead of built from immediates. V8 hoists a v128.const
// out of some loops and not others; where it does not, each use costs about four instructions and
// a load one (the additive attention scores' tanh loop: W9 additive 10.0-10.8 -> 9.0 ms); where it
// does, the loads cost (the LSTM gate kernel 5 % slower with them), so the default stays.
// kf(table, i, c): entry i of VF (c's value) or the constant itself. The same values, the same results.
const VF: usize = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E, ROUNDER, ROUNDER, ROUNDER, ROUNDER, C1, C1, C1, C1, C2, C2, C2, C2,
  P0, P0, P0, P0, P1, P1, P1, P1, P2, P2, P2, P2, P3, P3, P3, P3, P4, P4, P4, P4, P5, P5, P5, P5,
  1.0, 1.0, 1.0, 1.0, TP3, TP3, TP3, TP3, TP2, TP2, TP2, TP2, TP1, TP1, TP1, TP1, TQ3, TQ3, TQ3, TQ3, TQ2, TQ2, TQ2, TQ2,
  EXP_HI, EXP_HI, EXP_HI, EXP_HI, 0.5, 0.5, 0.5, 0.5, TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, EXP_LO, EXP_LO, EXP_LO, EXP_LO,
  Infinity, Infinity, Infinity, Infinity, TQ1, TQ1, TQ1, TQ1,
], 16);
const VI: usize = memory.data<i32>([ROUNDER_BITS, ROUNDER_BITS, ROUNDER_BITS, ROUNDER_BITS, 127, 127, 127, 127,
  <i32>0x80000000, <i32>0x80000000, <i32>0x80000000, <i32>0x80000000], 16);
// @ts-ignore: decorator
@inline function kf(table: bool, i: i32, c: f32): v128 {
  return table ? v128.load(VF + (<usize>i << 4)) : f32x4.splat(c);
}
// @ts-ignore: decorator
@inline function ki(table: bool, i: i32, c: i32): v128 {
  return table ? v128.load(VI + (<usize>i << 4)) : i32x4.splat(c);
}


/**
 * a·b + c on four lanes: one relaxed fused multiply-add in the relaxed-SIMD build (an engine may
 * fuse it or round twice, so results can differ in the last bit between engines), a multiply
 * and an add otherwise.
 */
// @ts-ignore: decorator
@inline export function vmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * e^x on four lanes for x <= 0 (log-sum-exp differences): vexp without its overflow and NaN
 * handling; x below -87.3 gives 0. Same error bound as vexp.
 */
// @ts-ignore: decorator
@inline export function vexpNonPos(x0: v128, table: bool = false): v128 {
  const r = vexpClamped(f32x4.pmax(x0, kf(table, 19, EXP_LO)), table);
  return v128.bitselect(f32x4.splat(0), r, f32x4.lt(x0, kf(table, 19, EXP_LO)));
}
