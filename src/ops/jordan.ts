// One Jordan network over a whole batch, ONE tape node: the previous step's OUTPUT is fed back,
// not the hidden state (Jordan 1986; the founding notes' "Jordan network"):
//   h_t = act(x_t·W_ihᵀ + b_ih + y_{t-1}·W_hhᵀ + b_hh)      W_hh [H, O]
//   y_t = outAct(h_t·W_hoᵀ + b_ho)                            W_ho [O, H]
// x [B,T,I] (batchFirst) or [T,B,I]; y0 [1,B,O] -> output y [.., O], yN [1,B,O] (the last output
// of each sequence: the state that is fed back).
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Kernels } from '../backend/kernels.js';
import { gemmNN, gemmNT, gemmPacked, gemmTN, packedSize } from '../backend/gemm.js';
import { fromTimeMajor, putState, takeState, toTimeMajor, type SeqLayout } from './sequence.js';
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

/** An output activation as row kernels: forward(out, x, rows, cols), backward(dinp, dout, y, rows, cols). @internal */
export interface OutputActivation {
  forward: (k: Kernels) => (out: number, x: number, rows: number, cols: number) => void;
  backward: (k: Kernels) => (dinp: number, dout: number, y: number, rows: number, cols: number) => void;
}

/** The output activations of JordanRNN. @internal */
export const OUTPUT_ACTIVATIONS: Record<'linear' | 'sigmoid' | 'tanh' | 'softmax', OutputActivation> = {
  linear: {
    forward: (k) => (out, x, rows, cols) => k.scale_forward(out, x, 1, rows * cols),
    backward: (k) => (dinp, dout, _y, rows, cols) => k.axpy(dinp, dout, 1, rows * cols),
  },
  sigmoid: {
    forward: (k) => (out, x, rows, cols) => k.sigmoid_forward(out, x, rows * cols),
    backward: (k) => (dinp, dout, y, rows, cols) => k.sigmoid_backward(dinp, dout, y, rows * cols),
  },
  tanh: {
    forward: (k) => (out, x, rows, cols) => k.tanh_forward(out, x, rows * cols),
    backward: (k) => (dinp, dout, y, rows, cols) => k.tanh_backward(dinp, dout, y, rows * cols),
  },
  softmax: { forward: (k) => k.softmax_forward, backward: (k) => k.softmax_backward },
};

/** Shapes and layout of one Jordan call. @internal */
export interface JordanConfig {
  hiddenSize: number;
  outputSize: number;
  batchFirst: boolean;
  layout: SeqLayout;
  activation: ElmanActivation;
  outputActivation: OutputActivation;
}

/** Runs a Jordan network; see the file comment. @internal */
export function jordanLayer(x: Tensor, y0: Tensor | null, w: JordanWeights, cfg: JordanConfig): { output: Tensor; hN: Tensor } {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const O = cfg.outputSize;
  const I = x.shape[2];
  const TB = T * B;
  const bf = cfg.batchFirst;
  const act = cfg.activation.forward(k);
  const actBackward = cfg.activation.backward(k);
  const outAct = cfg.outputActivation.forward(k);
  const outBackward = cfg.outputActivation.backward(k);

  const inputs = [x, y0, w.wIh, w.wHh, w.bIh, w.bHh, w.wHo, w.bHo].filter((t): t is Tensor => t !== null);
  const saving = needsGrad(...inputs);
  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * O);
  const yN = new Float32Array(B * O);
  let saved: { h: Float32Array; y: Float32Array; yPrev: Float32Array } | null = null;

  arena().scoped((ar) => {
    const px = ar.put(xTM);
    const bias = w.bIh || w.bHh ? new Float32Array(H) : null;
    if (bias) [w.bIh, w.bHh].forEach((b) => b && b.data.forEach((v, i) => (bias[i] += v)));
    const xw = ar.alloc(TB * H);
    gemmNT(k, ar, xw, px, ar.put(w.wIh.data), bias ? ar.put(bias) : 0, TB, I, H, false);
    const packedFb = ar.alloc(packedSize(O, H));
    k.gemm_pack(packedFb, ar.put(w.wHh.data), O, H, 1);
    const packedOut = ar.alloc(packedSize(H, O));
    k.gemm_pack(packedOut, ar.put(w.wHo.data), H, O, 1);
    const pbo = w.bHo ? ar.put(w.bHo.data) : 0;
    const ybuf = putState(ar, L, y0 ? y0.data : null, 0, O);
    const hAll = ar.zeros(TB * H);
    const oPre = ar.alloc(B * O);
    const yAll = ar.zeros(TB * O);
    const yPrevAll = saving ? ar.zeros(TB * O) : 0; // only backward reads it
    for (let t = 0; t < T; t++) {
      const rows = active[t];
      if (rows === 0) continue;
      const hT = hAll + t * B * H * 4;
      const yT = yAll + t * B * O * 4;
      if (saving) ar.copy(yPrevAll + t * B * O * 4, ybuf, rows * O);
      gemmPacked(k, xw + t * B * H * 4, ybuf, O, 1, packedFb, 0, rows, O, H, true, H);
      act(hT, xw + t * B * H * 4, rows * H);
      gemmPacked(k, oPre, hT, H, 1, packedOut, pbo, rows, H, O, false, O);
      outAct(yT, oPre, rows, O);
      ar.copy(ybuf, yT, rows * O);
    }
    fromTimeMajor(out, ar.view(yAll, TB * O), L, O, O, 0, bf);
    takeState(yN, ar, ybuf, L, 0, O);
    if (saving) saved = { h: ar.read(hAll, TB * H), y: ar.read(yAll, TB * O), yPrev: ar.read(yPrevAll, TB * O) };
  });

  const output = new Tensor(out, bf ? [B, T, O] : [T, B, O]);
  const hN = new Tensor(yN, [1, B, O]);
  if (!saving) return { output, hN };
  const sv = saved!;

  record('jordan', inputs, [output, hN], ([dOut, dyN]) => {
    const grads = new Map<Tensor, Float32Array>();
    let dx: Float32Array | null = null;
    let dy0: Float32Array | null = null;
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pwih = ar.put(w.wIh.data);
      const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, O, O, 0, bf, true) : new Float32Array(TB * O));
      const dy = putState(ar, L, dyN, 0, O);
      const dyt = ar.alloc(B * O);
      const dh = ar.alloc(B * H);
      const dO = ar.zeros(TB * O);
      const dZ = ar.zeros(TB * H);
      const h = ar.put(sv.h);
      const y = ar.put(sv.y);
      const yPrev = ar.put(sv.yPrev);
      const packedHo = ar.alloc(packedSize(O, H));
      k.gemm_pack(packedHo, ar.put(w.wHo.data), O, H, 0);
      const packedHh = ar.alloc(packedSize(H, O));
      k.gemm_pack(packedHh, ar.put(w.wHh.data), H, O, 0);
      for (let t = T - 1; t >= 0; t--) {
        const rows = active[t];
        if (rows === 0) continue;
        const o4 = t * B * O * 4;
        const h4 = t * B * H * 4;
        k.add_forward(dyt, dy, dOutTM + o4, rows * O);
        outBackward(dO + o4, dyt, y + o4, rows, O);
        gemmPacked(k, dh, dO + o4, O, 1, packedHo, 0, rows, O, H, false, H);
        actBackward(dZ + h4, dh, h + h4, rows * H);
        gemmPacked(k, dy, dZ + h4, H, 1, packedHh, 0, rows, H, O, false, O);
      }
      const set = (t: Tensor | null, ptr: number, n: number) => t && t.requiresGrad && grads.set(t, ar.read(ptr, n));
      if (w.wHo.requiresGrad) {
        const p = ar.alloc(O * H);
        gemmTN(k, ar, p, dO, h, 0, O, TB, H, false);
        set(w.wHo, p, O * H);
      }
      if (w.bHo) {
        const p = ar.zeros(O);
        k.sum_axis_forward(p, dO, 1, TB, O);
        set(w.bHo, p, O);
      }
      if (w.wHh.requiresGrad) {
        const p = ar.alloc(H * O);
        gemmTN(k, ar, p, dZ, yPrev, 0, H, TB, O, false);
        set(w.wHh, p, H * O);
      }
      if (w.wIh.requiresGrad) {
        const p = ar.alloc(H * I);
        gemmTN(k, ar, p, dZ, px, 0, H, TB, I, false);
        set(w.wIh, p, H * I);
      }
      if (w.bIh || w.bHh) {
        const p = ar.zeros(H);
        k.sum_axis_forward(p, dZ, 1, TB, H);
        set(w.bIh, p, H);
        set(w.bHh, p, H);
      }
      if (x.requiresGrad) {
        const p = ar.alloc(TB * I);
        gemmNN(k, ar, p, dZ, pwih, 0, TB, H, I, false);
        dx = new Float32Array(x.size);
        fromTimeMajor(dx, ar.view(p, TB * I), L, I, I, 0, bf);
      }
      if (y0) {
        dy0 = new Float32Array(B * O);
        takeState(dy0, ar, dy, L, 0, O);
      }
    });
    return inputs.map((t) => (t === x ? dx : t === y0 ? dy0 : grads.get(t) ?? null));
  });
  return { output, hN };
}
