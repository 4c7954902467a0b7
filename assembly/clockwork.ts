// One Clockwork RNN step (Koutník et al. 2014) over `rows` sequences of H hidden units. The op has
// already formed xw = x·W_ihᵀ + b + h·W_hhᵀ for the units of the modules that tick at this step
// (mask[j] = 1 for them, 0 for the others); a unit whose module does not tick keeps its value.
//   forward:  y = mask ? act(xw) : hPrev
//   backward: dz = mask ? dh·act'(y) : 0      (the gradient of xw)
//             dPrev = mask ? 0 : dh           (what passes straight to the previous step; the op
//                                              then adds dz·W_hh)
// act: tanh, or relu where `relu`. All blocks [rows, H]; mask [H].
import { tanhf, vtanh } from './vmath';

export function clockwork_step_forward(y: usize, xw: usize, hPrev: usize, mask: usize, rows: i32, H: i32, relu: bool): void {
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * H << 2;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; j + 4 <= H; j += 4) {
        const o = <usize>j << 2;
        const x = v128.load(xw + ro + o);
        const a = relu ? f32x4.max(x, zero) : vtanh(x);
        v128.store(y + ro + o, v128.bitselect(a, v128.load(hPrev + ro + o), f32x4.ne(v128.load(mask + o), zero)));
      }
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const x = load<f32>(xw + ro + o);
      store<f32>(y + ro + o, load<f32>(mask + o) != 0 ? (relu ? max<f32>(x, 0) : tanhf(x)) : load<f32>(hPrev + ro + o));
    }
  }
}

export function clockwork_step_backward(dz: usize, dPrev: usize, dh: usize, y: usize, mask: usize, rows: i32, H: i32, relu: bool): void {
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * H << 2;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      const one = f32x4.splat(1);
      for (; j + 4 <= H; j += 4) {
        const o = <usize>j << 2;
        const g = v128.load(dh + ro + o);
        const yv = v128.load(y + ro + o);
        const d = relu ? v128.and(g, f32x4.gt(yv, zero)) : f32x4.mul(g, f32x4.sub(one, f32x4.mul(yv, yv)));
        const on = f32x4.ne(v128.load(mask + o), zero);
        v128.store(dz + ro + o, v128.and(d, on));
        v128.store(dPrev + ro + o, v128.andnot(g, on));
      }
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const g = load<f32>(dh + ro + o);
      const yv = load<f32>(y + ro + o);
      const on = load<f32>(mask + o) != 0;
      store<f32>(dz + ro + o, on ? (relu ? (yv > 0 ? g : 0) : g * (1 - yv * yv)) : 0);
      store<f32>(dPrev + ro + o, on ? 0 : g);
    }
  }
}
