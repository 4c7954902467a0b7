// The LSTM cell (PyTorch's nn.LSTM, plus peepholes), run over a whole sequence by the recurrent
// driver as ONE tape node with a fused backward:
//   [i,f,g,o] = [σ,σ,tanh,σ](x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh (+ peepholes w_c⊙c));
//   c' = f⊙c + i⊙g;  h' = o⊙tanh(c')  (with projSize P: h' = W_hr·(o⊙tanh(c')), as PyTorch)
// forward:  xw[t] += h·W_hhᵀ;  the fused gate kernel turns xw[t] into the gates and writes c', tanh c';
//           with a projection one more product h' = (o⊙tanh c')·W_hrᵀ
// backward: the gate kernel gives dz[t] and dc_prev (and the peephole sums); dh_prev = dz·W_hh
// Without a projection each direction's loop over time is one kernel call (lstm_seq_forward,
// lstm_seq_backward, on assembly/recurrent.ts' loop): on several threads they claim each step's
// hidden units in runs of 8 and move on when the step's units are done; with one, the same
// arithmetic as step by step.
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,P], c0 [D,B,H] -> output [.., D·P], hN [D,B,P], cN [D,B,H].
// Kernels: assembly/lstm.ts, assembly/matmul.ts.
import type { Tensor } from '../tensor.js';
import type { Arena, Block } from '../backend/heap.js';
import { gemmPacked } from '../backend/gemm.js';
import { loopHeader, runLayer, type Cell, type LayerCall } from './recurrent.js';

/** The weights of one direction of an LSTM layer (PyTorch layouts). @internal */
export interface LstmWeights {
  wIh: Tensor; // [4H, I]
  wHh: Tensor; // [4H, P]
  bIh: Tensor | null; // [4H]
  bHh: Tensor | null; // [4H]
  wHr: Tensor | null; // [P, H] projection
  wCi: Tensor | null; // [H] peepholes
  wCf: Tensor | null;
  wCo: Tensor | null;
}

/** Shapes and layout of one LSTM layer call. @internal */
export interface LstmLayerConfig extends LayerCall {
  hiddenSize: number;
  projSize: number; // 0: none
  /** Gates use Keras 2 / tfjs's hard sigmoid clip(0.2x + 0.5, 0, 1) instead of σ (default false). */
  hardGates?: boolean;
}

/** What one recurrent layer returns. @internal */
export interface RecurrentResult {
  output: Tensor;
  hN: Tensor;
  cN: Tensor | null;
}

interface LstmKept {
  [name: string]: Block;
  gates: Block; // [T,B,4H] activations i,f,g,o
  tc: Block; // [T,B,H] tanh(c)
  hraw: Block; // [T,B,H] o⊙tanh(c) before the projection (a 0-sized block without one)
}

/** The three peephole vectors side by side [3,H] in the arena, or 0 without peepholes. */
function putPeepholes(ar: Arena, w: LstmWeights, data: (t: Tensor) => Float32Array, H: number): number {
  if (!w.wCi) return 0;
  const p = ar.block(3, H);
  ar.view(p.ptr, p.size).set(data(w.wCi), 0);
  ar.view(p.at(1), H).set(data(w.wCf!));
  ar.view(p.at(2), H).set(data(w.wCo!));
  return p.ptr;
}

function lstmCell(H: number, P: number, proj: boolean, hard: boolean): Cell<LstmWeights, LstmKept> {
  const G = 4 * H;
  return {
    name: 'lstm',
    gates: G,
    stateSizes: [P, H],
    tensors: (w) => [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr, w.wCi, w.wCf, w.wCo],
    inputBiases: (w) => [w.bIh, w.bHh],

    forward({ ar, k, B, active, reverse, known, xw, next: [out, c], history: [hHist, cHist], data, packed: pack }, w) {
      const T = xw.dims[0];
      const packed = pack(w.wHh, P, G);
      const packedR = proj ? pack(w.wHr!, H, P) : 0;
      const peep = putPeepholes(ar, w, data, H);
      const tc = ar.block(T, B, H);
      const hraw = proj ? ar.zeroBlock(T, B, H) : ar.block(0);
      const step = (t: number, rows: number, [h, cPrev]: readonly number[]) => {
        gemmPacked(k, xw.at(t), h, P, 1, packed, 0, rows, P, G, true, G);
        k.lstm_step_forward(xw.at(t), proj ? hraw.at(t) : out.at(t), c.at(t), tc.at(t), cPrev, peep, rows, H, hard ? 1 : 0);
        if (proj) gemmPacked(k, out.at(t), hraw.at(t), H, 1, packedR, 0, rows, H, P, false, P);
      };
      const keep = { gates: xw, tc, hraw };
      if (proj) return { step, keep };
      // without a projection the whole loop is one kernel call, its hidden units shared by the threads
      const all = () => {
        // the fields of LstmForward (assembly/lstm.ts) after the loop's header
        const params = [xw.ptr, hHist.ptr, cHist.ptr, out.ptr, c.ptr, tc.ptr, peep, packed, hard ? 1 : 0];
        k.lstm_seq_forward(ar.putInts([...loopHeader(ar, active, T, B, H, reverse, known), ...params]), 0, 0);
      };
      return { all, keep };
    },

    backward(
      { ar, k, B, active, reverse, known, dXW, dOut, dState: [dh, dc], history: [hPrev, cPrev], next: [, c], data, packed, grad, gradTN },
      w,
      { gates, tc, hraw },
    ) {
      const T = dXW.dims[0];
      const packedT = packed(w.wHh, G, P);
      const packedRT = proj ? packed(w.wHr!, P, H) : 0;
      const dhraw = proj ? ar.block(B, H).ptr : 0;
      const dProj = proj ? ar.zeroBlock(T, B, P) : ar.block(0); // the gradient of each projected h
      const peep = putPeepholes(ar, w, data, H);
      const dpeep = ar.zeroBlock(3, H);
      const step = (t: number, rows: number, dht: number) => {
        if (proj) {
          ar.copy(dProj.at(t), dht, rows * P);
          gemmPacked(k, dhraw, dht, P, 1, packedRT, 0, rows, P, H, false, H);
        }
        const dIn = proj ? dhraw : dht;
        k.lstm_step_backward(
          dXW.at(t),
          dc,
          peep ? dpeep.ptr : 0,
          dIn,
          gates.at(t),
          cPrev.at(t),
          c.at(t),
          tc.at(t),
          peep,
          rows,
          H,
          hard ? 1 : 0,
        );
        gemmPacked(k, dh, dXW.at(t), G, 1, packedT, 0, rows, G, P, false, P);
      };
      const grads = () => {
        gradTN(w.wHh, dXW, hPrev);
        if (proj) gradTN(w.wHr, dProj, hraw);
        [w.wCi, w.wCf, w.wCo].forEach((p, i) => grad(p, dpeep.at(i), H));
      };
      if (proj) return { step, grads };
      const all = () => {
        // the fields of LstmBackward (assembly/lstm.ts) after the loop's header
        const params = [
          dXW.ptr,
          dh,
          dc,
          dOut ? dOut.ptr : 0,
          gates.ptr,
          cPrev.ptr,
          c.ptr,
          tc.ptr,
          peep,
          peep ? dpeep.ptr : 0,
          packedT,
          hard ? 1 : 0,
        ];
        k.lstm_seq_backward(ar.putInts([...loopHeader(ar, active, T, B, H, reverse, known), ...params]), 0, 0);
      };
      return { all, grads };
    },
  };
}

/** Runs one LSTM layer (one or two directions); see the file comment. @internal */
export function lstmLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, dirs: LstmWeights[], cfg: LstmLayerConfig): RecurrentResult {
  const cell = lstmCell(cfg.hiddenSize, cfg.projSize || cfg.hiddenSize, cfg.projSize > 0, cfg.hardGates ?? false);
  const { output, states } = runLayer(cell, x, [h0, c0], dirs, cfg);
  return { output, hN: states[0], cN: states[1] };
}
