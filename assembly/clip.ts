// Gradient clipping. By value: clamp every element into [lo, hi]. By norm: the caller sums
// sum_squares over all gradients, then scales each with scale_forward (elementwise.ts).
export function clip_value(x: usize, lo: f32, hi: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(x + o, f32x4.min(f32x4.max(v128.load(x + o), vlo), vhi));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, min<f32>(max<f32>(load<f32>(x + o), lo), hi));
  }
}
