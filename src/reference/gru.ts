// Plain-loop twins of assembly/gru.ts, plus a whole-sequence GRU from the equations (one
// direction, no lengths) for Cho et al.'s reset-before form, which PyTorch lacks.
import type { Floats } from './types.js';
import { eachStep } from './steps.js';
import { gate, gateGrad } from './gate.js';
import { gemm_nn, gemm_nt } from './matmul.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export function gru_rz_forward(
  gates: Floats,
  rh: Floats | null,
  xw: Floats,
  hw: Floats,
  hPrev: Floats,
  rows: number,
  H: number,
  hard = false,
): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const g = r * 3 * H;
      gates[g + j] = gate(xw[g + j] + hw[g + j], hard);
      gates[g + H + j] = gate(xw[g + H + j] + hw[g + H + j], hard);
      if (rh) rh[r * H + j] = gates[g + j] * hPrev[r * H + j];
    }
}

export function gru_n_forward(
  h: Floats,
  gates: Floats,
  xw: Floats,
  hw: Floats,
  hPrev: Floats,
  rows: number,
  H: number,
  resetAfter: boolean,
): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const g = r * 3 * H;
      const hn = hw[g + 2 * H + j];
      const n = Math.tanh(xw[g + 2 * H + j] + (resetAfter ? gates[g + j] * hn : hn));
      gates[g + 2 * H + j] = n;
      const z = gates[g + H + j];
      h[r * H + j] = (1 - z) * n + z * hPrev[r * H + j];
    }
}

export function gru_step_backward(
  dxw: Floats,
  dhw: Floats,
  dhPrev: Floats,
  dh: Floats,
  gates: Floats,
  hw: Floats,
  hPrev: Floats,
  rows: number,
  H: number,
  resetAfter: boolean,
  hard = false,
): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const g = r * 3 * H;
      const q = r * H + j;
      const [rv, z, n] = [gates[g + j], gates[g + H + j], gates[g + 2 * H + j]];
      const dnp = dh[q] * (1 - z) * (1 - n * n);
      const dzp = dh[q] * (hPrev[q] - n) * gateGrad(z, hard);
      dhPrev[q] = dh[q] * z;
      dxw[g + H + j] = dhw[g + H + j] = dzp;
      dxw[g + 2 * H + j] = dnp;
      if (resetAfter) {
        const drp = dnp * hw[g + 2 * H + j] * gateGrad(rv, hard);
        dxw[g + j] = dhw[g + j] = drp;
        dhw[g + 2 * H + j] = dnp * rv;
      } else {
        dhw[g + 2 * H + j] = dnp;
      }
    }
}

export function gru_reset_backward(
  dxw: Floats,
  dhw: Floats,
  dhPrev: Floats,
  drh: Floats,
  gates: Floats,
  hPrev: Floats,
  rows: number,
  H: number,
  hard = false,
): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const g = r * 3 * H;
      const q = r * H + j;
      const rv = gates[g + j];
      const drp = drh[q] * hPrev[q] * gateGrad(rv, hard);
      dxw[g + j] = dhw[g + j] = drp;
      dhPrev[q] += drh[q] * rv;
    }
}

/**
 * Twin of gru_seq_forward (the reset-after form): hSeq [T+1,B,H] holds the state's steps with the
 * initial state in slot 0 (slot T in reverse), as the recurrent driver lays them out. xw, hw,
 * gates [T,B,3H]; wHh [3H,H]; bHh [3H] or null.
 */
export function gru_seq_forward(
  xw: Floats,
  hw: Floats,
  gates: Floats,
  hSeq: Floats,
  bHh: Floats | null,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  hard: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  const G3 = B * 3 * H;
  eachStep(active, T, reverse, false, (t, rows, inT, outT) => {
    const h = hSeq.subarray(inT * S);
    gemm_nt(hw.subarray(t * G3), h, wHh, bHh, rows, H, 3 * H, false);
    gru_rz_forward(gates.subarray(t * G3), null, xw.subarray(t * G3), hw.subarray(t * G3), h, rows, H, hard);
    gru_n_forward(hSeq.subarray(outT * S), gates.subarray(t * G3), xw.subarray(t * G3), hw.subarray(t * G3), h, rows, H, true);
  });
}

/** Twin of gru_seq_backward: dXW, dHW [T,B,3H] out, dh [B,H] in and out, dOut [T,B,H] or null. */
export function gru_seq_backward(
  dXW: Floats,
  dHW: Floats,
  dh: Floats,
  dOut: Floats | null,
  gates: Floats,
  hw: Floats,
  hSeq: Floats,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  hard: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  const G3 = B * 3 * H;
  eachStep(active, T, reverse, true, (t, rows, inT) => {
    const dht = dh.slice(0, rows * H);
    if (dOut) for (let i = 0; i < rows * H; i++) dht[i] += dOut[t * S + i];
    gru_step_backward(
      dXW.subarray(t * G3),
      dHW.subarray(t * G3),
      dh,
      dht,
      gates.subarray(t * G3),
      hw.subarray(t * G3),
      hSeq.subarray(inT * S),
      rows,
      H,
      true,
      hard,
    );
    gemm_nn(dh, dHW.subarray(t * G3), wHh, null, rows, 3 * H, H, true);
  });
}

/** A whole GRU sequence from the equations: x [B,T,I], PyTorch layouts, float64. */
export function gruSequence(
  x: Floats,
  B: number,
  T: number,
  I: number,
  H: number,
  w: { wIh: Floats; wHh: Floats; bIh: Floats | null; bHh: Floats | null },
  resetAfter: boolean,
): { output: Float64Array; hN: Float64Array } {
  const output = new Float64Array(B * T * H);
  const hN = new Float64Array(B * H);
  const mv = (W: Floats, row0: number, v: Floats, n: number, bias: Floats | null) => {
    const out = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let s = bias ? bias[row0 + j] : 0;
      for (let i = 0; i < n; i++) s += W[(row0 + j) * n + i] * v[i];
      out[j] = s;
    }
    return out;
  };
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const xt = x.subarray((b * T + t) * I, (b * T + t + 1) * I);
      const [xr, xz, xn] = [0, H, 2 * H].map((o) => mv(w.wIh, o, xt, I, w.bIh));
      const [hr, hz] = [0, H].map((o) => mv(w.wHh, o, h, H, w.bHh));
      const r = xr.map((v, j) => sig(v + hr[j]));
      const z = xz.map((v, j) => sig(v + hz[j]));
      const hn = resetAfter
        ? mv(w.wHh, 2 * H, h, H, w.bHh).map((v, j) => r[j] * v)
        : mv(
            w.wHh,
            2 * H,
            h.map((v, j) => r[j] * v),
            H,
            w.bHh,
          );
      const n = xn.map((v, j) => Math.tanh(v + hn[j]));
      h = n.map((v, j) => (1 - z[j]) * v + z[j] * h[j]);
      output.set(h, (b * T + t) * H);
    }
    hN.set(h, b * H);
  }
  return { output, hN };
}
