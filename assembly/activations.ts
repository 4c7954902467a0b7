// Elementwise activations and their derivatives. Backward kernels accumulate (dinp += ...) and
// read the saved forward output y where the derivative is a function of it (sigmoid, tanh, relu,
// exp), the input x where it is not (log). Error bounds of the approximations: see vmath.ts and
// the tanh note below; test/kernels/activations.test.ts enforces them.
import { expf, vexp, logf, vlog, vlogSafe, sigmoidf, vsigmoid, tanhf, vtanh } from './vmath';


// x, out [n]
export function sigmoid_forward(out: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vsigmoid(v128.load(x + o), true));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sigmoidf(load<f32>(x + o)));
  }
}

// dinp += dout * y * (1 - y), y = sigmoid(x) saved by the forward pass.
export function sigmoid_backward(dinp: usize, dout: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const yv = v128.load(y + o);
      const g = f32x4.mul(v128.load(dout + o), f32x4.mul(yv, f32x4.sub(one, yv)));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yi = load<f32>(y + o);
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * yi * (1 - yi));
  }
}

export function tanh_forward(out: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vtanh(v128.load(x + o), true));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, tanhf(load<f32>(x + o)));
  }
}

// dinp += dout * (1 - y^2), y = tanh(x).
export function tanh_backward(dinp: usize, dout: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const yv = v128.load(y + o);
      const g = f32x4.mul(v128.load(dout + o), f32x4.sub(one, f32x4.mul(yv, yv)));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yi = load<f32>(y + o);
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * (1 - yi * yi));
  }
}

export function relu_forward(out: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.max(v128.load(x + o), zero));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, max<f32>(load<f32>(x + o), 0));
  }
}

// dinp += dout where y > 0 (the subgradient at 0 is 0, as PyTorch).
export function relu_backward(dinp: usize, dout: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = v128.and(v128.load(dout + o), f32x4.gt(v128.load(y + o), zero));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (load<f32>(y + o) > 0) store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o));
  }
}

export function exp_forward(out: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vexp(v128.load(x + o), true));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, expf(load<f32>(x + o)));
  }
}

// dinp += dout * y, y = exp(x).
export function exp_backward(dinp: usize, dout: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.mul(v128.load(dout + o), v128.load(y + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * load<f32>(y + o));
  }
}

export function log_forward(out: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      if (vlogSafe(v)) {
        v128.store(out + o, vlog(v));
      } else {
        for (let j = 0; j < 4; j++) {
          const q = o + (<usize>j << 2);
          store<f32>(out + q, logf(load<f32>(x + q)));
        }
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, logf(load<f32>(x + o)));
  }
}

// dinp += dout / x.
export function log_backward(dinp: usize, dout: usize, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.div(v128.load(dout + o), v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) / load<f32>(x + o));
  }
}
