// Affine map on the last axis: y = x·Wᵀ + b, x [..., in], W [out, in], b [out] -> [..., out].
// One GEMM over every leading row; backward dX = dY·W, dW = dYᵀ·X, db = Σ dY.
import { Snapshots, Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { gemmNN, gemmPacked, gemmTN } from '../backend/gemm.js';
import { packedWeight, settlePacks } from '../backend/pack-cache.js';
import { checkTensor, gradInWasm } from './util.js';

/** x·Wᵀ + b over the last axis of x (PyTorch's F.linear). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor(x, 'linear', 'x');
  checkTensor(weight, 'linear', 'weight');
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const [O, I] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== I) throw new Error(`linear: x must be [..., ${I}], got ${fmtShape(x.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new Error(`linear: bias must be [${O}], got ${fmtShape(bias.shape)}`);
  const M = x.size / I;
  const k = kernels();
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const saving = needsGrad(...inputs);
  // backward reads the weight and input as forward saw them (a weight may be stepped in between);
  // forward multiplies by the weight's cached panels (src/backend/pack-cache.ts)
  const frozen = new Snapshots(saving ? [x.requiresGrad && weight, weight.requiresGrad && x] : []);
  const y = arena().scoped((ar) => {
    const pc = ar.alloc(M * O);
    gemmPacked(k, pc, ar.put(x.peek()), I, 1, packedWeight(ar, k, weight, I, O), bias ? bias._inArena(ar) : 0, M, I, O, false, O);
    return ar.read(pc, M * O);
  });
  settlePacks(arena());
  const out = new Tensor(y, [...x.shape.slice(0, -1), O]);
  if (saving) {
    record(
      'linear',
      inputs,
      [out],
      frozen.around(([g]: (Float32Array | null)[]) =>
        arena().scoped((ar) => {
          const pg = ar.put(g!);
          let dx: Float32Array | null = null;
          let dw: Float32Array | null = null;
          let db: Float32Array | null = null;
          if (x.requiresGrad) {
            const p = ar.alloc(M * I);
            // dY·W: the cached panels while the weight is as forward saw it, else forward's copy
            if (frozen.unchanged(weight)) gemmPacked(k, p, pg, O, 1, packedWeight(ar, k, weight, O, I, false), 0, M, O, I, false, I);
            else gemmNN(k, ar, p, pg, ar.put(frozen.read(weight)), 0, M, O, I, false);
            dx = ar.read(p, M * I);
          }
          // the weight's and bias's straight into their .grad in wasm memory where it is kept there
          if (weight.requiresGrad) {
            const px = ar.put(frozen.read(x));
            dw = gradInWasm(ar, weight, (q, add) => gemmTN(k, ar, q, pg, px, 0, O, M, I, add));
          }
          if (bias?.requiresGrad) {
            db = gradInWasm(ar, bias, (q, add) => {
              if (!add) k.zero_fill(q, O);
              k.sum_axis_forward(q, pg, 1, M, O);
            });
          }
          return [dx, dw, db];
        }),
      ),
    );
  }
  return out;
}
