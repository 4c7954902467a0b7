// Batched products of small matrices: C[b] = A[b]·B[b] for b < batch, all row-major, A [n,k],
// B [k,m], C [n,m]. The packed GEMM pays for packing B; for the products of attention and the
// NTM's addressing (one query row against 30 keys, a 32×16 memory) packing costs more than the
// product, so this reads B in place: per row of C, 16 columns at a time in four accumulators,
// streaming the rows of B; then the rest in two passes (see rest()). (Eight accumulators for 32
// columns measured slower: [1×30]·[30×128] 3.9 -> 6.0 µs.)
import { vmadd } from './vmath';

export function bmm(c: usize, a: usize, b: usize, batch: i32, n: i32, k: i32, m: i32): void {
  const mb = <usize>m << 2;
  for (let bi = 0; bi < batch; bi++) {
    const A = a + <usize>bi * n * k * 4;
    const B = b + <usize>bi * k * mb;
    const C = c + <usize>bi * n * mb;
    for (let i = 0; i < n; i++) {
      const ar = A + <usize>i * k * 4;
      const cr = C + <usize>i * mb;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 16 <= m; j += 16) block16(cr + (<usize>j << 2), ar, B + (<usize>j << 2), k, mb);
        if (j < m) rest(cr, ar, B, k, mb, j, m);
        continue;
      }
      for (; j < m; j++) {
        let s: f32 = 0;
        let bp = B + (<usize>j << 2);
        for (let p = 0; p < k; p++) {
          s += load<f32>(ar + (<usize>p << 2)) * load<f32>(bp);
          bp += mb;
        }
        store<f32>(cr + (<usize>j << 2), s);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function block16(o: usize, ar: usize, bp0: usize, k: i32, mb: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let bp = bp0;
  for (let p = 0; p < k; p++) {
    const x = f32x4.splat(load<f32>(ar + (<usize>p << 2)));
    s0 = vmadd(x, v128.load(bp), s0);
    s1 = vmadd(x, v128.load(bp, 16), s1);
    s2 = vmadd(x, v128.load(bp, 32), s2);
    s3 = vmadd(x, v128.load(bp, 48), s3);
    bp += mb;
  }
  v128.store(o, s0);
  v128.store(o, s1, 16);
  v128.store(o, s2, 32);
  v128.store(o, s3, 48);
}

// The last columns j..m-1 of a row of C (fewer than 16): up to three 4-column groups in one pass
// over k and up to three single columns in another, each column or group with its own accumulator
// (a pass per group and per column waited on one chain at a time: [1×128]·[128×30] 10.4 -> 6.4 µs
// for 16 of them). A slot with no column of its own repeats its pass's first loads and is not stored.
// @ts-ignore: decorator
@inline function rest(cr: usize, ar: usize, B: usize, k: i32, mb: usize, j: i32, m: i32): void {
  const groups = (m - j) >> 2;
  const q = j + (groups << 2); // the first single column
  const singles = m - q;
  if (groups > 0) {
    const v0 = <usize>j << 2;
    const v1 = groups > 1 ? v0 + 16 : v0;
    const v2 = groups > 2 ? v0 + 32 : v0;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0);
    let bp = B;
    for (let p = 0; p < k; p++) {
      const x = f32x4.splat(load<f32>(ar + (<usize>p << 2)));
      s0 = vmadd(x, v128.load(bp + v0), s0);
      s1 = vmadd(x, v128.load(bp + v1), s1);
      s2 = vmadd(x, v128.load(bp + v2), s2);
      bp += mb;
    }
    v128.store(cr + v0, s0);
    if (groups > 1) v128.store(cr + v1, s1);
    if (groups > 2) v128.store(cr + v2, s2);
  }
  if (singles > 0) {
    const e0 = <usize>q << 2;
    const e1 = singles > 1 ? e0 + 4 : e0;
    const e2 = singles > 2 ? e0 + 8 : e0;
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0;
    let bp = B;
    for (let p = 0; p < k; p++) {
      const x = load<f32>(ar + (<usize>p << 2));
      t0 += x * load<f32>(bp + e0);
      t1 += x * load<f32>(bp + e1);
      t2 += x * load<f32>(bp + e2);
      bp += mb;
    }
    store<f32>(cr + e0, t0);
    if (singles > 1) store<f32>(cr + e1, t1);
    if (singles > 2) store<f32>(cr + e2, t2);
  }
}

// C[b] = A[b]·B[b]ᵀ for b < batch: A [n,k], B [m,k], C [n,m], row-major. Every entry of C is the
// dot product of two contiguous rows, so B is read in place without the transposed copy bmm
// would need (the gradient dC·Bᵀ of a batched product): eight lanes at a time in two
// accumulators, then four, then single ones — for four rows of B at once (four times the
// independent chains: one row at a time waited on its two), then for the rows left one by one.
// Each entry is summed in the same order either way.
export function bmm_nt(c: usize, a: usize, b: usize, batch: i32, n: i32, k: i32, m: i32): void {
  const kb = <usize>k << 2;
  for (let bi = 0; bi < batch; bi++) {
    const A = a + <usize>bi * n * kb;
    const B = b + <usize>bi * m * kb;
    const C = c + ((<usize>bi * n * m) << 2);
    for (let i = 0; i < n; i++) {
      const ar = A + <usize>i * kb;
      const cr = C + ((<usize>i * m) << 2);
      let j = 0;
      if (ASC_FEATURE_SIMD) for (; j + 4 <= m; j += 4) dot4(cr + (<usize>j << 2), ar, B + <usize>j * kb, k, kb);
      for (; j < m; j++) store<f32>(cr + (<usize>j << 2), dot(ar, B + <usize>j * kb, k));
    }
  }
}

// the lanes of v summed as bmm_nt always has: 0 + 1 + 2 + 3
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline function dot(ar: usize, br: usize, k: i32): f32 {
  let s: f32 = 0;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
    for (; p + 8 <= k; p += 8) {
      const o = <usize>p << 2;
      s0 = vmadd(v128.load(ar + o), v128.load(br + o), s0);
      s1 = vmadd(v128.load(ar + o, 16), v128.load(br + o, 16), s1);
    }
    for (; p + 4 <= k; p += 4) {
      const o = <usize>p << 2;
      s0 = vmadd(v128.load(ar + o), v128.load(br + o), s0);
    }
    s = hsum(f32x4.add(s0, s1));
  }
  for (; p < k; p++) s += load<f32>(ar + (<usize>p << 2)) * load<f32>(br + (<usize>p << 2));
  return s;
}

// dot() of row ar with four consecutive rows of B (kb bytes apart), stored at o..o+3
// @ts-ignore: decorator
@inline function dot4(o: usize, ar: usize, b0: usize, k: i32, kb: usize): void {
  const b1 = b0 + kb;
  const b2 = b1 + kb;
  const b3 = b2 + kb;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), e0 = f32x4.splat(0), e1 = f32x4.splat(0);
  let p = 0;
  for (; p + 8 <= k; p += 8) {
    const q = <usize>p << 2;
    const x0 = v128.load(ar + q);
    const x1 = v128.load(ar + q, 16);
    a0 = vmadd(x0, v128.load(b0 + q), a0);
    a1 = vmadd(x1, v128.load(b0 + q, 16), a1);
    c0 = vmadd(x0, v128.load(b1 + q), c0);
    c1 = vmadd(x1, v128.load(b1 + q, 16), c1);
    d0 = vmadd(x0, v128.load(b2 + q), d0);
    d1 = vmadd(x1, v128.load(b2 + q, 16), d1);
    e0 = vmadd(x0, v128.load(b3 + q), e0);
    e1 = vmadd(x1, v128.load(b3 + q, 16), e1);
  }
  for (; p + 4 <= k; p += 4) {
    const q = <usize>p << 2;
    const x0 = v128.load(ar + q);
    a0 = vmadd(x0, v128.load(b0 + q), a0);
    c0 = vmadd(x0, v128.load(b1 + q), c0);
    d0 = vmadd(x0, v128.load(b2 + q), d0);
    e0 = vmadd(x0, v128.load(b3 + q), e0);
  }
  let s0 = hsum(f32x4.add(a0, a1));
  let s1 = hsum(f32x4.add(c0, c1));
  let s2 = hsum(f32x4.add(d0, d1));
  let s3 = hsum(f32x4.add(e0, e1));
  for (; p < k; p++) {
    const q = <usize>p << 2;
    const x = load<f32>(ar + q);
    s0 += x * load<f32>(b0 + q);
    s1 += x * load<f32>(b1 + q);
    s2 += x * load<f32>(b2 + q);
    s3 += x * load<f32>(b3 + q);
  }
  store<f32>(o, s0);
  store<f32>(o, s1, 4);
  store<f32>(o, s2, 8);
  store<f32>(o, s3, 12);
}
