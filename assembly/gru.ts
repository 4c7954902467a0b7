// One GRU time step over `rows` sequences (gate order r,z,n as PyTorch). The op computes
// xw = x·W_ihᵀ + b_ih and hw = h·W_hhᵀ + b_hh ([rows,3H] each), then:
//   r = σ(xw_r + hw_r)   z = σ(xw_z + hw_z)
//   resetAfter (PyTorch):  n = tanh(xw_n + r⊙hw_n)
//   reset before (Cho et al. 2014): n = tanh(xw_n + hw_n), where hw_n = (r⊙h)·W_hnᵀ + b_hn is
//     computed by the op between gru_rz_forward and gru_n_forward from rh = r⊙h.
//   h' = (1 - z)⊙n + z⊙h
import { gemm_packed_panels } from './matmul';
import { backwardLoop, forwardLoop, gateProduct, LoopParams } from './recurrent';
import { addUnits } from './team';
import { gateGradf, gatef, tanhf, vgate, vgateGrad, vtanh } from './vmath';

// gates [rows,3H] out (r,z written; n by gru_n_forward); rh [rows,H] out = r⊙hPrev (0: skip)
export function gru_rz_forward(gates: usize, rh: usize, xw: usize, hw: usize, hPrev: usize, rows: i32, H: i32, hard: bool): void {
  rzUnits(gates, rh, xw, hw, hPrev, rows, H, hard, 0, H);
}

// The step kernels below for the hidden units u0..u1-1 (u0 a multiple of 4), as in assembly/lstm.ts:
// the whole-sequence kernels give each thread runs of units, every element on the same path.
// @ts-ignore: decorator
@inline function rzUnits(gates: usize, rh: usize, xw: usize, hw: usize, hPrev: usize, rows: i32, H: i32, hard: bool, u0: i32, u1: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const g3 = <usize>r * 3 * hb;
    const g1 = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= u1; j += 4) {
        const o = <usize>j << 2;
        const rv = vgate(f32x4.add(v128.load(xw + g3 + o), v128.load(hw + g3 + o)), hard);
        const zv = vgate(f32x4.add(v128.load(xw + g3 + hb + o), v128.load(hw + g3 + hb + o)), hard);
        v128.store(gates + g3 + o, rv);
        v128.store(gates + g3 + hb + o, zv);
        if (rh) v128.store(rh + g1 + o, f32x4.mul(rv, v128.load(hPrev + g1 + o)));
      }
    }
    for (; j < u1; j++) {
      const o = <usize>j << 2;
      const rv = gatef(load<f32>(xw + g3 + o) + load<f32>(hw + g3 + o), hard);
      const zv = gatef(load<f32>(xw + g3 + hb + o) + load<f32>(hw + g3 + hb + o), hard);
      store<f32>(gates + g3 + o, rv);
      store<f32>(gates + g3 + hb + o, zv);
      if (rh) store<f32>(rh + g1 + o, rv * load<f32>(hPrev + g1 + o));
    }
  }
}

// n and the new state: h [rows,H] out; gates [rows,3H] (r,z in, n out)
export function gru_n_forward(h: usize, gates: usize, xw: usize, hw: usize, hPrev: usize, rows: i32, H: i32, resetAfter: bool): void {
  nUnits(h, gates, xw, hw, hPrev, rows, H, resetAfter, 0, H);
}

// @ts-ignore: decorator
@inline function nUnits(h: usize, gates: usize, xw: usize, hw: usize, hPrev: usize, rows: i32, H: i32, resetAfter: bool, u0: i32, u1: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const g3 = <usize>r * 3 * hb;
    const g1 = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1.0);
      for (; j + 4 <= u1; j += 4) {
        const o = <usize>j << 2;
        const hn = v128.load(hw + g3 + 2 * hb + o);
        const pre = f32x4.add(v128.load(xw + g3 + 2 * hb + o), resetAfter ? f32x4.mul(v128.load(gates + g3 + o), hn) : hn);
        const nv = vtanh(pre);
        const zv = v128.load(gates + g3 + hb + o);
        v128.store(gates + g3 + 2 * hb + o, nv);
        v128.store(h + g1 + o, f32x4.add(f32x4.mul(f32x4.sub(one, zv), nv), f32x4.mul(zv, v128.load(hPrev + g1 + o))));
      }
    }
    for (; j < u1; j++) {
      const o = <usize>j << 2;
      const hn = load<f32>(hw + g3 + 2 * hb + o);
      const pre = load<f32>(xw + g3 + 2 * hb + o) + (resetAfter ? load<f32>(gates + g3 + o) * hn : hn);
      const nv = tanhf(pre);
      const zv = load<f32>(gates + g3 + hb + o);
      store<f32>(gates + g3 + 2 * hb + o, nv);
      store<f32>(h + g1 + o, (1 - zv) * nv + zv * load<f32>(hPrev + g1 + o));
    }
  }
}

// BPTT through one step. dh [rows,H] in: total gradient of h'. Out: dxw, dhw [rows,3H] (gradients
// of xw and hw), dhPrev [rows,H] = dh⊙z (the direct path; the op adds dhw·W_hh). With
// resetAfter = false the r block is left for gru_reset_backward, which needs d(r⊙h) from a GEMM.
export function gru_step_backward(
  dxw: usize, dhw: usize, dhPrev: usize, dh: usize, gates: usize, hw: usize, hPrev: usize, rows: i32, H: i32, resetAfter: bool, hard: bool,
): void {
  stepBackwardUnits(dxw, dhw, dhPrev, dh, gates, hw, hPrev, rows, H, resetAfter, hard, 0, H);
}

// (dhPrev may be dh: each element is read before its gradient is written)
// @ts-ignore: decorator
@inline function stepBackwardUnits(
  dxw: usize, dhw: usize, dhPrev: usize, dh: usize, gates: usize, hw: usize, hPrev: usize, rows: i32, H: i32, resetAfter: bool, hard: bool,
  u0: i32, u1: i32,
): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const g3 = <usize>r * 3 * hb;
    const g1 = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1.0);
      for (; j + 4 <= u1; j += 4) {
        const o = <usize>j << 2;
        const rv = v128.load(gates + g3 + o);
        const zv = v128.load(gates + g3 + hb + o);
        const nv = v128.load(gates + g3 + 2 * hb + o);
        const dhv = v128.load(dh + g1 + o);
        const hp = v128.load(hPrev + g1 + o);
        const dnp = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, zv)), f32x4.sub(one, f32x4.mul(nv, nv)));
        const dzp = f32x4.mul(f32x4.mul(dhv, f32x4.sub(hp, nv)), vgateGrad(zv, hard));
        v128.store(dhPrev + g1 + o, f32x4.mul(dhv, zv));
        v128.store(dxw + g3 + hb + o, dzp);
        v128.store(dhw + g3 + hb + o, dzp);
        v128.store(dxw + g3 + 2 * hb + o, dnp);
        if (resetAfter) {
          const hn = v128.load(hw + g3 + 2 * hb + o);
          const drp = f32x4.mul(f32x4.mul(dnp, hn), vgateGrad(rv, hard));
          v128.store(dxw + g3 + o, drp);
          v128.store(dhw + g3 + o, drp);
          v128.store(dhw + g3 + 2 * hb + o, f32x4.mul(dnp, rv));
        } else {
          v128.store(dhw + g3 + 2 * hb + o, dnp);
        }
      }
    }
    for (; j < u1; j++) {
      const o = <usize>j << 2;
      const rv = load<f32>(gates + g3 + o);
      const zv = load<f32>(gates + g3 + hb + o);
      const nv = load<f32>(gates + g3 + 2 * hb + o);
      const dhv = load<f32>(dh + g1 + o);
      const hp = load<f32>(hPrev + g1 + o);
      const dnp = dhv * (1 - zv) * (1 - nv * nv);
      const dzp = dhv * (hp - nv) * gateGradf(zv, hard);
      store<f32>(dhPrev + g1 + o, dhv * zv);
      store<f32>(dxw + g3 + hb + o, dzp);
      store<f32>(dhw + g3 + hb + o, dzp);
      store<f32>(dxw + g3 + 2 * hb + o, dnp);
      if (resetAfter) {
        const hn = load<f32>(hw + g3 + 2 * hb + o);
        const drp = dnp * hn * gateGradf(rv, hard);
        store<f32>(dxw + g3 + o, drp);
        store<f32>(dhw + g3 + o, drp);
        store<f32>(dhw + g3 + 2 * hb + o, dnp * rv);
      } else {
        store<f32>(dhw + g3 + 2 * hb + o, dnp);
      }
    }
  }
}

// Reset-before form: drh [rows,H] = d(r⊙h) = dhw_n·W_hn. Writes the r block of dxw and dhw and
// adds drh⊙r to dhPrev.
export function gru_reset_backward(
  dxw: usize, dhw: usize, dhPrev: usize, drh: usize, gates: usize, hPrev: usize, rows: i32, H: i32, hard: bool,
): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const g3 = <usize>r * 3 * hb;
    const g1 = <usize>r * hb;
    for (let j = 0; j < H; j++) {
      const o = <usize>j << 2;
      const rv = load<f32>(gates + g3 + o);
      const d = load<f32>(drh + g1 + o);
      const drp = d * load<f32>(hPrev + g1 + o) * gateGradf(rv, hard);
      store<f32>(dxw + g3 + o, drp);
      store<f32>(dhw + g3 + o, drp);
      store<f32>(dhPrev + g1 + o, load<f32>(dhPrev + g1 + o) + d * rv);
    }
  }
}

// The whole time loop of one direction of a PyTorch-form GRU layer (reset after the product), run
// by assembly/recurrent.ts (on a team of threads, runs of 8 hidden units claimed as they go):
//   forward:  hw[t] = h_prev·W_hhᵀ + b_hh (a run's columns of the three gates), then r, z, n and
//             h' for the run from xw[t] and hw[t];
//   backward: dh += dOut[t] and the step kernel's backward (dXW[t], dHW[t]; dh becomes dh⊙z), then
//             dh += dHW[t]·W_hh.
// The same bits as one thread. The params (GruForward, GruBackward below) forward:
// xw, hw, gates [T,B,3H], hHist, hNext (the state entering step t and the one after it, + t·B·H
// floats), b_hh [3H] or 0, packed W_hh [H → 3H], hard; backward: dXW, dHW [T,B,3H], dh [B,H] (in:
// the gradient after the last step; out: the initial state's), dOut [T,B,H] or 0, gates, hw
// [T,B,3H] (forward's), hHist, packed W_hh [3H → H], hard.
@unmanaged
class GruForward extends LoopParams {
  xw: usize;
  hw: usize;
  gates: usize;
  hHist: usize;
  hNext: usize;
  bhh: usize;
  packed: usize;
  hard: i32;
}

@unmanaged
class GruBackward extends LoopParams {
  dXW: usize;
  dHW: usize;
  dh: usize;
  dOut: usize;
  gates: usize;
  hw: usize;
  hHist: usize;
  packedT: usize;
  hard: i32;
}

export function gru_seq_forward(params: usize, self: i32, team: usize): void {
  forwardLoop(params, self, team, gruStep);
}

export function gru_seq_backward(params: usize, self: i32, team: usize): void {
  backwardLoop(params, self, team, gruGateBackward, gruProductBackward);
}

// The product h·W_hhᵀ + b_hh of a step entered from zeros: the bias (or 0) in the columns of units
// u0..u1-1 of each of the `gates` gate blocks of c [rows, gates·H].
// @ts-ignore: decorator
@inline function biasUnits(c: usize, bias: usize, rows: i32, H: i32, gates: i32, u0: i32, u1: i32): void {
  const G = gates * H;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < gates; g++) {
      const o = (<usize>r * G + g * H) << 2;
      const b = <usize>(g * H) << 2;
      for (let j = u0; j < u1; j++) store<f32>(c + o + (<usize>j << 2), bias ? load<f32>(bias + b + (<usize>j << 2)) : 0);
    }
  }
}

function gruStep(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<GruForward>(params);
  const B = p.B;
  const H = p.H;
  const G = 3 * H;
  const st = <usize>t * B * H * 4;
  const gt = <usize>t * B * G * 4;
  const h = p.hHist + st;
  if (t != p.known) gateProduct(p.hw + gt, h, p.packed, p.bhh, rows, H, 3, false, u0, u1);
  else biasUnits(p.hw + gt, p.bhh, rows, H, 3, u0, u1);
  rzUnits(p.gates + gt, 0, p.xw + gt, p.hw + gt, h, rows, H, p.hard != 0, u0, u1);
  nUnits(p.hNext + st, p.gates + gt, p.xw + gt, p.hw + gt, h, rows, H, true, u0, u1);
}

function gruGateBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<GruBackward>(params);
  const B = p.B;
  const H = p.H;
  const st = <usize>t * B * H * 4;
  const gt = <usize>t * B * H * 12;
  if (p.dOut) addUnits(p.dh, p.dOut + st, rows, H, u0, u1);
  stepBackwardUnits(p.dXW + gt, p.dHW + gt, p.dh, p.dh, p.gates + gt, p.hw + gt, p.hHist + st, rows, H, true, p.hard != 0, u0, u1);
}

function gruProductBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<GruBackward>(params);
  if (t == p.known) return;
  const B = p.B;
  const H = p.H;
  const G = 3 * H;
  gemm_packed_panels(p.dh, p.dHW + <usize>t * B * G * 4, G, 1, p.packedT, 0, rows, G, H, true, H, u0 >> 3, (u1 + 7) >> 3);
}
