// Reductions. Whole-array sums accumulate in f64 (two f64x2 lanes pairs), so a sum over a
// million float32 values keeps float32 precision in its result.

export function sum(x: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
    const t = f64x2.add(lo, hi);
    s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

export function sum_squares(x: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const a = f64x2.promote_low_f32x4(v);
      const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      lo = f64x2.add(lo, f64x2.mul(a, a));
      hi = f64x2.add(hi, f64x2.mul(b, b));
    }
    const t = f64x2.add(lo, hi);
    s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  return s;
}

// x viewed as [outer, n, inner]:  out [outer, inner] += Σ_i x[o, i, :]
export function sum_axis_forward(out: usize, x: usize, outer: i32, n: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const orow = out + <usize>o * innerBytes;
    for (let i = 0; i < n; i++) {
      const xr = x + (<usize>o * n + i) * innerBytes;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= inner; j += 4) {
          const q = <usize>j << 2;
          v128.store(orow + q, f32x4.add(v128.load(orow + q), v128.load(xr + q)));
        }
      }
      for (; j < inner; j++) {
        const q = <usize>j << 2;
        store<f32>(orow + q, load<f32>(orow + q) + load<f32>(xr + q));
      }
    }
  }
}

// dinp [outer, n, inner] += dout [outer, inner] broadcast along n
export function sum_axis_backward(dinp: usize, dout: usize, outer: i32, n: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const grow = dout + <usize>o * innerBytes;
    for (let i = 0; i < n; i++) {
      const dr = dinp + (<usize>o * n + i) * innerBytes;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= inner; j += 4) {
          const q = <usize>j << 2;
          v128.store(dr + q, f32x4.add(v128.load(dr + q), v128.load(grow + q)));
        }
      }
      for (; j < inner; j++) {
        const q = <usize>j << 2;
        store<f32>(dr + q, load<f32>(dr + q) + load<f32>(grow + q));
      }
    }
  }
}
