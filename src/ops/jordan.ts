// The Jordan cell, run over a whole sequence by the recurrent driver as ONE tape node: the previous
// step's OUTPUT is fed back, not the hidden state (Jordan 1986; the founding notes' "Jordan network"):
//   h_t = act(x_t·W_ihᵀ + b_ih + y_{t-1}·W_hhᵀ + b_hh)      W_hh [H, O]
//   y_t = outAct(h_t·W_hoᵀ + b_ho)                            W_ho [O, H]
// backward: do = outAct'(dy);  dh = do·W_ho;  dz = act'(dh);  dy_prev = dz·W_hh
// x [B,T,I] (batchFirst) or [T,B,I]; y0 [1,B,O] -> output y [.., O], yN [1,B,O] (the last output
// of each sequence: the state that is fed back).
import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import type { Block } from '../backend/heap.js';
import { gemmPacked } from '../backend/gemm.js';
import { runLayer, type Cell, type LayerCall } from './recurrent.js';
import type { ElmanActivation } from './elman.js';

/** The weights of a Jordan network. @internal */
export interface JordanWeights {
  wIh: Tensor; // [H, I]
  wHh: Tensor; // [H, O] output feedback
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHo: Tensor; // [O, H]
  bHo: Tensor | null; // [O]
}

/** An output activation over rows: forward(out, x, rows, cols), backward(dinp += .., dout, y, rows, cols). @internal */
export interface OutputActivation {
  forward(k: Kernels, out: number, x: number, rows: number, cols: number): void;
  backward(k: Kernels, dinp: number, dout: number, y: number, rows: number, cols: number): void;
}

/** The output activations of JordanRNN. @internal */
export const OUTPUT_ACTIVATIONS: Readonly<Record<'linear' | 'sigmoid' | 'tanh' | 'softmax', OutputActivation>> = Object.freeze({
  linear: {
    forward: (k, out, x, rows, cols) => k.scale_forward(out, x, 1, rows * cols),
    backward: (k, dinp, dout, _y, rows, cols) => k.axpy(dinp, dout, 1, rows * cols),
  },
  sigmoid: {
    forward: (k, out, x, rows, cols) => k.sigmoid_forward(out, x, rows * cols),
    backward: (k, dinp, dout, y, rows, cols) => k.sigmoid_backward(dinp, dout, y, rows * cols),
  },
  tanh: {
    forward: (k, out, x, rows, cols) => k.tanh_forward(out, x, rows * cols),
    backward: (k, dinp, dout, y, rows, cols) => k.tanh_backward(dinp, dout, y, rows * cols),
  },
  softmax: {
    forward: (k, out, x, rows, cols) => k.softmax_forward(out, x, rows, cols),
    backward: (k, dinp, dout, y, rows, cols) => k.softmax_backward(dinp, dout, y, rows, cols),
  },
});

/** Shapes and layout of one Jordan call. @internal */
export interface JordanConfig extends LayerCall {
  hiddenSize: number;
  outputSize: number;
  activation: ElmanActivation;
  outputActivation: OutputActivation;
}

function jordanCell(H: number, O: number, act: ElmanActivation, outAct: OutputActivation): Cell<JordanWeights, { h: Block }> {
  return {
    name: 'jordan',
    gates: H,
    stateSizes: [O],
    tensors: (w) => [w.wIh, w.wHh, w.bIh, w.bHh, w.wHo, w.bHo],
    inputBiases: (w) => [w.bIh, w.bHh],

    forward({ ar, k, B, xw, next: [y], packed: pack }, w) {
      const packedFb = pack(w.wHh, O, H);
      const packedOut = pack(w.wHo, H, O);
      const bo = w.bHo ? w.bHo._inArena(ar) : 0;
      const h = ar.zeroBlock(xw.dims[0], B, H);
      const o = ar.block(B, O); // h·W_hoᵀ + b_ho before the output activation
      const step = (t: number, rows: number, [yPrev]: readonly number[]) => {
        gemmPacked(k, xw.at(t), yPrev, O, 1, packedFb, 0, rows, O, H, true, H);
        act.forward(k, h.at(t), xw.at(t), rows * H);
        gemmPacked(k, o.ptr, h.at(t), H, 1, packedOut, bo, rows, H, O, false, O);
        outAct.forward(k, y.at(t), o.ptr, rows, O);
      };
      return { step, keep: { h } };
    },

    backward({ ar, k, B, dXW, dState: [dy], history: [yPrev], next: [y], packed, gradSum, gradTN }, w, { h }) {
      const packedHo = packed(w.wHo, O, H);
      const packedHh = packed(w.wHh, H, O);
      const dO = ar.zeroBlock(dXW.dims[0], B, O);
      const dh = ar.block(B, H).ptr;
      const step = (t: number, rows: number, dyt: number) => {
        outAct.backward(k, dO.at(t), dyt, y.at(t), rows, O);
        gemmPacked(k, dh, dO.at(t), O, 1, packedHo, 0, rows, O, H, false, H);
        ar.view(dXW.at(t), rows * H).fill(0); // act.backward adds into its output
        act.backward(k, dXW.at(t), dh, h.at(t), rows * H);
        gemmPacked(k, dy, dXW.at(t), H, 1, packedHh, 0, rows, H, O, false, O);
      };
      const grads = () => {
        gradTN(w.wHo, dO, h);
        gradSum([w.bHo], dO);
        gradTN(w.wHh, dXW, yPrev);
      };
      return { step, grads };
    },
  };
}

/** Runs a Jordan network; see the file comment. @internal */
export function jordanLayer(x: Tensor, y0: Tensor | null, w: JordanWeights, cfg: JordanConfig): { output: Tensor; hN: Tensor } {
  const { output, states } = runLayer(jordanCell(cfg.hiddenSize, cfg.outputSize, cfg.activation, cfg.outputActivation), x, [y0], [w], cfg);
  return { output, hN: states[0] };
}
