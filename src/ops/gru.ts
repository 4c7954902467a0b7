// One GRU layer (one or two directions) over a whole batch, ONE tape node (gate order r,z,n):
//   r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)   z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
//   resetAfter (PyTorch):     n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))
//   reset before (Cho 2014):  n = tanh(x·W_inᵀ + b_in + (r⊙h)·W_hnᵀ + b_hn)
//   h' = (1 - z)⊙n + z⊙h
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,H] -> output [.., D·H], hN [D,B,H].
// Kernels: assembly/gru.ts, assembly/matmul.ts.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { gemmNN, gemmNT, gemmPacked, gemmTN, packedSize } from '../backend/gemm.js';
import { fromTimeMajor, putState, takeState, toTimeMajor, type SeqLayout } from './sequence.js';
import { gruNForward, gruRzForward, gruStepBackward } from '../backend/parallel.js';
import type { RecurrentResult } from './lstm.js';

/** The weights of one direction of a GRU layer. @internal */
export interface GruWeights {
  wIh: Tensor; // [3H, I]
  wHh: Tensor; // [3H, H]
  bIh: Tensor | null; // [3H]
  bHh: Tensor | null; // [3H]
}

/** Shapes and layout of one GRU layer call. @internal */
export interface GruLayerConfig {
  hiddenSize: number;
  batchFirst: boolean;
  layout: SeqLayout;
  resetAfter: boolean;
}

interface Saved {
  gates: Float32Array; // [T,B,3H] r,z,n
  hw: Float32Array; // [T,B,3H] h·W_hhᵀ + b_hh (n block: of r⊙h when reset comes first)
  hPrev: Float32Array; // [T,B,H]
  rh: Float32Array | null; // [T,B,H] r⊙h, reset-before form only
}

/** Runs one GRU layer; see the file comment. @internal */
export function gruLayer(x: Tensor, h0: Tensor | null, dirs: GruWeights[], cfg: GruLayerConfig): RecurrentResult {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const G = 3 * H;
  const D = dirs.length;
  const I = x.shape[2];
  const TB = T * B;
  const bf = cfg.batchFirst;
  const after = cfg.resetAfter;

  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh]);
  const inputs = [x, h0, ...params].filter((t): t is Tensor => t !== null);
  const saving = needsGrad(...inputs);

  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * H);
  const hN = new Float32Array(D * B * H);
  const saved: Saved[] = [];

  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const pbih = w.bIh ? ar.put(w.bIh.data) : 0;
      const pbhh = w.bHh ? ar.put(w.bHh.data) : 0;
      const xw = ar.alloc(TB * G);
      gemmNT(k, ar, xw, px, pwih, pbih, TB, I, G, false);
      // resetAfter: one packed W_hh [3H rows]; reset before: the r,z rows and the n rows apart
      const packed = ar.alloc(packedSize(H, G));
      let packedN = 0;
      if (after) {
        k.gemm_pack(packed, pwhh, H, G, 1);
      } else {
        k.gemm_pack(packed, pwhh, H, 2 * H, 1);
        packedN = ar.alloc(packedSize(H, H));
        k.gemm_pack(packedN, pwhh + 2 * H * H * 4, H, H, 1);
      }
      const hbuf = putState(ar, L, h0 ? h0.data : null, d, H);
      const hPrevAll = saving ? ar.zeros(TB * H) : 0; // only backward reads it
      const gates = ar.zeros(TB * G);
      const hw = ar.zeros(TB * G);
      const rh = after ? 0 : ar.zeros(TB * H);
      const y = ar.zeros(TB * H);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const g3 = t * B * G * 4;
        const g1 = t * B * H * 4;
        if (saving) ar.copy(hPrevAll + t * B * H * 4, hbuf, rows * H);
        if (after) {
          gemmPacked(k, hw + g3, hbuf, H, 1, packed, pbhh, rows, H, G, false, G);
          gruRzForward(k, gates + g3, 0, xw + g3, hw + g3, hbuf, rows, H);
        } else {
          gemmPacked(k, hw + g3, hbuf, H, 1, packed, pbhh, rows, H, 2 * H, false, G);
          gruRzForward(k, gates + g3, rh + g1, xw + g3, hw + g3, hbuf, rows, H);
          gemmPacked(k, hw + g3 + 2 * H * 4, rh + g1, H, 1, packedN, pbhh ? pbhh + 2 * H * 4 : 0, rows, H, H, false, G);
        }
        gruNForward(k, y + g1, gates + g3, xw + g3, hw + g3, hbuf, rows, H, after ? 1 : 0);
        ar.copy(hbuf, y + g1, rows * H);
      }
      fromTimeMajor(out, ar.view(y, TB * H), L, H, D * H, d * H, bf);
      takeState(hN, ar, hbuf, L, d, H);
      if (saving) {
        saved.push({
          gates: ar.read(gates, TB * G),
          hw: ar.read(hw, TB * G),
          hPrev: ar.read(hPrevAll, TB * H),
          rh: after ? null : ar.read(rh, TB * H),
        });
      }
    }
  });

  const output = new Tensor(out, bf ? [B, T, D * H] : [T, B, D * H]);
  const hNt = new Tensor(hN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: null };

  record('gru', inputs, [output, hNt], ([dOut, dhN]) => {
    const grads = new Map<Tensor, Float32Array>();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const sv = saved[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const dXW = ar.zeros(TB * G);
        const dHW = ar.zeros(TB * G);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, H, D * H, d * H, bf, true) : new Float32Array(TB * H));
        const dh = putState(ar, L, dhN, d, H);
        const dht = ar.alloc(B * H);
        const gates = ar.put(sv.gates);
        const hw = ar.put(sv.hw);
        const hPrev = ar.put(sv.hPrev);
        const rh = sv.rh ? ar.put(sv.rh) : 0;
        // dh_prev += dhw·W_hh: W_hh [3H,H] as the right operand, whole or split as in forward
        const packedT = ar.alloc(packedSize(G, H));
        let packedNT = 0, drh = 0;
        if (after) {
          k.gemm_pack(packedT, pwhh, G, H, 0);
        } else {
          k.gemm_pack(packedT, pwhh, 2 * H, H, 0);
          packedNT = ar.alloc(packedSize(H, H));
          k.gemm_pack(packedNT, pwhh + 2 * H * H * 4, H, H, 0);
          drh = ar.alloc(B * H);
        }
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          const g3 = t * B * G * 4;
          const g1 = t * B * H * 4;
          k.add_forward(dht, dh, dOutTM + g1, rows * H);
          gruStepBackward(k, dXW + g3, dHW + g3, dh, dht, gates + g3, hw + g3, hPrev + g1, rows, H, after ? 1 : 0);
          if (after) {
            gemmPacked(k, dh, dHW + g3, G, 1, packedT, 0, rows, G, H, true, H);
          } else {
            gemmPacked(k, drh, dHW + g3 + 2 * H * 4, G, 1, packedNT, 0, rows, H, H, false, H);
            k.gru_reset_backward(dXW + g3, dHW + g3, dh, drh, gates + g3, hPrev + g1, rows, H);
            gemmPacked(k, dh, dHW + g3, G, 1, packedT, 0, rows, 2 * H, H, true, H);
          }
        }
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(G * I);
          gemmTN(k, ar, p, dXW, px, 0, G, TB, I, false);
          grads.set(w.wIh, ar.read(p, G * I));
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(G * H);
          if (after) {
            gemmTN(k, ar, p, dHW, hPrev, 0, G, TB, H, false);
          } else {
            // rows r,z: dHW[:, :2H]ᵀ·h_prev; rows n: dHW[:, 2H:]ᵀ·(r⊙h_prev); A read through strides
            const work = ar.alloc(packedSize(TB, H));
            k.gemm_pack(work, hPrev, TB, H, 0);
            gemmPacked(k, p, dHW, 1, G, work, 0, 2 * H, TB, H, false, H);
            k.gemm_pack(work, rh, TB, H, 0);
            gemmPacked(k, p + 2 * H * H * 4, dHW + 2 * H * 4, 1, G, work, 0, H, TB, H, false, H);
          }
          grads.set(w.wHh, ar.read(p, G * H));
        }
        if (w.bIh && w.bIh.requiresGrad) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dXW, 1, TB, G);
          grads.set(w.bIh, ar.read(p, G));
        }
        if (w.bHh && w.bHh.requiresGrad) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dHW, 1, TB, G);
          grads.set(w.bHh, ar.read(p, G));
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dXW, pwih, 0, TB, G, I, true);
        takeState(dh0, ar, dh, L, d, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => (t === x ? dx : t === h0 ? dh0 : grads.get(t) ?? null));
  });
  return { output, hN: hNt, cN: null };
}
