// The Elman cell's whole time loop (src/ops/elman.ts; PyTorch's nn.RNN):
//   h_t = act(x_t·W_ihᵀ + b_ih + b_hh + h_{t-1}·W_hhᵀ),  act = tanh or relu
// forward:  xw[t] += h_prev·W_hhᵀ;  h = act(xw[t])
// backward: dz = act'(h)⊙(dh + dOut[t]);  dh = dz·W_hh
// On a team (assembly/team.ts) the threads claim runs of 8 hidden units — a run's columns of the
// product and its units of the activation — and meet once a step (backward, a thread that forms
// a run's columns of dh goes on to the next step's dz on the same units). The elements are computed as tanh_forward /
// relu_forward and their backward kernels compute them, so one thread and a team give the same bits.
import { gemm_packed_panels } from './matmul';
import { addUnits, claim, nextPhase, prevStep, startTeam, unitThreads } from './team';
import { tanhf, vtanh } from './vmath';

// y[r, u0..u1) = act(z[r, u0..u1)) over rows of H floats (u0 a multiple of 4)
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
        v128.store(y + p, relu ? f32x4.max(v, zero) : vtanh(v));
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

// Forward. params (i32): xw [T,B,H] (in: x·W_ihᵀ + the biases; out: the pre-activations), hHist,
// hNext (the state entering step t and the one after it, + t·B·H floats), packed W_hh [H → H],
// active (i32 [T]), T, B, H, relu, reverse.
export function elman_seq_forward(params: usize, self: i32, team: usize): void {
  const xw = <usize>load<i32>(params);
  const hHist = <usize>load<i32>(params, 4);
  const hNext = <usize>load<i32>(params, 8);
  const packed = <usize>load<i32>(params, 12);
  const active = <usize>load<i32>(params, 16);
  const T = load<i32>(params, 20);
  const B = load<i32>(params, 24);
  const H = load<i32>(params, 28);
  const relu = load<i32>(params, 32) != 0;
  const reverse = load<i32>(params, 36) != 0;
  const n = unitThreads(team, H);
  if (self >= n) return;
  const sb = <usize>B * H * 4;
  let phase = 0;
  startTeam(team, n, H >> 3);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const rows = load<i32>(active + (<usize>t << 2));
    if (rows == 0) continue;
    const st = <usize>t * sb;
    if (n == 1) {
      gemm_packed_panels(xw + st, hHist + st, H, 1, packed, 0, rows, H, H, true, H, 0, (H + 7) >> 3);
      actUnits(hNext + st, xw + st, rows, H, relu, 0, H);
      continue;
    }
    for (let done = 0; ; ) {
      const run = claim(team, n, phase, H >> 3, self, done);
      if (run < 0) break;
      const r0 = <i32>run;
      const r1 = <i32>(run >>> 32);
      done = r1 - r0;
      gemm_packed_panels(xw + st, hHist + st, H, 1, packed, 0, rows, H, H, true, H, r0, r1);
      actUnits(hNext + st, xw + st, rows, H, relu, r0 << 3, r1 << 3);
    }
    phase = nextPhase(team, phase, H >> 3);
  }
}

// Backward (steps in the opposite order). params (i32): dXW [T,B,H] out, dh [B,H] (in: the
// gradient after the last step; out: the initial state's), dOut [T,B,H] or 0, hNext (forward's
// outputs), packed W_hh [H → H] (for dz·W_hh), active, T, B, H, relu, reverse.
export function elman_seq_backward(params: usize, self: i32, team: usize): void {
  const dXW = <usize>load<i32>(params);
  const dh = <usize>load<i32>(params, 4);
  const dOut = <usize>load<i32>(params, 8);
  const hNext = <usize>load<i32>(params, 12);
  const packedT = <usize>load<i32>(params, 16);
  const active = <usize>load<i32>(params, 20);
  const T = load<i32>(params, 24);
  const B = load<i32>(params, 28);
  const H = load<i32>(params, 32);
  const relu = load<i32>(params, 36) != 0;
  const reverse = load<i32>(params, 40) != 0;
  const n = unitThreads(team, H);
  if (self >= n) return;
  const sb = <usize>B * H * 4;
  if (n == 1) {
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      const rows = load<i32>(active + (<usize>t << 2));
      if (rows == 0) continue;
      const st = <usize>t * sb;
      if (dOut) addUnits(dh, dOut + st, rows, H, 0, H);
      actGradUnits(dXW + st, dh, hNext + st, rows, H, relu, 0, H);
      gemm_packed_panels(dh, dXW + st, H, 1, packedT, 0, rows, H, H, false, H, 0, (H + 7) >> 3);
    }
    return;
  }
  // a thread that forms a run's columns of dh goes on to the next step's dz on the same units
  let phase = 0;
  startTeam(team, n, H >> 3);
  let s = prevStep(active, T, reverse, T);
  for (let gemmAt = -1; s >= 0 || gemmAt >= 0; ) {
    const t = s >= 0 ? (reverse ? T - 1 - s : s) : 0;
    const rows = s >= 0 ? load<i32>(active + (<usize>t << 2)) : 0;
    const st = <usize>t * sb;
    const g = gemmAt >= 0 ? (reverse ? T - 1 - gemmAt : gemmAt) : 0;
    const gRows = gemmAt >= 0 ? load<i32>(active + (<usize>g << 2)) : 0;
    for (let done = 0; ; ) {
      const run = claim(team, n, phase, H >> 3, self, done);
      if (run < 0) break;
      const r0 = <i32>run;
      const r1 = <i32>(run >>> 32);
      done = r1 - r0;
      if (gemmAt >= 0) gemm_packed_panels(dh, dXW + <usize>g * sb, H, 1, packedT, 0, gRows, H, H, false, H, r0, r1);
      if (s < 0) continue;
      if (dOut) addUnits(dh, dOut + st, rows, H, r0 << 3, r1 << 3);
      actGradUnits(dXW + st, dh, hNext + st, rows, H, relu, r0 << 3, r1 << 3);
    }
    phase = nextPhase(team, phase, H >> 3);
    gemmAt = s;
    if (s >= 0) s = prevStep(active, T, reverse, s);
  }
}
