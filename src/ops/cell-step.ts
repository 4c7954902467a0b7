// One step of an RNN, LSTM or GRU cell when nothing needs a gradient (inference, streaming): the
// two products on the cached packed weights, x·W_ihᵀ + b and h·W_hhᵀ, then the layer's own step
// kernel, with no tape node, no sequence layout and no state history. At batch 1 the driver's
// T = 1 path (sorting, time-major copies, saved blocks) costs more than the products themselves.
// The results are those of the driver's step: the same kernels in the same order.
import { Tensor } from '../tensor.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Arena } from '../backend/heap.js';
import { gemmPacked } from '../backend/gemm.js';
import { packedWeight, settlePacks } from '../backend/pack-cache.js';
import { biasIn, type GateWeights } from './recurrent.js';

/** A cell's weights: W_ih [G,I], W_hh [G,H], biases [G]. @internal */
export type CellWeights = GateWeights;

const data = (t: Tensor) => t.peek();

// z [B,G] = x·W_ihᵀ + bias; returns a copy of h in wasm memory (zeros for none)
function inputProduct(ar: Arena, x: Tensor, h: Tensor | null, w: CellWeights, G: number, biases: (Tensor | null)[], z: number): number {
  const k = kernels();
  const [B, I] = x.shape;
  const H = w.wHh.shape[1];
  gemmPacked(k, z, ar.put(x.peek()), I, 1, packedWeight(ar, k, w.wIh, I, G), biasIn(ar, k, biases, G, data), B, I, G, false, G);
  return h ? ar.put(h.peek()) : ar.zeros(B * H);
}

/** h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). @internal */
export function elmanCellStep(x: Tensor, h: Tensor | null, w: CellWeights, relu: boolean): Tensor {
  const k = kernels();
  const [B] = x.shape;
  const H = w.wHh.shape[1];
  const out = arena().scoped((ar) => {
    const z = ar.alloc(B * H);
    const ph = inputProduct(ar, x, h, w, H, [w.bIh, w.bHh], z);
    if (h) gemmPacked(k, z, ph, H, 1, packedWeight(ar, k, w.wHh, H, H), 0, B, H, H, true, H);
    const y = ar.alloc(B * H);
    if (relu) k.relu_forward(y, z, B * H);
    else k.tanh_forward(y, z, B * H);
    return ar.read(y, B * H);
  });
  settlePacks(arena());
  return new Tensor(out, [B, H]);
}

/** (h', c') of an LSTM step (gates i, f, g, o), σ or hard-sigmoid gates. @internal */
export function lstmCellStep(x: Tensor, h: Tensor | null, c: Tensor | null, w: CellWeights, hard = false): { h: Tensor; c: Tensor } {
  const k = kernels();
  const [B] = x.shape;
  const H = w.wHh.shape[1];
  const G = 4 * H;
  const [hOut, cOut] = arena().scoped((ar) => {
    const z = ar.alloc(B * G);
    const ph = inputProduct(ar, x, h, w, G, [w.bIh, w.bHh], z);
    if (h) gemmPacked(k, z, ph, H, 1, packedWeight(ar, k, w.wHh, H, G), 0, B, H, G, true, G);
    const pc = c ? ar.put(c.peek()) : ar.zeros(B * H);
    // h' and c' side by side, read out in one copy: at batch 1 each array read out of wasm costs
    // about as much for its own backing store as for its floats
    const hc = ar.alloc(2 * B * H);
    k.lstm_step_forward(z, hc, hc + 4 * B * H, ar.alloc(B * H), pc, 0, B, H, hard ? 1 : 0);
    const both = ar.read(hc, 2 * B * H);
    return [both.subarray(0, B * H), both.subarray(B * H)];
  });
  settlePacks(arena());
  return { h: new Tensor(hOut, [B, H]), c: new Tensor(cOut, [B, H]) };
}

/** h' of a GRU step in PyTorch's reset-after form (gates r, z, n). @internal */
export function gruCellStep(x: Tensor, h: Tensor | null, w: CellWeights, hard = false): Tensor {
  const k = kernels();
  const [B] = x.shape;
  const H = w.wHh.shape[1];
  const G = 3 * H;
  const out = arena().scoped((ar) => {
    const xw = ar.alloc(B * G);
    const ph = inputProduct(ar, x, h, w, G, [w.bIh], xw);
    const hw = ar.alloc(B * G);
    gemmPacked(k, hw, ph, H, 1, packedWeight(ar, k, w.wHh, H, G), w.bHh ? w.bHh._inArena(ar) : 0, B, H, G, false, G);
    const gates = ar.zeros(B * G);
    const y = ar.alloc(B * H);
    k.gru_rz_forward(gates, 0, xw, hw, ph, B, H, hard ? 1 : 0);
    k.gru_n_forward(y, gates, xw, hw, ph, B, H, 1);
    return ar.read(y, B * H);
  });
  settlePacks(arena());
  return new Tensor(out, [B, H]);
}
