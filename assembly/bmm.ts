// Batched products of small matrices: C[b] = A[b]·B[b] for b < batch, all row-major, A [n,k],
// B [k,m], C [n,m]. The packed GEMM pays for packing B; for the products of attention and the
// NTM's addressing (one query row against 30 keys, a 32×16 memory) packing costs more than the
// product, so this reads B in place: per row of C, 16 columns at a time in four accumulators,
// streaming the rows of B; then 4 columns, then single ones.
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
        for (; j + 16 <= m; j += 16) {
          let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
          let bp = B + (<usize>j << 2);
          for (let p = 0; p < k; p++) {
            const x = f32x4.splat(load<f32>(ar + (<usize>p << 2)));
            s0 = vmadd(x, v128.load(bp), s0);
            s1 = vmadd(x, v128.load(bp, 16), s1);
            s2 = vmadd(x, v128.load(bp, 32), s2);
            s3 = vmadd(x, v128.load(bp, 48), s3);
            bp += mb;
          }
          const o = cr + (<usize>j << 2);
          v128.store(o, s0);
          v128.store(o, s1, 16);
          v128.store(o, s2, 32);
          v128.store(o, s3, 48);
        }
        for (; j + 4 <= m; j += 4) {
          let s0 = f32x4.splat(0);
          let bp = B + (<usize>j << 2);
          for (let p = 0; p < k; p++) {
            s0 = vmadd(f32x4.splat(load<f32>(ar + (<usize>p << 2))), v128.load(bp), s0);
            bp += mb;
          }
          v128.store(cr + (<usize>j << 2), s0);
        }
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

// C[b] = A[b]·B[b]ᵀ for b < batch: A [n,k], B [m,k], C [n,m], row-major. Every entry of C is the
// dot product of two contiguous rows, so B is read in place without the transposed copy bmm
// would need (the gradient dC·Bᵀ of a batched product); eight lanes at a time in two
// accumulators, then single ones.
export function bmm_nt(c: usize, a: usize, b: usize, batch: i32, n: i32, k: i32, m: i32): void {
  const kb = <usize>k << 2;
  for (let bi = 0; bi < batch; bi++) {
    const A = a + <usize>bi * n * kb;
    const B = b + <usize>bi * m * kb;
    const C = c + ((<usize>bi * n * m) << 2);
    for (let i = 0; i < n; i++) {
      const ar = A + <usize>i * kb;
      for (let j = 0; j < m; j++) {
        const br = B + <usize>j * kb;
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
          const t = f32x4.add(s0, s1);
          s = f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
        }
        for (; p < k; p++) s += load<f32>(ar + (<usize>p << 2)) * load<f32>(br + (<usize>p << 2));
        store<f32>(C + ((<usize>i * m + j) << 2), s);
      }
    }
  }
}
