// One LSTM time step over `rows` sequences, after the op has put the pre-activations
// z = x·W_ihᵀ + b_ih + b_hh + h·W_hhᵀ into `gates` [rows,4H] (order i,f,g,o, as PyTorch):
//   i = σ(z_i + w_ci⊙c_prev)  f = σ(z_f + w_cf⊙c_prev)  g = tanh(z_g)
//   c = f⊙c_prev + i⊙g        o = σ(z_o + w_co⊙c)       h = o⊙tanh(c)
// The peephole terms (Gers & Schmidhuber) are present when peep ≠ 0 (peep [3H] = w_ci,w_cf,w_co).
// hard: the gates use Keras 2 / tfjs's hard sigmoid instead of σ.
// Forward overwrites `gates` with the activations, which is what backward needs.
import { gemm_packed_panels } from './matmul';
import { backwardLoop, forwardLoop, gateProduct, LoopParams } from './recurrent';
import { addUnits } from './team';
import { gateGradf, gatef, tanhf, vgate, vgateGrad, vtanh } from './vmath';

// gates [rows,4H] (z in, activations out); h, c, tc (= tanh c) [rows,H] out; cPrev [rows,H]
export function lstm_step_forward(
  gates: usize, h: usize, c: usize, tc: usize, cPrev: usize, peep: usize, rows: i32, H: i32, hard: bool,
): void {
  forwardUnits(gates, h, c, tc, cPrev, peep, rows, H, hard, 0, H);
}

// lstm_step_forward for the hidden units u0..u1-1 (u0 a multiple of 4): the whole-sequence
// kernel gives each thread its own units, and every element takes the same path either way
// (SIMD bodies on runs of 4 from u0, the scalar loop on the tail past the last 4).
// @ts-ignore: decorator
@inline function forwardUnits(
  gates: usize, h: usize, c: usize, tc: usize, cPrev: usize, peep: usize, rows: i32, H: i32, hard: bool, u0: i32, u1: i32,
): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const gr = gates + <usize>r * 4 * hb;
    const rowOff = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      // three passes over the row, each with few live vectors (one pass with all five activations
      // kept more vectors than the engine has registers and spilled them): i and f, then g, then
      // c, o, tanh(c) and h — the same operations on each element in the same order
      const H4 = u0 + ((u1 - u0) & ~3);
      for (let jj = u0; jj < H4; jj += 4) {
        const o = <usize>jj << 2;
        let zi = v128.load(gr + o);
        let zf = v128.load(gr + hb + o);
        if (peep) {
          const cp = v128.load(cPrev + rowOff + o);
          zi = f32x4.add(zi, f32x4.mul(v128.load(peep + o), cp));
          zf = f32x4.add(zf, f32x4.mul(v128.load(peep + hb + o), cp));
        }
        v128.store(gr + o, vgate(zi, hard));
        v128.store(gr + hb + o, vgate(zf, hard));
      }
      for (let jj = u0; jj < H4; jj += 4) {
        const o = (<usize>jj << 2) + 2 * hb;
        v128.store(gr + o, vtanh(v128.load(gr + o)));
      }
      for (; j < H4; j += 4) {
        const o = <usize>j << 2;
        const cv = f32x4.add(
          f32x4.mul(v128.load(gr + hb + o), v128.load(cPrev + rowOff + o)),
          f32x4.mul(v128.load(gr + o), v128.load(gr + 2 * hb + o)),
        );
        let zo = v128.load(gr + 3 * hb + o);
        if (peep) zo = f32x4.add(zo, f32x4.mul(v128.load(peep + 2 * hb + o), cv));
        const og = vgate(zo, hard);
        const tcv = vtanh(cv);
        v128.store(gr + 3 * hb + o, og);
        v128.store(c + rowOff + o, cv);
        v128.store(tc + rowOff + o, tcv);
        v128.store(h + rowOff + o, f32x4.mul(og, tcv));
      }
    }
    for (; j < u1; j++) {
      const o = <usize>j << 2;
      const cp = load<f32>(cPrev + rowOff + o);
      let zi = load<f32>(gr + o);
      let zf = load<f32>(gr + hb + o);
      const zg = load<f32>(gr + 2 * hb + o);
      let zo = load<f32>(gr + 3 * hb + o);
      if (peep) {
        zi += load<f32>(peep + o) * cp;
        zf += load<f32>(peep + hb + o) * cp;
      }
      const ig = gatef(zi, hard);
      const fg = gatef(zf, hard);
      const gg = tanhf(zg);
      const cv = fg * cp + ig * gg;
      if (peep) zo += load<f32>(peep + 2 * hb + o) * cv;
      const og = gatef(zo, hard);
      const tcv = tanhf(cv);
      store<f32>(gr + o, ig);
      store<f32>(gr + hb + o, fg);
      store<f32>(gr + 2 * hb + o, gg);
      store<f32>(gr + 3 * hb + o, og);
      store<f32>(c + rowOff + o, cv);
      store<f32>(tc + rowOff + o, tcv);
      store<f32>(h + rowOff + o, og * tcv);
    }
  }
}

// BPTT through one step. dh [rows,H]: total gradient of h (output + next step). dc [rows,H]:
// in, the gradient of c from the next step; out, the gradient of c_prev. dgates [rows,4H] out:
// gradients of the pre-activations z (i,f,g,o). dpeep [3H] accumulates the peephole gradients.
export function lstm_step_backward(
  dgates: usize, dc: usize, dpeep: usize, dh: usize, gates: usize, cPrev: usize, c: usize, tc: usize, peep: usize,
  rows: i32, H: i32, hard: bool,
): void {
  backwardUnits(dgates, dc, dpeep, dh, gates, cPrev, c, tc, peep, rows, H, hard, 0, H);
}

// lstm_step_backward for the hidden units u0..u1-1 (u0 a multiple of 4), as forwardUnits.
// @ts-ignore: decorator
@inline function backwardUnits(
  dgates: usize, dc: usize, dpeep: usize, dh: usize, gates: usize, cPrev: usize, c: usize, tc: usize, peep: usize,
  rows: i32, H: i32, hard: bool, u0: i32, u1: i32,
): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const gr = gates + <usize>r * 4 * hb;
    const dgr = dgates + <usize>r * 4 * hb;
    const rowOff = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1.0);
      for (; j + 4 <= u1; j += 4) {
        const o = <usize>j << 2;
        const ig = v128.load(gr + o);
        const fg = v128.load(gr + hb + o);
        const gg = v128.load(gr + 2 * hb + o);
        const og = v128.load(gr + 3 * hb + o);
        const tcv = v128.load(tc + rowOff + o);
        const dhv = v128.load(dh + rowOff + o);
        const cp = v128.load(cPrev + rowOff + o);
        const dzo = f32x4.mul(f32x4.mul(dhv, tcv), vgateGrad(og, hard));
        let dct = f32x4.add(v128.load(dc + rowOff + o), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tcv, tcv))));
        if (peep) dct = f32x4.add(dct, f32x4.mul(dzo, v128.load(peep + 2 * hb + o)));
        const dzi = f32x4.mul(f32x4.mul(dct, gg), vgateGrad(ig, hard));
        const dzg = f32x4.mul(f32x4.mul(dct, ig), f32x4.sub(one, f32x4.mul(gg, gg)));
        const dzf = f32x4.mul(f32x4.mul(dct, cp), vgateGrad(fg, hard));
        let dcp = f32x4.mul(dct, fg);
        if (peep) {
          dcp = f32x4.add(dcp, f32x4.add(f32x4.mul(dzi, v128.load(peep + o)), f32x4.mul(dzf, v128.load(peep + hb + o))));
        }
        if (dpeep) {
          v128.store(dpeep + o, f32x4.add(v128.load(dpeep + o), f32x4.mul(dzi, cp)));
          v128.store(dpeep + hb + o, f32x4.add(v128.load(dpeep + hb + o), f32x4.mul(dzf, cp)));
          v128.store(dpeep + 2 * hb + o, f32x4.add(v128.load(dpeep + 2 * hb + o), f32x4.mul(dzo, v128.load(c + rowOff + o))));
        }
        v128.store(dgr + o, dzi);
        v128.store(dgr + hb + o, dzf);
        v128.store(dgr + 2 * hb + o, dzg);
        v128.store(dgr + 3 * hb + o, dzo);
        v128.store(dc + rowOff + o, dcp);
      }
    }
    for (; j < u1; j++) {
      const o = <usize>j << 2;
      const ig = load<f32>(gr + o);
      const fg = load<f32>(gr + hb + o);
      const gg = load<f32>(gr + 2 * hb + o);
      const og = load<f32>(gr + 3 * hb + o);
      const tcv = load<f32>(tc + rowOff + o);
      const dhv = load<f32>(dh + rowOff + o);
      const cp = load<f32>(cPrev + rowOff + o);
      const dzo = dhv * tcv * gateGradf(og, hard);
      let dct = load<f32>(dc + rowOff + o) + dhv * og * (1 - tcv * tcv);
      if (peep) dct += dzo * load<f32>(peep + 2 * hb + o);
      const dzi = dct * gg * gateGradf(ig, hard);
      const dzg = dct * ig * (1 - gg * gg);
      const dzf = dct * cp * gateGradf(fg, hard);
      let dcp = dct * fg;
      if (peep) dcp += dzi * load<f32>(peep + o) + dzf * load<f32>(peep + hb + o);
      if (dpeep) {
        store<f32>(dpeep + o, load<f32>(dpeep + o) + dzi * cp);
        store<f32>(dpeep + hb + o, load<f32>(dpeep + hb + o) + dzf * cp);
        store<f32>(dpeep + 2 * hb + o, load<f32>(dpeep + 2 * hb + o) + dzo * load<f32>(c + rowOff + o));
      }
      store<f32>(dgr + o, dzi);
      store<f32>(dgr + hb + o, dzf);
      store<f32>(dgr + 2 * hb + o, dzg);
      store<f32>(dgr + 3 * hb + o, dzo);
      store<f32>(dc + rowOff + o, dcp);
    }
  }
}

// The whole time loop of one direction of a layer without projection (assembly/recurrent.ts
// runs the steps; on a team of threads each step's runs of 8 hidden units are claimed as they go):
//   forward:  xw[t] += h_prev·W_hhᵀ (a run's columns of all four gates: whole 8-column panels of
//             the packed W_hh), then the gate kernel on xw[t] for the run (h, c, tc of step t out);
//   backward: dh += dOut[t] and the gate kernel's backward (dXW[t], dc, the peephole sums), then
//             dh = dXW[t]·W_hh.
// Every element is computed as the per-step kernels compute it: one thread and a team give the
// same bits. The params (LstmForward, LstmBackward below) forward: xw [T,B,4H], hHist,
// cHist (the states entering step t at + t·B·H floats), hNext, cNext (the states after it), tc
// [T,B,H], peep [3H] or 0, packed W_hh [H → 4H], hard; backward: dXW [T,B,4H], dh, dc [B,H] (in:
// the gradients after the last step; out: those of the initial states), dOut [T,B,H] or 0, gates
// [T,B,4H] (forward's activations), cHist, cNext, tc, peep or 0, dpeep [3H] (accumulated) or 0,
// packed W_hh [4H → H], hard.
@unmanaged
class LstmForward extends LoopParams {
  xw: usize;
  hHist: usize;
  cHist: usize;
  hNext: usize;
  cNext: usize;
  tc: usize;
  peep: usize;
  packed: usize;
  hard: i32;
}

@unmanaged
class LstmBackward extends LoopParams {
  dXW: usize;
  dh: usize;
  dc: usize;
  dOut: usize;
  gates: usize;
  cHist: usize;
  cNext: usize;
  tc: usize;
  peep: usize;
  dpeep: usize;
  packedT: usize;
  hard: i32;
}

export function lstm_seq_forward(params: usize, self: i32, team: usize): void {
  forwardLoop(params, self, team, lstmStep);
}

export function lstm_seq_backward(params: usize, self: i32, team: usize): void {
  backwardLoop(params, self, team, lstmGateBackward, lstmProductBackward);
}

function lstmStep(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<LstmForward>(params);
  const B = p.B;
  const H = p.H;
  const G = 4 * H;
  const st = <usize>t * B * H * 4;
  const z = p.xw + <usize>t * B * G * 4;
  const h = p.hHist + st;
  if (t != p.known) gateProduct(z, h, p.packed, 0, rows, H, 4, true, u0, u1);
  forwardUnits(z, p.hNext + st, p.cNext + st, p.tc + st, p.cHist + st, p.peep, rows, H, p.hard != 0, u0, u1);
}

function lstmGateBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<LstmBackward>(params);
  const B = p.B;
  const H = p.H;
  const st = <usize>t * B * H * 4;
  const gt = <usize>t * B * H * 16;
  if (p.dOut) addUnits(p.dh, p.dOut + st, rows, H, u0, u1);
  backwardUnits(p.dXW + gt, p.dc, p.dpeep, p.dh, p.gates + gt, p.cHist + st, p.cNext + st, p.tc + st, p.peep, rows, H, p.hard != 0, u0, u1);
}

function lstmProductBackward(params: usize, t: i32, rows: i32, u0: i32, u1: i32): void {
  const p = changetype<LstmBackward>(params);
  if (t == p.known) return;
  const B = p.B;
  const H = p.H;
  const G = 4 * H;
  gemm_packed_panels(p.dh, p.dXW + <usize>t * B * G * 4, G, 1, p.packedT, 0, rows, G, H, false, H, u0 >> 3, (u1 + 7) >> 3);
}
