// Dot-product attention as one tape node: for queries q [B,Tq,H], keys [B,Tk,H], values
// [B,Tk,Hv] and an additive mask [B,Tk] (0 visible, -Infinity hidden; a row with every key hidden
// gets zero weights and a zero context),
//   forward:  S = q·Kᵀ + mask   W = softmax(S)   C = W·V
//   backward: dW = gW + dC·Vᵀ   dV = Wᵀ·dC   dS = W⊙(dW - Σ_j W dW)   dq = dS·K   dK = dSᵀ·q
// in one arena scope on the batched small-product kernels (bmm, bmm_nt): each operand goes into
// wasm once, and no transposed copy of the keys is made (the composed form — matmul, transpose,
// add, softmax, matmul — copies every operand in and out at every op).
import { Tensor, snapshot } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';

/** The attention weights [B,Tq,Tk] and the context they read [B,Tq,Hv]. @internal */
export interface AttentionCore {
  context: Tensor;
  weights: Tensor;
}

/** See the file comment; shapes are the caller's to check. @internal */
export function dotAttention(q: Tensor, keys: Tensor, values: Tensor, mask: Float32Array | null): AttentionCore {
  const [B, Tq, H] = q.shape;
  const Tk = keys.shape[1];
  const Hv = values.shape[2];
  const k = kernels();
  const saving = needsGrad(q, keys, values);
  const read = (t: Tensor) => (saving ? snapshot(t) : t.peek());
  const qd = read(q);
  const kd = read(keys);
  const vd = values === keys ? kd : read(values);
  const nS = B * Tq * Tk;
  const [w, c] = arena().scoped((ar) => {
    const pk = ar.put(kd);
    const pv = values === keys ? pk : ar.put(vd);
    const ps = ar.alloc(nS);
    k.bmm_nt(ps, ar.put(qd), pk, B, Tq, H, Tk);
    if (mask) {
      const s = ar.view(ps, nS);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < Tq; i++) {
          const row = (b * Tq + i) * Tk;
          for (let j = 0; j < Tk; j++) s[row + j] += mask[b * Tk + j];
        }
    }
    k.softmax_forward(ps, ps, B * Tq, Tk);
    const pc = ar.alloc(B * Tq * Hv);
    k.bmm(pc, ps, pv, B, Tq, Tk, Hv);
    return [ar.read(ps, nS), ar.read(pc, B * Tq * Hv)];
  });
  const weights = new Tensor(w, [B, Tq, Tk]);
  const context = new Tensor(c, [B, Tq, Hv]);
  if (saving) {
    record('attention', [q, keys, values], [context, weights], ([gC, gW]) =>
      arena().scoped((ar) => {
        const pw = ar.put(w);
        const pk = ar.put(kd);
        const pv = values === keys ? pk : ar.put(vd);
        const pdw = gW ? ar.put(gW) : ar.zeros(nS);
        let dV: Float32Array | null = null;
        if (gC) {
          const pgc = ar.put(gC);
          const t = ar.alloc(nS);
          k.bmm_nt(t, pgc, pv, B, Tq, Hv, Tk);
          k.add_forward(pdw, pdw, t, nS);
          if (values.requiresGrad) {
            const wt = ar.alloc(nS);
            k.transpose_forward(wt, pw, B, Tq, Tk);
            const pdv = ar.alloc(B * Tk * Hv);
            k.bmm(pdv, wt, pgc, B, Tk, Tq, Hv);
            dV = ar.read(pdv, B * Tk * Hv);
          }
        }
        const pds = ar.zeros(nS);
        k.softmax_backward(pds, pdw, pw, B * Tq, Tk);
        let dq: Float32Array | null = null;
        let dK: Float32Array | null = null;
        if (q.requiresGrad) {
          const pdq = ar.alloc(B * Tq * H);
          k.bmm(pdq, pds, pk, B, Tq, Tk, H);
          dq = ar.read(pdq, B * Tq * H);
        }
        if (keys.requiresGrad) {
          const dst = ar.alloc(nS);
          k.transpose_forward(dst, pds, B, Tq, Tk);
          const pdk = ar.alloc(B * Tk * H);
          k.bmm(pdk, dst, ar.put(qd), B, Tk, Tq, H);
          dK = ar.read(pdk, B * Tk * H);
        }
        return [dq, dK, dV];
      }),
    );
  }
  return { context, weights };
}
