// Same-shape elementwise arithmetic: [n] ⊙ [n] -> [n]. Broadcasting is resolved by the op
// (src/ops/arithmetic.ts) before it calls these. Backward kernels accumulate.

export function add_forward(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

export function sub_forward(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.sub(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) - load<f32>(b + o));
  }
}

export function mul_forward(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

// dinp += dout * other: the gradient of a ⊙ b with respect to one factor.
export function mul_backward(dinp: usize, dout: usize, other: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.mul(v128.load(dout + o), v128.load(other + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * load<f32>(other + o));
  }
}

export function div_forward(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.div(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) / load<f32>(b + o));
  }
}

// y = a / b:  da += dout / b,  db -= dout * y / b. A zero pointer skips that gradient.
export function div_backward(da: usize, db: usize, dout: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const q = f32x4.div(v128.load(dout + o), v128.load(b + o));
      if (da) v128.store(da + o, f32x4.add(v128.load(da + o), q));
      if (db) v128.store(db + o, f32x4.sub(v128.load(db + o), f32x4.mul(q, v128.load(y + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const q = load<f32>(dout + o) / load<f32>(b + o);
    if (da) store<f32>(da + o, load<f32>(da + o) + q);
    if (db) store<f32>(db + o, load<f32>(db + o) - q * load<f32>(y + o));
  }
}

// out = alpha * x (out may be x)
export function scale_forward(out: usize, x: usize, alpha: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(v128.load(x + o), s));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * alpha);
  }
}

// y += alpha * x
export function axpy(y: usize, x: usize, alpha: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(v128.load(x + o), s)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + load<f32>(x + o) * alpha);
  }
}
