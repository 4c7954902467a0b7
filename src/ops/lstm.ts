// One LSTM layer (one or two directions) over a whole batch of sequences, recorded as ONE tape
// node with a fused backward.
//   [i,f,g,o] = [σ,σ,tanh,σ](x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh (+ peepholes w_c·c));
//   c' = f⊙c + i⊙g;  h' = o⊙tanh(c')  (with projSize P: h' = W_hr·(o⊙tanh(c')), as PyTorch)
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [D,B,P], c0 [D,B,H] -> output [.., D·P], hN [D,B,P], cN [D,B,H].
// All T input projections are one GEMM; each step is one GEMM over the running sequences plus
// the fused gate kernel; backward runs the steps in reverse and forms each weight gradient with
// one GEMM over all steps. Kernels: assembly/lstm.ts, assembly/matmul.ts.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { gemmNN, gemmNT, gemmPacked, gemmTN, packedSize } from '../backend/gemm.js';
import { fromTimeMajor, putState, takeState, toTimeMajor, type SeqLayout } from './sequence.js';
import { lstmStepBackward, lstmStepForward } from '../backend/parallel.js';

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
export interface LstmLayerConfig {
  hiddenSize: number;
  projSize: number; // 0: none
  batchFirst: boolean;
  layout: SeqLayout;
}

/** What one LSTM layer returns. @internal */
export interface RecurrentResult {
  output: Tensor;
  hN: Tensor;
  cN: Tensor | null;
}

interface Saved {
  gates: Float32Array; // [T,B,4H] activations i,f,g,o
  cPrev: Float32Array; // [T,B,H] state entering each step
  c: Float32Array; // [T,B,H]
  tc: Float32Array; // [T,B,H] tanh(c)
  hPrev: Float32Array; // [T,B,P]
  hraw: Float32Array | null; // [T,B,H] o⊙tanh(c) before the projection
}

function biasSum(a: Tensor | null, b: Tensor | null, n: number): Float32Array | null {
  if (!a && !b) return null;
  const s = new Float32Array(n);
  if (a) s.set(a.data);
  if (b) for (let i = 0; i < n; i++) s[i] += b.data[i];
  return s;
}

function peepholes(w: LstmWeights, H: number): Float32Array | null {
  if (!w.wCi) return null;
  const p = new Float32Array(3 * H);
  p.set(w.wCi.data, 0);
  p.set(w.wCf!.data, H);
  p.set(w.wCo!.data, 2 * H);
  return p;
}

/** Runs one LSTM layer; see the file comment. Shapes are validated by the module. @internal */
export function lstmLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, dirs: LstmWeights[], cfg: LstmLayerConfig): RecurrentResult {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const P = cfg.projSize || H;
  const proj = cfg.projSize > 0;
  const D = dirs.length;
  const I = x.shape[2];
  const G = 4 * H;
  const TB = T * B;
  const bf = cfg.batchFirst;

  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr, w.wCi, w.wCf, w.wCo]);
  const inputs = [x, h0, c0, ...params].filter((t): t is Tensor => t !== null);
  const saving = needsGrad(...inputs);

  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * P);
  const hN = new Float32Array(D * B * P);
  const cN = new Float32Array(D * B * H);
  const saved: Saved[] = [];

  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const bias = biasSum(w.bIh, w.bHh, G);
      const pb = bias ? ar.put(bias) : 0;
      const peep = peepholes(w, H);
      const ppeep = peep ? ar.put(peep) : 0;
      const xw = ar.alloc(TB * G);
      gemmNT(k, ar, xw, px, pwih, pb, TB, I, G, false);
      const packed = ar.alloc(packedSize(P, G));
      k.gemm_pack(packed, pwhh, P, G, 1);
      let packedR = 0;
      if (proj) {
        const pwhr = ar.put(w.wHr!.data);
        packedR = ar.alloc(packedSize(H, P));
        k.gemm_pack(packedR, pwhr, H, P, 1);
      }
      const hbuf = putState(ar, L, h0 ? h0.data : null, d, P);
      const cbuf = putState(ar, L, c0 ? c0.data : null, d, H);
      const hPrevAll = saving ? ar.zeros(TB * P) : 0; // only backward reads it
      const cPrevAll = saving ? ar.zeros(TB * H) : 0; // only backward reads it
      const cAll = ar.alloc(TB * H);
      const tcAll = ar.alloc(TB * H);
      const hrawAll = proj ? ar.zeros(TB * H) : 0;
      const outTM = ar.zeros(TB * P);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const xwT = xw + t * B * G * 4;
        const outT = outTM + t * B * P * 4;
        const cT = cAll + t * B * H * 4;
        if (saving) {
          ar.copy(hPrevAll + t * B * P * 4, hbuf, rows * P);
          ar.copy(cPrevAll + t * B * H * 4, cbuf, rows * H);
        }
        gemmPacked(k, xwT, hbuf, P, 1, packed, 0, rows, P, G, true, G);
        const hraw = proj ? hrawAll + t * B * H * 4 : outT;
        lstmStepForward(k, xwT, hraw, cT, tcAll + t * B * H * 4, cbuf, ppeep, rows, H);
        if (proj) gemmPacked(k, outT, hraw, H, 1, packedR, 0, rows, H, P, false, P);
        ar.copy(hbuf, outT, rows * P);
        ar.copy(cbuf, cT, rows * H);
      }
      fromTimeMajor(out, ar.view(outTM, TB * P), L, P, D * P, d * P, bf);
      takeState(hN, ar, hbuf, L, d, P);
      takeState(cN, ar, cbuf, L, d, H);
      if (saving) {
        saved.push({
          gates: ar.read(xw, TB * G),
          cPrev: ar.read(cPrevAll, TB * H),
          c: ar.read(cAll, TB * H),
          tc: ar.read(tcAll, TB * H),
          hPrev: ar.read(hPrevAll, TB * P),
          hraw: proj ? ar.read(hrawAll, TB * H) : null,
        });
      }
    }
  });

  const output = new Tensor(out, bf ? [B, T, D * P] : [T, B, D * P]);
  const hNt = new Tensor(hN, [D, B, P]);
  const cNt = new Tensor(cN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: cNt };

  record('lstm', inputs, [output, hNt, cNt], ([dOut, dhN, dcN]) => {
    const grads = new Map<Tensor, Float32Array>();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * P);
    const dc0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const sv = saved[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const peep = peepholes(w, H);
        const ppeep = peep ? ar.put(peep) : 0;
        const dpeep = peep ? ar.zeros(3 * H) : 0;
        const dZ = ar.zeros(TB * G);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, P, D * P, d * P, bf, true) : new Float32Array(TB * P));
        const dh = putState(ar, L, dhN, d, P);
        const dc = putState(ar, L, dcN, d, H);
        const dht = ar.alloc(B * P);
        const gates = ar.put(sv.gates);
        const cPrev = ar.put(sv.cPrev);
        const cAll = ar.put(sv.c);
        const tc = ar.put(sv.tc);
        const hPrev = ar.put(sv.hPrev);
        const packedT = ar.alloc(packedSize(G, P));
        k.gemm_pack(packedT, pwhh, G, P, 0);
        let packedRT = 0, dhraw = 0, dHproj = 0, hraw = 0, pwhr = 0;
        if (proj) {
          pwhr = ar.put(w.wHr!.data);
          packedRT = ar.alloc(packedSize(P, H));
          k.gemm_pack(packedRT, pwhr, P, H, 0);
          dhraw = ar.alloc(B * H);
          dHproj = ar.zeros(TB * P);
          hraw = ar.put(sv.hraw!);
        }
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          k.add_forward(dht, dh, dOutTM + t * B * P * 4, rows * P);
          let dhIn = dht;
          if (proj) {
            ar.copy(dHproj + t * B * P * 4, dht, rows * P);
            gemmPacked(k, dhraw, dht, P, 1, packedRT, 0, rows, P, H, false, H);
            dhIn = dhraw;
          }
          const o4 = t * B * H * 4;
          lstmStepBackward(k, dZ + t * B * G * 4, dc, dpeep, dhIn, gates + t * B * G * 4, cPrev + o4, cAll + o4, tc + o4, ppeep, rows, H);
          gemmPacked(k, dh, dZ + t * B * G * 4, G, 1, packedT, 0, rows, G, P, false, P);
        }
        // both weight gradients read dZᵀ [G, T·B]: transpose once, then two plain products
        let dZtPtr = 0;
        const dZt = () => {
          if (!dZtPtr) {
            dZtPtr = ar.alloc(TB * G);
            k.transpose_forward(dZtPtr, dZ, 1, TB, G);
          }
          return dZtPtr;
        };
        const grad = (t: Tensor | null, ptr: number, n: number) => {
          if (t && t.requiresGrad) grads.set(t, ar.read(ptr, n));
        };
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(G * I);
          gemmNN(k, ar, p, dZt(), px, 0, G, TB, I, false);
          grad(w.wIh, p, G * I);
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(G * P);
          gemmNN(k, ar, p, dZt(), hPrev, 0, G, TB, P, false);
          grad(w.wHh, p, G * P);
        }
        if ((w.bIh && w.bIh.requiresGrad) || (w.bHh && w.bHh.requiresGrad)) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dZ, 1, TB, G);
          grad(w.bIh, p, G);
          grad(w.bHh, p, G);
        }
        if (proj && w.wHr!.requiresGrad) {
          const p = ar.alloc(P * H);
          gemmTN(k, ar, p, dHproj, hraw, 0, P, TB, H, false);
          grad(w.wHr, p, P * H);
        }
        if (peep) {
          grad(w.wCi, dpeep, H);
          grad(w.wCf, dpeep + H * 4, H);
          grad(w.wCo, dpeep + 2 * H * 4, H);
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dZ, pwih, 0, TB, G, I, true);
        takeState(dh0, ar, dh, L, d, P);
        takeState(dc0, ar, dc, L, d, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => {
      if (t === x) return dx;
      if (t === h0) return dh0;
      if (t === c0) return dc0;
      return grads.get(t) ?? null;
    });
  });
  return { output, hN: hNt, cN: cNt };
}
