// Plain-loop twins of assembly/lstm.ts, plus a whole-sequence LSTM (one direction, no
// lengths) written from the equations, for the forms PyTorch lacks (peepholes).
import type { Floats } from './types.js';
import { eachStep } from './steps.js';
import { gate, gateGrad } from './gate.js';
import { gemm_nn, gemm_nt } from './matmul.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export function lstm_step_forward(
  gates: Floats,
  h: Floats,
  c: Floats,
  tc: Floats,
  cPrev: Floats,
  peep: Floats | null,
  rows: number,
  H: number,
  hard = false,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const g = r * 4 * H;
      const cp = cPrev[r * H + j];
      const i = gate(gates[g + j] + (peep ? peep[j] * cp : 0), hard);
      const f = gate(gates[g + H + j] + (peep ? peep[H + j] * cp : 0), hard);
      const gg = Math.tanh(gates[g + 2 * H + j]);
      const cv = f * cp + i * gg;
      const o = gate(gates[g + 3 * H + j] + (peep ? peep[2 * H + j] * cv : 0), hard);
      gates[g + j] = i;
      gates[g + H + j] = f;
      gates[g + 2 * H + j] = gg;
      gates[g + 3 * H + j] = o;
      c[r * H + j] = cv;
      tc[r * H + j] = Math.tanh(cv);
      h[r * H + j] = o * Math.tanh(cv);
    }
  }
}

export function lstm_step_backward(
  dgates: Floats,
  dc: Floats,
  dpeep: Floats | null,
  dh: Floats,
  gates: Floats,
  cPrev: Floats,
  c: Floats,
  tc: Floats,
  peep: Floats | null,
  rows: number,
  H: number,
  hard = false,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const g = r * 4 * H;
      const q = r * H + j;
      const [i, f, gg, o] = [gates[g + j], gates[g + H + j], gates[g + 2 * H + j], gates[g + 3 * H + j]];
      const dzo = dh[q] * tc[q] * gateGrad(o, hard);
      let dct = dc[q] + dh[q] * o * (1 - tc[q] * tc[q]);
      if (peep) dct += dzo * peep[2 * H + j];
      const dzi = dct * gg * gateGrad(i, hard);
      const dzg = dct * i * (1 - gg * gg);
      const dzf = dct * cPrev[q] * gateGrad(f, hard);
      let dcp = dct * f;
      if (peep) dcp += dzi * peep[j] + dzf * peep[H + j];
      if (dpeep) {
        dpeep[j] += dzi * cPrev[q];
        dpeep[H + j] += dzf * cPrev[q];
        dpeep[2 * H + j] += dzo * c[q];
      }
      dgates[g + j] = dzi;
      dgates[g + H + j] = dzf;
      dgates[g + 2 * H + j] = dzg;
      dgates[g + 3 * H + j] = dzo;
      dc[q] = dcp;
    }
  }
}

/**
 * Twin of lstm_seq_forward: hSeq, cSeq [T+1,B,H] hold each state's steps with the initial state
 * in slot 0 (slot T in reverse), as the recurrent driver lays them out; step t reads the slot
 * before its own and writes its own. xw [T,B,4H] (in: x·W_ihᵀ + b; out: the gate activations),
 * tc [T,B,H], wHh [4H,H].
 */
export function lstm_seq_forward(
  xw: Floats,
  hSeq: Floats,
  cSeq: Floats,
  tc: Floats,
  peep: Floats | null,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  hard: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  eachStep(active, T, reverse, false, (t, rows, inT, outT) => {
    const z = xw.subarray(t * B * 4 * H, (t * B + rows) * 4 * H);
    gemm_nt(z, hSeq.subarray(inT * S), wHh, null, rows, H, 4 * H, true);
    lstm_step_forward(z, hSeq.subarray(outT * S), cSeq.subarray(outT * S), tc.subarray(t * S), cSeq.subarray(inT * S), peep, rows, H, hard);
  });
}

/**
 * Twin of lstm_seq_backward over forward's blocks: dXW [T,B,4H] out, dh and dc [B,H] in and out,
 * dOut [T,B,H] or null, dpeep [3H] accumulated.
 */
export function lstm_seq_backward(
  dXW: Floats,
  dh: Floats,
  dc: Floats,
  dOut: Floats | null,
  gates: Floats,
  cSeq: Floats,
  tc: Floats,
  peep: Floats | null,
  dpeep: Floats | null,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  hard: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  eachStep(active, T, reverse, true, (t, rows, inT, outT) => {
    if (dOut) for (let i = 0; i < rows * H; i++) dh[i] += dOut[t * S + i];
    const dz = dXW.subarray(t * B * 4 * H);
    lstm_step_backward(
      dz,
      dc,
      dpeep,
      dh,
      gates.subarray(t * B * 4 * H),
      cSeq.subarray(inT * S),
      cSeq.subarray(outT * S),
      tc.subarray(t * S),
      peep,
      rows,
      H,
      hard,
    );
    gemm_nn(dh, dz, wHh, null, rows, 4 * H, H, false);
  });
}

/** A whole LSTM sequence from the equations: x [B,T,I], weights in PyTorch layout, float64. */
export function lstmSequence(
  x: Floats,
  B: number,
  T: number,
  I: number,
  H: number,
  w: { wIh: Floats; wHh: Floats; bIh: Floats | null; bHh: Floats | null; wCi?: Floats; wCf?: Floats; wCo?: Floats },
): { output: Float64Array; hN: Float64Array; cN: Float64Array } {
  const output = new Float64Array(B * T * H);
  const hN = new Float64Array(B * H);
  const cN = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    let c = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const z = new Float64Array(4 * H);
      for (let r = 0; r < 4 * H; r++) {
        let s = (w.bIh ? w.bIh[r] : 0) + (w.bHh ? w.bHh[r] : 0);
        for (let i = 0; i < I; i++) s += w.wIh[r * I + i] * x[(b * T + t) * I + i];
        for (let j = 0; j < H; j++) s += w.wHh[r * H + j] * h[j];
        z[r] = s;
      }
      const hn = new Float64Array(H);
      const cn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const ig = sig(z[j] + (w.wCi ? w.wCi[j] * c[j] : 0));
        const fg = sig(z[H + j] + (w.wCf ? w.wCf[j] * c[j] : 0));
        const gg = Math.tanh(z[2 * H + j]);
        cn[j] = fg * c[j] + ig * gg;
        const og = sig(z[3 * H + j] + (w.wCo ? w.wCo[j] * cn[j] : 0));
        hn[j] = og * Math.tanh(cn[j]);
        output[(b * T + t) * H + j] = hn[j];
      }
      h = hn;
      c = cn;
    }
    hN.set(h, b * H);
    cN.set(c, b * H);
  }
  return { output, hN, cN };
}
