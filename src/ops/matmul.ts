// Matrix product. a [..., n, k] · b [..., k, m] -> [..., n, m], batched over equal leading
// axes; a 2-D b is shared by every batch (one GEMM over all rows of a). Backward:
// dA = dC·Bᵀ (gemmNT), dB = Aᵀ·dC (gemmTN, summed over the batch when b is shared). Batches of
// small products (attention over a few keys, the NTM's memory) go to the bmm kernel instead, which
// reads B in place: packing B per batch element would cost more than the product.
import { Snapshots, Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { gemmNN, gemmNT, gemmPacked, gemmTN } from '../backend/gemm.js';
import { packedWeight, settlePacks } from '../backend/pack-cache.js';
import { checkTensor, gradInWasm, overwriting, prod } from './util.js';

// per batch element, up to this many multiply-adds the unpacked kernel is the faster one
const BMM_MAX = 1 << 16;

/** Matrix product with batching over leading axes (see the file comment). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(`matmul: both operands need at least 2 dimensions, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const n = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const kb = b.shape[b.ndim - 2];
  const m = b.shape[b.ndim - 1];
  if (k !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)} (${k} vs ${kb})`);
  }
  const shared = b.ndim === 2;
  const batchShape = a.shape.slice(0, -2);
  if (!shared) {
    const bb = b.shape.slice(0, -2);
    if (bb.length !== batchShape.length || bb.some((d, i) => d !== batchShape[i])) {
      throw new Error(`matmul: batch dimensions differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)}`);
    }
  }
  const batch = prod(batchShape);
  const kern = kernels();
  const outShape = [...batchShape, n, m];
  const small = !shared && n * k * m <= BMM_MAX;
  // backward reads the operands as forward saw them (a weight may be stepped in between)
  const saving = needsGrad(a, b);
  const frozen = new Snapshots(saving ? [b.requiresGrad && a, a.requiresGrad && b] : []);
  // per batch element i: A_i [n,k], B_i [k,m] (one shared B when 2-D), C_i [n,m]
  const y = arena().scoped((ar) => {
    const pa = ar.blockOf(a.peek(), batch, n, k);
    const pc = ar.block(batch, n, m);
    if (shared) {
      // a shared B (a weight) multiplies through its cached panels (src/backend/pack-cache.ts)
      gemmPacked(kern, pc.ptr, pa.ptr, k, 1, packedWeight(ar, kern, b, k, m, false), 0, batch * n, k, m, false, m);
    } else {
      const pb = ar.blockOf(b.peek(), batch, k, m);
      if (small) kern.bmm(pc.ptr, pa.ptr, pb.ptr, batch, n, k, m);
      else for (let i = 0; i < batch; i++) gemmNN(kern, ar, pc.at(i), pa.at(i), pb.at(i), 0, n, k, m, false);
    }
    return ar.read(pc.ptr, pc.size);
  });
  settlePacks(arena());
  const out = new Tensor(y, outShape);
  if (saving) {
    record(
      'matmul',
      [a, b],
      [out],
      frozen.around(([g]: (Float32Array | null)[]) =>
        arena().scoped((ar) => {
          const pg = ar.blockOf(g!, batch, n, m);
          let da: Float32Array | null = null;
          let db: Float32Array | null = null;
          // each gradient straight into its sum in wasm memory where the tape keeps one (a tensor
          // used at many steps, as attention's keys) or into a parameter's .grad there
          if (a.requiresGrad) {
            // dC·Bᵀ: through B's cached panels while B is as forward saw it, else forward's copy
            const cachedB = shared && frozen.unchanged(b);
            const pb = cachedB ? 0 : ar.put(frozen.read(b));
            const bAt = (i: number) => pb + 4 * i * k * m;
            da = gradInWasm(ar, a, (q, add) => {
              const at = (i: number) => q + 4 * i * n * k;
              if (cachedB) gemmPacked(kern, q, pg.ptr, m, 1, packedWeight(ar, kern, b, m, k), 0, batch * n, m, k, add, k);
              else if (shared) gemmNT(kern, ar, q, pg.ptr, pb, 0, batch * n, m, k, add);
              else if (small) overwriting(ar, kern, a.size, (d) => kern.bmm_nt(d, pg.ptr, pb, batch, n, m, k))(q, add);
              else for (let i = 0; i < batch; i++) gemmNT(kern, ar, at(i), pg.at(i), bAt(i), 0, n, m, k, add);
            });
          }
          if (b.requiresGrad) {
            const pa = ar.blockOf(frozen.read(a), batch, n, k);
            db = gradInWasm(ar, b, (q, add) => {
              const at = (i: number) => q + 4 * i * k * m;
              if (shared) gemmTN(kern, ar, q, pa.ptr, pg.ptr, 0, k, batch * n, m, add);
              else if (small) {
                const aT = ar.alloc(batch * n * k);
                kern.transpose_forward(aT, pa.ptr, batch, n, k);
                overwriting(ar, kern, b.size, (d) => kern.bmm(d, aT, pg.ptr, batch, k, n, m))(q, add);
              } else for (let i = 0; i < batch; i++) gemmTN(kern, ar, at(i), pa.at(i), pg.at(i), 0, k, n, m, add);
            });
          }
          return [da, db];
        }),
      ),
    );
  }
  return out;
}
