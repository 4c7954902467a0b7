// Attention as one tape node per call, in one arena scope on the batched small-product kernels
// (bmm, bmm_nt) and the additive scorer's kernels. For queries [B,Tq,·], keys [B,Tk,·], values
// [B,Tk,Hv] and an additive mask [B,Tk] (0 visible, -Infinity hidden; a row with every key hidden
// gets zero weights and a zero context):
//   scores S [B,Tq,Tk]:  dot        S = q·Kᵀ
//                        additive   S[b,i,j] = v·tanh(qa[b,i] + ka[b,j])   (qa, ka: projections)
//   then W = softmax(S + mask), C = W·V
//   backward: dW = gW + dC·Vᵀ   dV = Wᵀ·dC   dS = W⊙(dW - Σ_j W dW), and from dS
//             dot        dq = dS·K   dK = dSᵀ·q
//             additive   de = dS·v⊙(1 - e²)  dqa = Σ_j de   dka = Σ_i de   dv = Σ dS·e
// Each operand goes into wasm once and no transposed copy of the keys is made (the composed form —
// matmul, transpose, add, softmax, matmul, or broadcast, add, tanh, linear — copies every operand
// in and out at every op, and the additive one forms the [B,Tq,Tk,A] sum as a tensor).
import { Snapshots, Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { type Arena, Block, type KeptBlocks } from '../backend/heap.js';
import type { Kernels } from '../backend/kernels.js';
import { gradInWasm, gradTarget, overwriting } from './util.js';

/** The attention weights [B,Tq,Tk] and the context they read [B,Tq,Hv]. @internal */
export interface AttentionCore {
  context: Tensor;
  weights: Tensor;
}

interface Sizes {
  B: number;
  Tq: number;
  Tk: number;
  Hv: number;
}

/** Masks and normalises the scores at ps in place (they become W) and returns [W, C = W·V]. */
function readOut(ar: Arena, k: Kernels, ps: number, pv: number, mask: Float32Array | null, z: Sizes): [Float32Array, Float32Array] {
  const { B, Tq, Tk, Hv } = z;
  const nS = B * Tq * Tk;
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
}

/**
 * Backward through C = W·V and the softmax: dS in the arena, and the gradient of `values` when
 * it wants one (straight into its sum in wasm memory where there is one: gradInWasm).
 */
function scoreGradient(
  ar: Arena,
  k: Kernels,
  w: Float32Array,
  pv: number,
  gC: Float32Array | null,
  gW: Float32Array | null,
  values: Tensor,
  z: Sizes,
): { pds: number; dV: Float32Array | null } {
  const { B, Tq, Tk, Hv } = z;
  const nS = B * Tq * Tk;
  const pw = ar.put(w);
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
      dV = gradInWasm(
        ar,
        values,
        overwriting(ar, k, B * Tk * Hv, (d) => k.bmm(d, wt, pgc, B, Tk, Tq, Hv)),
      );
    }
  }
  const pds = ar.zeros(nS);
  k.softmax_backward(pds, pdw, pw, B * Tq, Tk);
  return { pds, dV };
}

/** Dot-product scores (see the file comment); shapes are the caller's to check. @internal */
export function dotAttention(q: Tensor, keys: Tensor, values: Tensor, mask: Float32Array | null): AttentionCore {
  const [B, Tq, H] = q.shape;
  const z: Sizes = { B, Tq, Tk: keys.shape[1], Hv: values.shape[2] };
  const k = kernels();
  const saving = needsGrad(q, keys, values);
  const frozen = new Snapshots(saving ? [q, keys, values] : []);
  const [w, c] = arena().scoped((ar) => {
    const pk = ar.put(keys.peek());
    const pv = values === keys ? pk : ar.put(values.peek());
    const ps = ar.alloc(B * Tq * z.Tk);
    k.bmm_nt(ps, ar.put(q.peek()), pk, B, Tq, H, z.Tk);
    return readOut(ar, k, ps, pv, mask, z);
  });
  const weights = new Tensor(w, [B, Tq, z.Tk]);
  const context = new Tensor(c, [B, Tq, z.Hv]);
  if (saving) {
    record(
      'attention',
      [q, keys, values],
      [context, weights],
      frozen.around(([gC, gW]: (Float32Array | null)[]) =>
        arena().scoped((ar) => {
          const pk = ar.put(frozen.read(keys));
          const pv = values === keys ? pk : ar.put(frozen.read(values));
          const { pds, dV } = scoreGradient(ar, k, w, pv, gC, gW, values, z);
          let dq: Float32Array | null = null;
          let dK: Float32Array | null = null;
          if (q.requiresGrad)
            dq = gradInWasm(
              ar,
              q,
              overwriting(ar, k, q.size, (d) => k.bmm(d, pds, pk, B, Tq, z.Tk, H)),
            );
          if (keys.requiresGrad) {
            const dst = ar.alloc(B * Tq * z.Tk);
            k.transpose_forward(dst, pds, B, Tq, z.Tk);
            const pq = ar.put(frozen.read(q));
            dK = gradInWasm(
              ar,
              keys,
              overwriting(ar, k, keys.size, (d) => k.bmm(d, dst, pq, B, z.Tk, Tq, H)),
            );
          }
          // (keys and values one tensor: two contributions, the tape sums them)
          return [dq, dK, dV];
        }),
      ),
    );
  }
  return { context, weights };
}

/**
 * Additive scores (see the file comment) from the projected queries qa [B,Tq,A] and keys
 * ka [B,Tk,A] and the scorer's vector v (A floats, e.g. [1,A]); shapes are the caller's to
 * check. @internal
 */
export function additiveAttention(qa: Tensor, ka: Tensor, v: Tensor, values: Tensor, mask: Float32Array | null): AttentionCore {
  const [B, Tq, A] = qa.shape;
  const z: Sizes = { B, Tq, Tk: ka.shape[1], Hv: values.shape[2] };
  const nS = B * Tq * z.Tk;
  const k = kernels();
  const saving = needsGrad(qa, ka, v, values);
  const frozen = new Snapshots(saving ? [v, values] : []);
  let pe = 0; // tanh(qa + ka) [B,Tq,Tk,A], kept in wasm memory for backward
  const [w, c] = arena().scoped((ar) => {
    const ps = ar.alloc(nS);
    pe = saving ? ar.alloc(nS * A) : 0;
    k.additive_scores_forward(ps, pe, ar.put(qa.peek()), ar.put(ka.peek()), ar.put(v.peek()), B, Tq, z.Tk, A);
    return readOut(ar, k, ps, ar.put(values.peek()), mask, z);
  });
  const weights = new Tensor(w, [B, Tq, z.Tk]);
  const context = new Tensor(c, [B, Tq, z.Hv]);
  if (saving) {
    let kept: KeptBlocks | null = null;
    const backward = frozen.around(([gC, gW]: (Float32Array | null)[]): (Float32Array | null)[] => {
      try {
        return arena().scoped((ar) => {
          const e = ar.restore(kept!.blocks[0]);
          const { pds, dV } = scoreGradient(ar, k, w, ar.put(frozen.read(values)), gC, gW, values, z);
          // the kernel adds into all three: straight into their sums or .grad in wasm memory
          // where they are kept there (gradTarget), else into zeroed scratch
          const scratch = (n: number) => ({ ptr: ar.zeros(n), add: true, out: () => null });
          const dq = qa.requiresGrad ? gradTarget(ar, qa, true) : scratch(B * Tq * A);
          const dk = ka.requiresGrad ? gradTarget(ar, ka, true) : scratch(B * z.Tk * A);
          const dv = v.requiresGrad ? gradTarget(ar, v, true) : scratch(A);
          k.additive_scores_backward(dq.ptr, dk.ptr, dv.ptr, pds, e.ptr, ar.put(frozen.read(v)), B, Tq, z.Tk, A);
          return [dq.out(), dk.out(), dv.out(), dV];
        });
      } finally {
        kept!.release();
      }
    });
    // the scope has ended: keep e before anything else is allocated
    kept = arena().keep([new Block(pe, [nS, A, 1])], backward);
    record('additive attention', [qa, ka, v, values], [context, weights], backward);
  }
  return { context, weights };
}
