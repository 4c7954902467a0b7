// Row-wise softmax and log-softmax over x [rows, cols], max-subtracted: exp(89) overflows f32.
import { expf, vexp, logf } from './vmath';

// @ts-ignore: decorator
@inline function rowMax(x: usize, cols: i32): f32 {
  let m: f32 = -Infinity;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if (cols >= 4) {
      let v = f32x4.splat(-Infinity);
      for (; j + 4 <= cols; j += 4) v = f32x4.max(v, v128.load(x + (<usize>j << 2)));
      m = max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    }
  }
  for (; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  return m;
}

// out = exp(x - shift), returns the row sum of out
// @ts-ignore: decorator
@inline function expShifted(out: usize, x: usize, shift: f32, cols: i32): f32 {
  let s: f32 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sh = f32x4.splat(shift);
    let acc = f32x4.splat(0);
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const e = vexp(f32x4.sub(v128.load(x + o), sh), true);
      if (out) v128.store(out + o, e);
      acc = f32x4.add(acc, e);
    }
    s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    const e = expf(load<f32>(x + o) - shift);
    if (out) store<f32>(out + o, e);
    s += e;
  }
  return s;
}

// A row whose max is -Infinity (every entry -Inf) is all-masked: softmax gives zeros there.
export function softmax_forward(out: usize, x: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const orow = out + <usize>r * rowBytes;
    const m = rowMax(xr, cols);
    if (m == -Infinity) {
      memory.fill(orow, 0, rowBytes);
      continue;
    }
    const s = expShifted(orow, xr, m, cols);
    const inv: f32 = 1.0 / s;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const iv = f32x4.splat(inv);
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        v128.store(orow + o, f32x4.mul(v128.load(orow + o), iv));
      }
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(orow + o, load<f32>(orow + o) * inv);
    }
  }
}

// @ts-ignore: decorator
@inline function rowDot(a: usize, b: usize, cols: i32): f32 {
  let s: f32 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    }
    s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

// y = softmax(x):  dinp += y ⊙ (dout - Σ dout⊙y)
export function softmax_backward(dinp: usize, dout: usize, y: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const s = rowDot(dout + off, y + off, cols);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f32x4.splat(s);
      for (; j + 4 <= cols; j += 4) {
        const o = off + (<usize>j << 2);
        const g = f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(dout + o), sv));
        v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
      }
    }
    for (; j < cols; j++) {
      const o = off + (<usize>j << 2);
      store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(y + o) * (load<f32>(dout + o) - s));
    }
  }
}

// One row of log-softmax: out = (x - max) - log Σ exp(x - max); subtracting in two steps keeps
// the digits that x - (max + log Σ) would lose when max is large. (Also cross-entropy.ts's.)
// @ts-ignore: decorator
@inline export function logSoftmaxRow(orow: usize, xr: usize, cols: i32): void {
  let m = rowMax(xr, cols);
  let ls: f32 = 0;
  if (m == -Infinity) m = 0;
  else ls = logf(expShifted(0, xr, m, cols));
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f32x4.splat(m);
    const lv = f32x4.splat(ls);
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(orow + o, f32x4.sub(f32x4.sub(v128.load(xr + o), mv), lv));
    }
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    store<f32>(orow + o, load<f32>(xr + o) - m - ls);
  }
}

export function log_softmax_forward(out: usize, x: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) logSoftmaxRow(out + <usize>r * rowBytes, x + <usize>r * rowBytes, cols);
}

// y = log_softmax(x):  dinp += dout - exp(y) · Σ dout
export function log_softmax_backward(dinp: usize, dout: usize, y: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    let s: f32 = 0;
    for (let j = 0; j < cols; j++) s += load<f32>(dout + off + (<usize>j << 2));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f32x4.splat(s);
      for (; j + 4 <= cols; j += 4) {
        const o = off + (<usize>j << 2);
        const g = f32x4.sub(v128.load(dout + o), f32x4.mul(vexp(v128.load(y + o), true), sv));
        v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
      }
    }
    for (; j < cols; j++) {
      const o = off + (<usize>j << 2);
      store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) - expf(load<f32>(y + o)) * s);
    }
  }
}
