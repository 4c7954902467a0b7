// The Elman cell (PyTorch's nn.RNN), run over a whole sequence by the recurrent driver:
//   h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh),  act = tanh or relu
// forward:  xw[t] += h·W_hhᵀ;  h' = act(xw[t])
// backward: dz = act'(dh);  dh_prev = dz·W_hh;  dW_hh = Σ_t dzᵀ·h_prev (sharing dzᵀ with dW_ih)
// Each direction's loop over time is one kernel call (assembly/elman.ts; on several threads a team
// sharing the hidden units).
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,H] -> output [.., D·H], hN [D,B,H].
import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { loopHeader, runLayer, type Cell, type LayerCall } from './recurrent.js';
import type { RecurrentResult } from './lstm.js';

/** The weights of one direction of an Elman layer. @internal */
export interface ElmanWeights {
  wIh: Tensor; // [H, I]
  wHh: Tensor; // [H, H]
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** An activation as its forward (out, x, n) and backward (dinp += dout·act'(y), n) kernels. @internal */
export interface ElmanActivation {
  readonly name: 'tanh' | 'relu';
  forward(k: Kernels, out: number, x: number, n: number): void;
  backward(k: Kernels, dinp: number, dout: number, y: number, n: number): void;
}

/** tanh and relu as kernel pairs. @internal */
export const ELMAN_ACTIVATIONS: Readonly<Record<'tanh' | 'relu', ElmanActivation>> = Object.freeze({
  tanh: { name: 'tanh', forward: (k, o, x, n) => k.tanh_forward(o, x, n), backward: (k, d, g, y, n) => k.tanh_backward(d, g, y, n) },
  relu: { name: 'relu', forward: (k, o, x, n) => k.relu_forward(o, x, n), backward: (k, d, g, y, n) => k.relu_backward(d, g, y, n) },
});

/** Shapes and layout of one Elman layer call. @internal */
export interface ElmanLayerConfig extends LayerCall {
  hiddenSize: number;
  activation: ElmanActivation;
}

function elmanCell(H: number, act: ElmanActivation): Cell<ElmanWeights, Record<string, never>> {
  const relu = act.name === 'relu' ? 1 : 0;
  return {
    name: 'elman',
    gates: H,
    stateSizes: [H],
    tensors: (w) => [w.wIh, w.wHh, w.bIh, w.bHh],
    inputBiases: (w) => [w.bIh, w.bHh],

    forward({ ar, k, B, active, reverse, known, xw, next: [y], history: [hHist], packed: pack }, w) {
      const packed = pack(w.wHh, H, H);
      const all = () => {
        // the fields of ElmanForward (assembly/elman.ts) after the loop's header
        const params = [xw.ptr, hHist.ptr, y.ptr, packed, relu];
        k.elman_seq_forward(ar.putInts([...loopHeader(ar, active, xw.dims[0], B, H, reverse, known), ...params]), 0, 0);
      };
      return { all, keep: {} };
    },

    backward({ ar, k, B, active, reverse, known, dXW, dOut, dState: [dh], history: [hPrev], next: [y], packed, gradTN }, w) {
      const packedT = packed(w.wHh, H, H);
      const all = () => {
        // the fields of ElmanBackward (assembly/elman.ts) after the loop's header
        const params = [dXW.ptr, dh, dOut ? dOut.ptr : 0, y.ptr, packedT, relu];
        k.elman_seq_backward(ar.putInts([...loopHeader(ar, active, dXW.dims[0], B, H, reverse, known), ...params]), 0, 0);
      };
      return { all, grads: () => gradTN(w.wHh, dXW, hPrev) };
    },
  };
}

/** Runs one Elman layer (one or two directions); see the file comment. @internal */
export function elmanLayer(x: Tensor, h0: Tensor | null, dirs: ElmanWeights[], cfg: ElmanLayerConfig): RecurrentResult {
  const { output, states } = runLayer(elmanCell(cfg.hiddenSize, cfg.activation), x, [h0], dirs, cfg);
  return { output, hN: states[0], cN: null };
}
