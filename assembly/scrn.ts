// One SCRN step (Mikolov et al. 2015, "Learning Longer Memory in Recurrent Neural Networks") over
// `rows` sequences. A row of the state, of xw and of their gradients is [h (H) | s (Cx)], G = H+Cx
// floats; xw = [x·Aᵀ + b | x·Bᵀ]. The op runs, per step:
//   scrn_context_forward:  xw_s = α·s_prev + (1-α)·xw_s        (now the context s_t)
//   (the op adds s_t·Pᵀ + h_prev·Rᵀ to xw_h)
//   scrn_step_forward:     out = [act(xw_h) | xw_s]            act: sigmoid, or tanh where `tanhAct`
// and backward, from the gradient dh = [dh_h | ds] of the emitted state:
//   scrn_step_backward:    dxw = [dh_h·act'(y_h) | ds]
//   (the op adds dz·P to dxw_s, making it the whole gradient of s_t, and writes dPrev_h = dz·R)
//   scrn_context_backward: dPrev_s = α·dxw_s;  dxw_s = (1-α)·dxw_s
import { sigmoidf, tanhf, vsigmoid, vtanh } from './vmath';

// @ts-ignore: decorator
@inline function rowBytes(H: i32, Cx: i32): usize {
  return <usize>(H + Cx) << 2;
}

export function scrn_context_forward(xw: usize, state: usize, rows: i32, H: i32, Cx: i32, alpha: f32): void {
  const rb = rowBytes(H, Cx);
  for (let r = 0; r < rows; r++) {
    const x = xw + <usize>r * rb + (<usize>H << 2);
    const s = state + <usize>r * rb + (<usize>H << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const a = f32x4.splat(alpha);
      const b = f32x4.splat(1 - alpha);
      for (; j + 4 <= Cx; j += 4) {
        const o = <usize>j << 2;
        v128.store(x + o, f32x4.add(f32x4.mul(a, v128.load(s + o)), f32x4.mul(b, v128.load(x + o))));
      }
    }
    for (; j < Cx; j++) {
      const o = <usize>j << 2;
      store<f32>(x + o, alpha * load<f32>(s + o) + (1 - alpha) * load<f32>(x + o));
    }
  }
}

export function scrn_step_forward(out: usize, xw: usize, rows: i32, H: i32, Cx: i32, tanhAct: bool): void {
  const rb = rowBytes(H, Cx);
  for (let r = 0; r < rows; r++) {
    const x = xw + <usize>r * rb;
    const y = out + <usize>r * rb;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) {
        const o = <usize>j << 2;
        const v = v128.load(x + o);
        v128.store(y + o, tanhAct ? vtanh(v) : vsigmoid(v));
      }
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(x + o);
      store<f32>(y + o, tanhAct ? tanhf(v) : sigmoidf(v));
    }
    memory.copy(y + (<usize>H << 2), x + (<usize>H << 2), <usize>Cx << 2);
  }
}

export function scrn_step_backward(dxw: usize, dh: usize, y: usize, rows: i32, H: i32, Cx: i32, tanhAct: bool): void {
  const rb = rowBytes(H, Cx);
  for (let r = 0; r < rows; r++) {
    const d = dxw + <usize>r * rb;
    const g = dh + <usize>r * rb;
    const yr = y + <usize>r * rb;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1);
      for (; j + 4 <= H; j += 4) {
        const o = <usize>j << 2;
        const yv = v128.load(yr + o);
        const deriv = tanhAct ? f32x4.sub(one, f32x4.mul(yv, yv)) : f32x4.mul(yv, f32x4.sub(one, yv));
        v128.store(d + o, f32x4.mul(v128.load(g + o), deriv));
      }
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const yv = load<f32>(yr + o);
      store<f32>(d + o, load<f32>(g + o) * (tanhAct ? 1 - yv * yv : yv * (1 - yv)));
    }
    memory.copy(d + (<usize>H << 2), g + (<usize>H << 2), <usize>Cx << 2);
  }
}

export function scrn_context_backward(dxw: usize, dPrev: usize, rows: i32, H: i32, Cx: i32, alpha: f32): void {
  const rb = rowBytes(H, Cx);
  for (let r = 0; r < rows; r++) {
    const d = dxw + <usize>r * rb + (<usize>H << 2);
    const p = dPrev + <usize>r * rb + (<usize>H << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const a = f32x4.splat(alpha);
      const b = f32x4.splat(1 - alpha);
      for (; j + 4 <= Cx; j += 4) {
        const o = <usize>j << 2;
        const v = v128.load(d + o);
        v128.store(p + o, f32x4.mul(a, v));
        v128.store(d + o, f32x4.mul(b, v));
      }
    }
    for (; j < Cx; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(d + o);
      store<f32>(p + o, alpha * v);
      store<f32>(d + o, (1 - alpha) * v);
    }
  }
}
