// The SCRN (Mikolov et al. 2015, "Learning Longer Memory in Recurrent Neural Networks"), run over
// a whole sequence by the recurrent driver. A slow context state s beside the fast hidden state h:
//   s_t = (1-α)·B x_t + α·s_{t-1}
//   h_t = σ(P s_t + A x_t + R h_{t-1} + b_ih + b_hh)          (or tanh)
// The driver's state is the row [h | s] (G = H + Cx floats), which is also what each step emits,
// so an output layer on top sees both, as in the paper (y = f(U h + V s)). Its x·W_ihᵀ is
// [x·Aᵀ + b | x·Bᵀ] with W_ih = [A; B] (the layer stacks them on the tape, so the gradient reaches
// A and B through the stacking).
// forward:  xw_s = α·s + (1-α)·xw_s (= s_t);  xw_h += s_t·Pᵀ + h·Rᵀ;  out = [act(xw_h) | s_t]
// backward: dz = dh_h·act'(h_t);  ds_t = dh_s + dz·P;  dxw_s = (1-α)·ds_t;
//           dh_prev = [dz·R | α·ds_t];  dR = Σ dzᵀ·h_prev,  dP = Σ dzᵀ·s_t
import type { Tensor } from '../tensor.js';
import { gemmNN, gemmPacked } from '../backend/gemm.js';
import { runLayer, type Cell, type LayerCall } from './recurrent.js';
import type { RecurrentResult } from './lstm.js';

/** One direction's weights as the driver takes them. @internal */
export interface ScrnWeights {
  /** [A; B], [H+Cx, I] */
  wIh: Tensor;
  /** R [H, H] */
  wHh: Tensor;
  /** P [H, Cx] */
  wHc: Tensor;
  /** [b_ih | 0] and [b_hh | 0], [H+Cx] each */
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** Shapes and layout of one SCRN layer call. @internal */
export interface ScrnLayerConfig extends LayerCall {
  hiddenSize: number;
  contextSize: number;
  alpha: number;
  tanh: boolean;
}

function scrnCell(H: number, Cx: number, alpha: number, tanh: boolean): Cell<ScrnWeights, Record<string, never>> {
  const G = H + Cx;
  const act = tanh ? 1 : 0;
  return {
    name: 'scrn',
    gates: G,
    stateSizes: [G],
    tensors: (w) => [w.wIh, w.wHh, w.wHc, w.bIh, w.bHh],
    inputBiases: (w) => [w.bIh, w.bHh],

    forward({ k, xw, next: [y], packed: pack }, w) {
      const packedR = pack(w.wHh, H, H);
      const packedP = pack(w.wHc, Cx, H);
      const step = (t: number, rows: number, [hs]: readonly number[]) => {
        const z = xw.at(t);
        k.scrn_context_forward(z, hs, rows, H, Cx, alpha);
        gemmPacked(k, z, z + 4 * H, G, 1, packedP, 0, rows, Cx, H, true, G);
        gemmPacked(k, z, hs, G, 1, packedR, 0, rows, H, H, true, G);
        k.scrn_step_forward(y.at(t), z, rows, H, Cx, act);
      };
      return { step, keep: {} };
    },

    backward({ ar, k, B, dXW, dState: [dhs], history: [hsPrev], next: [y], packed, grad, transposed }, w) {
      const packedR = packed(w.wHh, H, H);
      const packedP = packed(w.wHc, H, Cx);
      const step = (t: number, rows: number, dht: number) => {
        const d = dXW.at(t);
        k.scrn_step_backward(d, dht, y.at(t), rows, H, Cx, act);
        gemmPacked(k, d + 4 * H, d, G, 1, packedP, 0, rows, H, Cx, true, G);
        gemmPacked(k, dhs, d, G, 1, packedR, 0, rows, H, H, false, G);
        k.scrn_context_backward(d, dhs, rows, H, Cx, alpha);
      };
      // dzᵀ [H, T·B] (the first H rows of dXWᵀ, which the driver made for dW_ih) times [h | s]
      // before and after each step
      const grads = () => {
        if (!w.wHh.requiresGrad && !w.wHc.requiresGrad) return;
        const n = dXW.dims[0] * B;
        const dZt = transposed(dXW);
        const part = (rowsOf: number, col0: number, cols: number) => {
          const p = ar.alloc(H * G);
          gemmNN(k, ar, p, dZt, rowsOf, 0, H, n, G, false);
          const v = ar.view(p, H * G);
          const out = new Float32Array(H * cols);
          for (let i = 0; i < H; i++) out.set(v.subarray(i * G + col0, i * G + col0 + cols), i * cols);
          return ar.put(out);
        };
        if (w.wHh.requiresGrad) grad(w.wHh, part(hsPrev.ptr, 0, H), H * H);
        if (w.wHc.requiresGrad) grad(w.wHc, part(y.ptr, H, Cx), H * Cx);
      };
      return { step, grads };
    },
  };
}

/** Runs one SCRN layer (one or two directions); see the file comment. @internal */
export function scrnLayer(x: Tensor, h0: Tensor | null, dirs: ScrnWeights[], cfg: ScrnLayerConfig): RecurrentResult {
  const { output, states } = runLayer(scrnCell(cfg.hiddenSize, cfg.contextSize, cfg.alpha, cfg.tanh), x, [h0], dirs, cfg);
  return { output, hN: states[0], cN: null };
}
