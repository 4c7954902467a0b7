// Plain-loop twins of assembly/elman.ts: the Elman layer's time loop, step by step with the
// reference GEMM and activations. hSeq [T+1,B,H] holds the state's steps with the initial state in
// slot 0 (slot T in reverse), as the recurrent driver lays them out; xw, dXW [T,B,H]; wHh [H,H].
import type { Floats } from './types.js';
import { eachStep } from './steps.js';
import { gemm_nn, gemm_nt } from './matmul.js';
import { relu_backward, relu_forward, tanh_backward, tanh_forward } from './activations.js';

export function elman_seq_forward(
  xw: Floats,
  hSeq: Floats,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  relu: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  eachStep(active, T, reverse, false, (t, rows, inT, outT) => {
    const z = xw.subarray(t * S);
    gemm_nt(z, hSeq.subarray(inT * S), wHh, null, rows, H, H, true);
    (relu ? relu_forward : tanh_forward)(hSeq.subarray(outT * S), z, rows * H);
  });
}

/** dh [B,H] in (the gradient after the last step) and out (the initial state's); dOut [T,B,H] or null. */
export function elman_seq_backward(
  dXW: Floats,
  dh: Floats,
  dOut: Floats | null,
  hSeq: Floats,
  wHh: Floats,
  active: ArrayLike<number>,
  T: number,
  B: number,
  H: number,
  relu: boolean,
  reverse: boolean,
): void {
  const S = B * H;
  eachStep(active, T, reverse, true, (t, rows, _inT, outT) => {
    if (dOut) for (let i = 0; i < rows * H; i++) dh[i] += dOut[t * S + i];
    const dz = dXW.subarray(t * S);
    dz.fill(0, 0, rows * H);
    (relu ? relu_backward : tanh_backward)(dz, dh, hSeq.subarray(outT * S), rows * H);
    gemm_nn(dh, dz, wHh, null, rows, H, H, false);
  });
}
