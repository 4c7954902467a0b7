// One Elman layer (one or two directions) over a whole batch, ONE tape node:
//   h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh),  act = tanh or relu
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,H] -> output [.., D·H], hN [D,B,H].
// The fused gate kernel of this cell is the activation itself (assembly/activations.ts).
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Kernels } from '../backend/kernels.js';
import { Job } from '../backend/threads.js';
import { elementwise } from '../backend/parallel.js';
import { gemmNN, gemmNT, gemmPacked, packedSize } from '../backend/gemm.js';
import { fromTimeMajor, putState, takeState, toTimeMajor, type SeqLayout } from './sequence.js';
import type { RecurrentResult } from './lstm.js';

/** The weights of one direction of an Elman layer. @internal */
export interface ElmanWeights {
  wIh: Tensor; // [H, I]
  wHh: Tensor; // [H, H]
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** The activation of an Elman layer, resolved to its kernels once. @internal */
export interface ElmanActivation {
  forward: (k: Kernels) => (out: number, x: number, n: number) => void;
  backward: (k: Kernels) => (dinp: number, dout: number, y: number, n: number) => void;
  /** The worker job of the forward kernel; the backward kernel's is the next one. */
  job: Job;
}

/** tanh and relu as kernel pairs. @internal */
export const ELMAN_ACTIVATIONS: Record<'tanh' | 'relu', ElmanActivation> = {
  tanh: { forward: (k) => k.tanh_forward, backward: (k) => k.tanh_backward, job: Job.TanhForward },
  relu: { forward: (k) => k.relu_forward, backward: (k) => k.relu_backward, job: Job.ReluForward },
};

/** Shapes and layout of one Elman layer call. @internal */
export interface ElmanLayerConfig {
  hiddenSize: number;
  batchFirst: boolean;
  layout: SeqLayout;
  activation: ElmanActivation;
}

/** Runs one Elman layer; see the file comment. @internal */
export function elmanLayer(x: Tensor, h0: Tensor | null, dirs: ElmanWeights[], cfg: ElmanLayerConfig): RecurrentResult {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const D = dirs.length;
  const I = x.shape[2];
  const TB = T * B;
  const bf = cfg.batchFirst;
  const act = cfg.activation.forward(k);
  const actBackward = cfg.activation.backward(k);

  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh]);
  const inputs = [x, h0, ...params].filter((t): t is Tensor => t !== null);
  const saving = needsGrad(...inputs);

  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * H);
  const hN = new Float32Array(D * B * H);
  const saved: { y: Float32Array; hPrev: Float32Array }[] = [];

  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const bias = w.bIh || w.bHh ? new Float32Array(H) : null;
      if (bias) [w.bIh, w.bHh].forEach((b) => b && b.data.forEach((v, i) => (bias[i] += v)));
      const pb = bias ? ar.put(bias) : 0;
      const xw = ar.alloc(TB * H);
      gemmNT(k, ar, xw, px, pwih, pb, TB, I, H, false);
      const packed = ar.alloc(packedSize(H, H));
      k.gemm_pack(packed, pwhh, H, H, 1);
      const hbuf = putState(ar, L, h0 ? h0.data : null, d, H);
      const hPrevAll = saving ? ar.zeros(TB * H) : 0; // only backward reads it
      const y = ar.zeros(TB * H);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const xwT = xw + t * B * H * 4;
        const yT = y + t * B * H * 4;
        if (saving) ar.copy(hPrevAll + t * B * H * 4, hbuf, rows * H);
        gemmPacked(k, xwT, hbuf, H, 1, packed, 0, rows, H, H, true, H);
        elementwise(cfg.activation.job, act, [yT, xwT], rows * H);
        ar.copy(hbuf, yT, rows * H);
      }
      fromTimeMajor(out, ar.view(y, TB * H), L, H, D * H, d * H, bf);
      takeState(hN, ar, hbuf, L, d, H);
      if (saving) saved.push({ y: ar.read(y, TB * H), hPrev: ar.read(hPrevAll, TB * H) });
    }
  });

  const output = new Tensor(out, bf ? [B, T, D * H] : [T, B, D * H]);
  const hNt = new Tensor(hN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: null };

  record('elman', inputs, [output, hNt], ([dOut, dhN]) => {
    const grads = new Map<Tensor, Float32Array>();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const dZ = ar.zeros(TB * H);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, H, D * H, d * H, bf, true) : new Float32Array(TB * H));
        const dh = putState(ar, L, dhN, d, H);
        const dht = ar.alloc(B * H);
        const y = ar.put(saved[d].y);
        const hPrev = ar.put(saved[d].hPrev);
        const packedT = ar.alloc(packedSize(H, H));
        k.gemm_pack(packedT, pwhh, H, H, 0);
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          const o = t * B * H * 4;
          k.add_forward(dht, dh, dOutTM + o, rows * H);
          elementwise(cfg.activation.job + 1, actBackward, [dZ + o, dht, y + o], rows * H);
          gemmPacked(k, dh, dZ + o, H, 1, packedT, 0, rows, H, H, false, H);
        }
        // both weight gradients read dZᵀ [H, T·B]: transpose once, then two plain products
        let dZtPtr = 0;
        const dZt = () => {
          if (!dZtPtr) {
            dZtPtr = ar.alloc(TB * H);
            k.transpose_forward(dZtPtr, dZ, 1, TB, H);
          }
          return dZtPtr;
        };
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(H * I);
          gemmNN(k, ar, p, dZt(), px, 0, H, TB, I, false);
          grads.set(w.wIh, ar.read(p, H * I));
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(H * H);
          gemmNN(k, ar, p, dZt(), hPrev, 0, H, TB, H, false);
          grads.set(w.wHh, ar.read(p, H * H));
        }
        if (w.bIh || w.bHh) {
          const p = ar.zeros(H);
          k.sum_axis_forward(p, dZ, 1, TB, H);
          for (const b of [w.bIh, w.bHh]) if (b && b.requiresGrad) grads.set(b, ar.read(p, H));
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dZ, pwih, 0, TB, H, I, true);
        takeState(dh0, ar, dh, L, d, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => (t === x ? dx : t === h0 ? dh0 : grads.get(t) ?? null));
  });
  return { output, hN: hNt, cN: null };
}
