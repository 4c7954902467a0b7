// The Elman cell's whole time loop (src/ops/elman.ts; PyTorch's nn.RNN):
//   h_t = act(x_t·W_ihᵀ + b_ih + b_hh + h_{t-1}·W_hhᵀ),  act = tanh or relu
// forward:  xw[t] += h_prev·W_hhᵀ;  h = act(xw[t])
// backward: dz = act'(h)⊙(dh + dOut[t]);  dh = dz·W_hh
// assembly/recurrent.ts runs the steps (on a team of threads, runs of 8 hidden units — a run's
// columns of the product and its units of the activation — claimed as they go). The elements are
// computed as tanh_forward / relu_forward and their backward kernels compute them, so one thread
// and a team give the same bits.
import { gemm_packed_panels } from './matmul';
import { backwardLoop, forwardLoop, gateProduct, LoopParams } from './recurrent';
import { addUnits } from './team';
import { tanhf, vtanh } from './vmath';

// y[r, u0..u1) = act(z[r, u0..u1)) over rows of H floats (u0 a multiple of 4). tanh takes its
// constants from vmath's table here (W5 19.0-19.7 -> 18.4-19.0 ms in alternating runs; in the LSTM
// and GRU gate kernels the table measured no faster, so those keep the immediates).
// @ts-ignore: decorator
@inline function actUnits(y: usize, z: usize, rows: i32, H: i32, relu: bool, u0: i32, u1: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; j + 4 <= u1; j += 4) {
        const p = o + (<usize>j << 2);
        const v = v128.load(z + p);
        v128.store(y + p, relu ? f32x4.max(v, zero) : vtanh(v, true));
      }
    }
    for (; j < u1; j++) {
      const p = o + (<usize>j << 2);
      const v = load<f32>(z + p);
      store<f32>(y + p, relu ? max<f32>(v, 0) : tanhf(v));
    }
  }
}

// dz[r, u0..u1) = act'(y)·dh: (1 - y²)·dh for tanh, dh where y > 0 for relu
// @ts-ignore: decorator
@inline function actGradUnits(dz: usize, dh: usize, y: usize, rows: i32, H: i32, relu: bool, u0: i32, u1: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1.0);
      const zero = f32x4.splat(0);
      for (; j + 4 <= u1; j += 4) {
        const p = o + (<usize>j << 2);
        const yv = v128.load(y + p);
        const d = v128.load(dh + p);
        v128.store(dz + p, relu ? v128.and(d, f32x4.gt(yv, zero)) : f32x4.mul(d, f32x4.sub(one, f32x4.mul(yv, yv))));
      }
    }
    for (; j < u1; j++) {
      const p = o + (<usize>j << 2);
      const yv = load<f32>(y + p);
      const d = load<f32>(dh + p);
      store<f32>(dz + p, relu ? (yv > 0 ? d : 0) : d * (1 - yv * yv));
    }
  }
}

// The params (ElmanForward, ElmanBackward below) forward: xw [T,B,H] (in:
// x·W_ihᵀ + the biases; out: the pre-activations), hHist, hNext (the state entering step t and the
// one after it, + t·B·H floats), packed W_hh [H → H], relu; backward: dXW [T,B,H] out, dh [B,H]
// (in: the gradient after the last step; out: the initial state's), dOut [T,B,H] or 0, hNext
// (forward's outputs), packed W_hh [H → H] (for dz·W_hh), relu.
@unmanaged
class ElmanForward extends LoopParams {
  xw: usize;
  hHist: usize;
  hNext: usize;
  packed: usize;
  relu: i32;
}

@unmanaged
class ElmanBackward extends LoopParams {
  dXW: usize;
  dh: usize;
  dOut: usize;
  hNext: usize;
  packedT: usize;
  relu: i32;
}

export function elman_seq_forward(params: usize, self: i32, team: usize): void {
  forwardLoop(params, self, team, elmanStep);
}

export function elman_seq_backward(params: usize, self: i32, team: usize): void {
  backwardLoop(params, self, team, elmanGateBackward, elmanProductBackward);
}

function elmanStep(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<ElmanForward>(params);
  const B = p.B;
  const H = p.H;
  const st = <usize>t * B * H * 4;
  if (t != p.known) gateProduct(p.xw + st, p.hHist + st, p.packed, 0, rows, H, 1, true, u0, u1);
  actUnits(p.hNext + st, p.xw + st, rows, H, p.relu != 0, u0, u1);
}

function elmanGateBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<ElmanBackward>(params);
  const B = p.B;
  const H = p.H;
  const st = <usize>t * B * H * 4;
  if (p.dOut) addUnits(p.dh, p.dOut + st, rows, H, u0, u1);
  actGradUnits(p.dXW + st, p.dh, p.hNext + st, rows, H, p.relu != 0, u0, u1);
}

function elmanProductBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<ElmanBackward>(params);
  if (t == p.known) return;
  const B = p.B;
  const H = p.H;
  gemm_packed_panels(p.dh, p.dXW + <usize>t * B * H * 4, H, 1, p.packedT, 0, rows, H, H, false, H, u0 >> 3, (u1 + 7) >> 3);
}
