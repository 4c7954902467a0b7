// The GRU cell (PyTorch's nn.GRU, gate order r,z,n), run over a whole sequence by the recurrent
// driver as ONE tape node:
//   r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)   z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
//   resetAfter (PyTorch):     n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))
//   reset before (Cho 2014):  n = tanh(x·W_inᵀ + b_in + (r⊙h)·W_hnᵀ + b_hn)
//   h' = (1 - z)⊙n + z⊙h
// The recurrent product hw = h·W_hhᵀ + b_hh is kept apart from xw (r multiplies its n block), so
// b_hh gets Σ dhw and W_hh gets dhwᵀ·h (the n rows: dhwᵀ·(r⊙h) when the reset comes first).
// The reset-after form runs each direction's loop over time as one kernel call (gru_seq_forward,
// gru_seq_backward: on several threads a team sharing the hidden units); the reset-before form,
// with a second product inside each step, runs step by step.
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,H] -> output [.., D·H], hN [D,B,H].
// Kernels: assembly/gru.ts, assembly/matmul.ts.
import type { Tensor } from '../tensor.js';
import { Block } from '../backend/heap.js';
import { gemmPacked, packInArena, packedSize } from '../backend/gemm.js';
import { loopHeader, runLayer, type Cell, type LayerCall } from './recurrent.js';
import type { RecurrentResult } from './lstm.js';

/** The weights of one direction of a GRU layer. @internal */
export interface GruWeights {
  wIh: Tensor; // [3H, I]
  wHh: Tensor; // [3H, H]
  bIh: Tensor | null; // [3H]
  bHh: Tensor | null; // [3H]
}

/** Shapes and layout of one GRU layer call. @internal */
export interface GruLayerConfig extends LayerCall {
  hiddenSize: number;
  resetAfter: boolean;
  /** Gates r, z use Keras 2 / tfjs's hard sigmoid clip(0.2x + 0.5, 0, 1) instead of σ (default false). */
  hardGates?: boolean;
}

interface GruKept {
  [name: string]: Block;
  gates: Block; // [T,B,3H] r,z,n
  hw: Block; // [T,B,3H] h·W_hhᵀ + b_hh (n block: of r⊙h when the reset comes first)
  rh: Block; // [T,B,H] r⊙h, reset-before form only (else 0-sized)
}

function gruCell(H: number, after: boolean, hard: boolean): Cell<GruWeights, GruKept> {
  const G = 3 * H;
  return {
    name: 'gru',
    gates: G,
    stateSizes: [H],
    tensors: (w) => [w.wIh, w.wHh, w.bIh, w.bHh],
    inputBiases: (w) => [w.bIh],

    forward({ ar, k, B, active, reverse, known, xw, next: [y], history: [hHist], packed: pack }, w) {
      const T = xw.dims[0];
      const bhh = w.bHh ? new Block(w.bHh._inArena(ar), [G, 1, 1]) : null;
      // the rows no sequence reaches stay zero for backward's whole-block products; with every
      // sequence full length the loop kernel writes every row (no 10 MB memset on W3's shape)
      const full = after && active.every((a) => a === B);
      const block = (d2: number) => (full ? ar.block(T, B, d2) : ar.zeroBlock(T, B, d2));
      const gates = block(G);
      const hw = block(G);
      const rh = after ? ar.block(0) : ar.zeroBlock(T, B, H);
      const keep = { gates, hw, rh };
      if (after) {
        // the whole loop in one kernel call with one packed W_hh [3H rows] (cached), its hidden
        // units shared by the threads
        const all = () => {
          // the fields of GruForward (assembly/gru.ts) after the loop's header
          const params = [xw.ptr, hw.ptr, gates.ptr, hHist.ptr, y.ptr, bhh ? bhh.ptr : 0, pack(w.wHh, H, G), hard ? 1 : 0];
          k.gru_seq_forward(ar.putInts([...loopHeader(ar, active, T, B, H, reverse, known), ...params]), 0, 0);
        };
        return { all, keep };
      }
      // reset before, step by step: the r,z rows of W_hh and the n rows packed apart
      const whh = new Block(w.wHh._inArena(ar), [G, H, 1]);
      const packed = packInArena(k, ar, whh.ptr, H, 2 * H, 1);
      const packedN = packInArena(k, ar, whh.at(2 * H), H, H, 1);
      const step = (t: number, rows: number, [h]: readonly number[]) => {
        gemmPacked(k, hw.at(t), h, H, 1, packed, bhh ? bhh.ptr : 0, rows, H, 2 * H, false, G);
        k.gru_rz_forward(gates.at(t), rh.at(t), xw.at(t), hw.at(t), h, rows, H, hard ? 1 : 0);
        gemmPacked(k, hw.at(t, 0, 2 * H), rh.at(t), H, 1, packedN, bhh ? bhh.at(2 * H) : 0, rows, H, H, false, G);
        k.gru_n_forward(y.at(t), gates.at(t), xw.at(t), hw.at(t), h, rows, H, 0);
      };
      return { step, keep };
    },

    backward(
      { ar, k, B, active, reverse, known, dXW, dOut, dState: [dh], history: [hPrev], data, packed, grad, gradSum, gradTN },
      w,
      { gates, hw, rh },
    ) {
      const T = dXW.dims[0];
      const dHW = after && active.every((a) => a === B) ? ar.block(T, B, G) : ar.zeroBlock(T, B, G);
      const grads = () => {
        gradSum([w.bHh], dHW);
        if (after) return gradTN(w.wHh, dHW, hPrev);
        if (!w.wHh.requiresGrad) return;
        // rows r,z: dHW[:, :2H]ᵀ·h_prev; rows n: dHW[:, 2H:]ᵀ·(r⊙h_prev); dHW read through strides
        const TB = T * B;
        const p = ar.block(G, H);
        const work = ar.alloc(packedSize(TB, H));
        k.gemm_pack(work, hPrev.ptr, TB, H, 0);
        gemmPacked(k, p.ptr, dHW.ptr, 1, G, work, 0, 2 * H, TB, H, false, H);
        k.gemm_pack(work, rh.ptr, TB, H, 0);
        gemmPacked(k, p.at(2 * H), dHW.at(0, 0, 2 * H), 1, G, work, 0, H, TB, H, false, H);
        grad(w.wHh, p.ptr, G * H);
      };
      if (after) {
        // the whole loop in one kernel call (W_hh packed from the cache when unchanged since forward)
        const all = () => {
          // the fields of GruBackward (assembly/gru.ts) after the loop's header
          const params = [dXW.ptr, dHW.ptr, dh, dOut ? dOut.ptr : 0, gates.ptr, hw.ptr, hPrev.ptr, packed(w.wHh, G, H), hard ? 1 : 0];
          k.gru_seq_backward(ar.putInts([...loopHeader(ar, active, T, B, H, reverse, known), ...params]), 0, 0);
        };
        return { all, grads };
      }
      // reset before, step by step: dh_prev += dhw·W_hh with W_hh [3H,H] split as in forward
      const whh = ar.blockOf(data(w.wHh), G, H);
      const packedT = packInArena(k, ar, whh.ptr, 2 * H, H, 0);
      const packedNT = packInArena(k, ar, whh.at(2 * H), H, H, 0);
      const drh = ar.block(B, H).ptr;
      const step = (t: number, rows: number, dht: number) => {
        k.gru_step_backward(dXW.at(t), dHW.at(t), dh, dht, gates.at(t), hw.at(t), hPrev.at(t), rows, H, 0, hard ? 1 : 0);
        gemmPacked(k, drh, dHW.at(t, 0, 2 * H), G, 1, packedNT, 0, rows, H, H, false, H);
        k.gru_reset_backward(dXW.at(t), dHW.at(t), dh, drh, gates.at(t), hPrev.at(t), rows, H, hard ? 1 : 0);
        gemmPacked(k, dh, dHW.at(t), G, 1, packedT, 0, rows, 2 * H, H, true, H);
      };
      return { step, grads };
    },
  };
}

/** Runs one GRU layer (one or two directions); see the file comment. @internal */
export function gruLayer(x: Tensor, h0: Tensor | null, dirs: GruWeights[], cfg: GruLayerConfig): RecurrentResult {
  const { output, states } = runLayer(gruCell(cfg.hiddenSize, cfg.resetAfter, cfg.hardGates ?? false), x, [h0], dirs, cfg);
  return { output, hN: states[0], cN: null };
}
