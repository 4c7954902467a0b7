import { transpose4x4 } from './transpose';
import { vmadd } from './vmath';

// f32 GEMM: C[M,N] (+)= A·packedB (+ bias[N]). B is first packed into panels of 8 columns
// ([⌈N/8⌉, K, 8], zero-padded) so the 4×8 register tile streams it contiguously; A is read through
// two strides. The three forms backprop needs (A·B, A·Bᵀ, Aᵀ·B) are composed from these in
// src/backend/gemm.ts, which packs B (transposed or not) and, for Aᵀ·B, transposes A first: read
// through its column stride, A touches a new cache line every k (10 GFLOP/s at the weight-gradient
// shapes, 26-28 after the copy). A caller that reuses B (the recurrent weight over T steps) packs
// it once and calls gemm_packed per step; gemm_packed_panels lets threads share one product.

// packed [⌈N/8⌉, K, 8] <- B [K,N] (transposed = false) or Bᵀ where B is [N,K] (transposed = true).
// Full panels move as vectors: two 4-float copies per k, or, transposed, 4×4 register transposes
// of four consecutive k from each of the panel's 8 source rows (sequential reads either way).
export function gemm_pack(packed: usize, b: usize, k: i32, n: i32, transposed: bool): void {
  const panels = (n + 7) >> 3;
  for (let p = 0; p < panels; p++) {
    const j0 = p << 3;
    const w = min(8, n - j0);
    const q = packed + ((<usize>p * k) << 5);
    let kk = 0;
    if (ASC_FEATURE_SIMD) {
      if (w == 8) {
        if (!transposed) {
          for (; kk < k; kk++) {
            const src = b + ((<usize>kk * n + j0) << 2);
            v128.store(q + (<usize>kk << 5), v128.load(src));
            v128.store(q + (<usize>kk << 5) + 16, v128.load(src, 16));
          }
        } else {
          const rs = <usize>k << 2;
          for (; kk + 4 <= k; kk += 4) {
            const r0 = b + ((<usize>j0 * k + kk) << 2);
            // rows j0..j0+3 fill lanes 0-3 of four packed k-rows, rows j0+4..j0+7 lanes 4-7
            transpose4x4(q + (<usize>kk << 5), 32, r0, rs);
            transpose4x4(q + (<usize>kk << 5) + 16, 32, r0 + 4 * rs, rs);
          }
        }
      }
    }
    for (; kk < k; kk++) {
      for (let c = 0; c < 8; c++) {
        let v: f32 = 0;
        if (c < w) {
          const j = j0 + c;
          v = transposed ? load<f32>(b + ((<usize>j * k + kk) << 2)) : load<f32>(b + ((<usize>kk * n + j) << 2));
        }
        store<f32>(q + (<usize>kk << 5) + (<usize>c << 2), v);
      }
    }
  }
}

// Writes one 8-wide row fragment (v0 lanes 0-3, v1 lanes 4-7) of which the first w are real.
// @ts-ignore: decorator
@inline function storeRow(cp: usize, v0: v128, v1: v128, w: i32, bias: usize, accumulate: bool): void {
  if (w == 8) {
    if (bias) {
      v0 = f32x4.add(v0, v128.load(bias));
      v1 = f32x4.add(v1, v128.load(bias + 16));
    }
    if (accumulate) {
      v0 = f32x4.add(v0, v128.load(cp));
      v1 = f32x4.add(v1, v128.load(cp + 16));
    }
    v128.store(cp, v0);
    v128.store(cp + 16, v1);
    return;
  }
  storeLane(cp, f32x4.extract_lane(v0, 0), 0, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v0, 1), 1, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v0, 2), 2, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v0, 3), 3, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v1, 0), 4, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v1, 1), 5, w, bias, accumulate);
  storeLane(cp, f32x4.extract_lane(v1, 2), 6, w, bias, accumulate);
}

// @ts-ignore: decorator
@inline function storeLane(cp: usize, v: f32, lane: i32, w: i32, bias: usize, accumulate: bool): void {
  if (lane >= w) return;
  const o = <usize>lane << 2;
  if (bias) v += load<f32>(bias + o);
  if (accumulate) v += load<f32>(cp + o);
  store<f32>(cp + o, v);
}

// C [M,N] (+)= A·packedB (+ bias). Element A(i,kk) is at a + 4·(i·ars + kk·acs); row i of C
// starts at c + 4·i·ldc, so C can be a column block of a wider matrix.
export function gemm_packed(
  c: usize, a: usize, ars: i32, acs: i32, packed: usize, bias: usize,
  m: i32, k: i32, n: i32, accumulate: bool, ldc: i32,
): void {
  gemm_packed_panels(c, a, ars, acs, packed, bias, m, k, n, accumulate, ldc, 0, (n + 7) >> 3);
}

// One 4×8 tile of C at cp (rows ldcb bytes apart) from four rows of A (the first at ap, rows rs
// bytes apart, columns cs) and one packed panel bp: eight accumulators, one B row load per k.
// @ts-ignore: decorator
@inline function tile4x8(cp: usize, ldcb: usize, ap: usize, rs: usize, cs: usize, bp: usize, k: i32, w: i32, bias: usize, accumulate: bool): void {
  let a0 = ap;
  let a1 = a0 + rs;
  let a2 = a1 + rs;
  let a3 = a2 + rs;
  let pb = bp;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let kk = 0; kk < k; kk++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(a0);
    const x1 = v128.load32_splat(a1);
    const x2 = v128.load32_splat(a2);
    const x3 = v128.load32_splat(a3);
    c00 = vmadd(x0, b0, c00);
    c01 = vmadd(x0, b1, c01);
    c10 = vmadd(x1, b0, c10);
    c11 = vmadd(x1, b1, c11);
    c20 = vmadd(x2, b0, c20);
    c21 = vmadd(x2, b1, c21);
    c30 = vmadd(x3, b0, c30);
    c31 = vmadd(x3, b1, c31);
    a0 += cs; a1 += cs; a2 += cs; a3 += cs;
    pb += 32;
  }
  storeRow(cp, c00, c01, w, bias, accumulate);
  storeRow(cp + ldcb, c10, c11, w, bias, accumulate);
  storeRow(cp + 2 * ldcb, c20, c21, w, bias, accumulate);
  storeRow(cp + 3 * ldcb, c30, c31, w, bias, accumulate);
}

// One 1×8 row of C (the rows past the last full tile; the whole product when M = 1): three
// independent accumulator pairs, three k a pass. This matrix-vector case is bound by the latency
// of its accumulating adds, not by reading B (the same rate with B in L1 as in L3).
// @ts-ignore: decorator
@inline function row1x8(cp: usize, ap: usize, cs: usize, bp: usize, k: i32, w: i32, bias: usize, accumulate: bool): void {
  let a0 = ap;
  let pb = bp;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let d00 = f32x4.splat(0), d01 = f32x4.splat(0);
  let e00 = f32x4.splat(0), e01 = f32x4.splat(0);
  let kk = 0;
  for (; kk + 3 <= k; kk += 3) {
    const x0 = v128.load32_splat(a0);
    c00 = vmadd(x0, v128.load(pb), c00);
    c01 = vmadd(x0, v128.load(pb, 16), c01);
    const x1 = v128.load32_splat(a0 + cs);
    d00 = vmadd(x1, v128.load(pb, 32), d00);
    d01 = vmadd(x1, v128.load(pb, 48), d01);
    const x2 = v128.load32_splat(a0 + 2 * cs);
    e00 = vmadd(x2, v128.load(pb, 64), e00);
    e01 = vmadd(x2, v128.load(pb, 80), e01);
    a0 += 3 * cs;
    pb += 96;
  }
  for (; kk < k; kk++) {
    const x0 = v128.load32_splat(a0);
    c00 = vmadd(x0, v128.load(pb), c00);
    c01 = vmadd(x0, v128.load(pb, 16), c01);
    a0 += cs;
    pb += 32;
  }
  storeRow(cp, f32x4.add(f32x4.add(c00, d00), e00), f32x4.add(f32x4.add(c01, d01), e01), w, bias, accumulate);
}

// The scalar build's 1×8 row: eight scalar accumulators.
// @ts-ignore: decorator
@inline function rowScalar(cp: usize, ap: usize, cs: usize, bp: usize, k: i32, w: i32, bias: usize, accumulate: bool): void {
  let a0 = ap;
  let pb = bp;
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let s4: f32 = 0, s5: f32 = 0, s6: f32 = 0, s7: f32 = 0;
  for (let kk = 0; kk < k; kk++) {
    const x = load<f32>(a0);
    s0 += x * load<f32>(pb);
    s1 += x * load<f32>(pb, 4);
    s2 += x * load<f32>(pb, 8);
    s3 += x * load<f32>(pb, 12);
    s4 += x * load<f32>(pb, 16);
    s5 += x * load<f32>(pb, 20);
    s6 += x * load<f32>(pb, 24);
    s7 += x * load<f32>(pb, 28);
    a0 += cs;
    pb += 32;
  }
  storeLane(cp, s0, 0, w, bias, accumulate);
  storeLane(cp, s1, 1, w, bias, accumulate);
  storeLane(cp, s2, 2, w, bias, accumulate);
  storeLane(cp, s3, 3, w, bias, accumulate);
  storeLane(cp, s4, 4, w, bias, accumulate);
  storeLane(cp, s5, 5, w, bias, accumulate);
  storeLane(cp, s6, 6, w, bias, accumulate);
  storeLane(cp, s7, 7, w, bias, accumulate);
}

// Rows of A per block (a multiple of the 4-row tile).
// @ts-ignore: decorator
@inline const MC: i32 = 48;

// gemm_packed restricted to the 8-column panels p0..p1-1: the unit of work a second thread takes.
export function gemm_packed_panels(
  c: usize, a: usize, ars: i32, acs: i32, packed: usize, bias: usize,
  m: i32, k: i32, n: i32, accumulate: bool, ldc: i32, p0: i32, p1: i32,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcb = <usize>ldc << 2;
  const panels = min(p1, (n + 7) >> 3);
  const rs = <usize>ars << 2;
  const cs = <usize>acs << 2;
  const panelBytes = <usize>k << 5;
  // blocks of MC rows: each block of A stays in cache while every panel of B passes over it
  for (let i0 = 0; i0 < m; i0 += MC) {
    const i1 = min(i0 + MC, m);
    for (let p = p0; p < panels; p++) {
      const j0 = p << 3;
      const w = min(8, n - j0);
      const bp = packed + <usize>p * panelBytes;
      const biasp: usize = bias ? bias + (<usize>j0 << 2) : 0;
      const cp = c + (<usize>j0 << 2);
      if (ASC_FEATURE_SIMD) {
        let i = i0;
        for (; i + 4 <= i1; i += 4) tile4x8(cp + <usize>i * ldcb, ldcb, a + <usize>i * rs, rs, cs, bp, k, w, biasp, accumulate);
        for (; i < i1; i++) row1x8(cp + <usize>i * ldcb, a + <usize>i * rs, cs, bp, k, w, biasp, accumulate);
      } else {
        for (let i = i0; i < i1; i++) rowScalar(cp + <usize>i * ldcb, a + <usize>i * rs, cs, bp, k, w, biasp, accumulate);
      }
    }
  }
}

// Units per claim after a thread's first run: enough work (~2^18 multiply-adds) that a claim's
// atomic costs nothing beside it, few enough that the last claims even out the threads' finish.
// @ts-ignore: decorator
@inline function claimUnits(rows: i32, k: i32): i32 {
  return max(1, (1 << 18) / max(1, rows * k * 8));
}

// The units u0..u1-1 of a product: 8-column panels over all m rows, or (byBlocks) a panel over
// one block of MC rows, numbered block by block (u = block·panels + panel).
function gemmUnits(
  c: usize, a: usize, ars: i32, acs: i32, packed: usize, bias: usize,
  m: i32, k: i32, n: i32, accumulate: bool, ldc: i32, u0: i32, u1: i32, byBlocks: bool,
): void {
  if (!byBlocks) {
    gemm_packed_panels(c, a, ars, acs, packed, bias, m, k, n, accumulate, ldc, u0, u1);
    return;
  }
  const panels = (n + 7) >> 3;
  while (u0 < u1) {
    const blk = u0 / panels;
    const p0 = u0 - blk * panels;
    const p1 = min(panels, p0 + (u1 - u0));
    const i0 = blk * MC;
    const ci = c + ((<usize>i0 * ldc) << 2);
    const ai = a + ((<usize>i0 * ars) << 2);
    gemm_packed_panels(ci, ai, ars, acs, packed, bias, min(MC, m - i0), k, n, accumulate, ldc, p0, p1);
    u0 += p1 - p0;
  }
}

// gemm_packed shared between threads that claim runs of its units as they go, so a thread that
// runs slower (a busier core, a colder cache) takes fewer instead of making the others wait. The
// units are 8-column panels, or for a product of few panels and many rows (a weight gradient,
// whose panels are each a large piece of work) a panel over a block of MC rows. `claims` holds a
// 64-bit word per thread, 64 bytes apart: front | back << 32, the units it owns (set by the
// caller). `who` = this thread's index | the thread count << 8 | byBlocks << 16. Each thread first
// takes most of its own units in one run (the same ones every call, so they stay in its core's
// cache), then small runs from its front, and when it has none left, small runs from the back of
// another thread's.
export function gemm_packed_claim(
  c: usize, a: usize, ars: i32, acs: i32, packed: usize, bias: usize,
  m: i32, k: i32, n: i32, accumulate: bool, ldc: i32, claims: usize, who: i32,
): void {
  if (!ASC_FEATURE_THREADS) {
    gemm_packed(c, a, ars, acs, packed, bias, m, k, n, accumulate, ldc);
    return;
  }
  const self = who & 0xff;
  const threads = (who >>> 8) & 0xff;
  const byBlocks = (who >>> 16) != 0;
  const step = claimUnits(byBlocks ? min(m, MC) : m, k);
  const own = claims + (<usize>self << 6);
  let first = true;
  for (;;) {
    const old = atomic.load<i64>(own);
    const f = <i32>old;
    const b = <i32>(old >>> 32);
    if (f < b) {
      const left = b - f;
      const q = first ? max(min(step, left), left - (left >> 2)) : min(step, left);
      if (atomic.cmpxchg<i64>(own, old, <i64><u32>(f + q) | (<i64>b << 32)) == old) {
        gemmUnits(c, a, ars, acs, packed, bias, m, k, n, accumulate, ldc, f, f + q, byBlocks);
        first = false;
      }
      continue;
    }
    // nothing left of our own: take from the back of another thread's units
    let stole = false;
    for (let j = 1; j < threads; j++) {
      const other = claims + (<usize>((self + j) % threads) << 6);
      const o = atomic.load<i64>(other);
      const lo = <i32>o;
      const hi = <i32>(o >>> 32);
      if (lo >= hi) continue;
      const q = min(step, hi - lo);
      if (atomic.cmpxchg<i64>(other, o, <i64><u32>lo | (<i64>(hi - q) << 32)) == o) {
        gemmUnits(c, a, ars, acs, packed, bias, m, k, n, accumulate, ldc, hi - q, hi, byBlocks);
      }
      stole = true; // taken, or lost to another thread: look again
      break;
    }
    if (!stole) return;
  }
}
