// Cross-entropy from logits, one row a position: log-softmax and the negative log-likelihood of
// the row's target class fused (label smoothing ε: the target distribution (1-ε)·onehot + ε/C),
// and its gradient (softmax - target distribution)·g_r. Rows r0..r1-1, so threads share the rows.
// targets (i32) holds each row's class, or -1 for a row left out (masked, ignoreIndex): its loss
// and gradient are 0. params (f32): [ε].
import { logSoftmaxRow } from './softmax';
import { expf, vexp } from './vmath';

// @ts-ignore: decorator
@inline function rowSum(x: usize, cols: i32): f32 {
  let s: f32 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; j + 4 <= cols; j += 4) acc = f32x4.add(acc, v128.load(x + (<usize>j << 2)));
    s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  }
  for (; j < cols; j++) s += load<f32>(x + (<usize>j << 2));
  return s;
}

// logp [rows,C] = log_softmax(x); loss[r] = -(1-ε)·logp[r,t] - ε/C·Σ_c logp[r,c]
export function cross_entropy_forward(logp: usize, loss: usize, x: usize, targets: usize, params: usize, C: i32, r0: i32, r1: i32): void {
  const eps = load<f32>(params);
  const rowBytes = <usize>C << 2;
  for (let r = r0; r < r1; r++) {
    const lr = logp + <usize>r * rowBytes;
    logSoftmaxRow(lr, x + <usize>r * rowBytes, C);
    const t = load<i32>(targets + (<usize>r << 2));
    let l: f32 = 0;
    if (t >= 0) {
      l = -(1 - eps) * load<f32>(lr + (<usize>t << 2));
      if (eps > 0) l -= (eps / <f32>C) * rowSum(lr, C);
    }
    store<f32>(loss + (<usize>r << 2), l);
  }
}

// d [rows,C] = (exp(logp) - ε/C)·g[r], d[r,t] -= (1-ε)·g[r]; rows left out are 0
export function cross_entropy_backward(d: usize, logp: usize, targets: usize, g: usize, params: usize, C: i32, r0: i32, r1: i32): void {
  const eps = load<f32>(params);
  const u: f32 = eps / <f32>C;
  const rowBytes = <usize>C << 2;
  for (let r = r0; r < r1; r++) {
    const dr = d + <usize>r * rowBytes;
    const lr = logp + <usize>r * rowBytes;
    const t = load<i32>(targets + (<usize>r << 2));
    if (t < 0) {
      memory.fill(dr, 0, rowBytes);
      continue;
    }
    const s = load<f32>(g + (<usize>r << 2));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f32x4.splat(s);
      const uv = f32x4.splat(u);
      for (; j + 4 <= C; j += 4) {
        const o = <usize>j << 2;
        v128.store(dr + o, f32x4.mul(f32x4.sub(vexp(v128.load(lr + o), true), uv), sv));
      }
    }
    for (; j < C; j++) {
      const o = <usize>j << 2;
      store<f32>(dr + o, (expf(load<f32>(lr + o)) - u) * s);
    }
    const ot = <usize>t << 2;
    store<f32>(dr + ot, load<f32>(dr + ot) - (1 - eps) * s);
  }
}

// The index of the first NaN or ±Infinity in x [n], or -1 (a check of an operand once it is in wasm memory).
export function first_nonfinite(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      // v·0 is 0 for a finite v, NaN for NaN and ±Infinity
      const z = f32x4.mul(v, zero);
      if (v128.any_true(f32x4.ne(z, z))) break;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (!isFinite(v)) return i;
  }
  return -1;
}
