// Row lookup: ids [...] -> weight[ids] [..., D]. The gradient reaches only the rows that were
// used (summed where an id repeats), like PyTorch's dense embedding gradient.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor, gradInWasm } from './util.js';
import { arena, kernels } from '../backend/wasm.js';

/** Ids as accepted by embedding: an Int32Array / number[] (flat), nested arrays, or a Tensor of ids. */
export type Ids = Int32Array | number[] | number[][] | Tensor;

/** Validates ids against [0, n) and returns them flat with their shape. @internal */
export function flattenIds(ids: Ids, n: number, op: string, arg = 'ids'): { flat: Int32Array; shape: number[] } {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (ids instanceof Tensor) {
    flat = ids.data;
    shape = ids.shape.slice();
  } else if (Array.isArray(ids) && ids.length > 0 && Array.isArray(ids[0])) {
    const rows = ids as number[][];
    const T = rows[0].length;
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== T)
        throw new Error(`${op}: ${arg}[${i}] must have ${T} ids like ${arg}[0], got ${Array.isArray(r) ? r.length : typeof r}`);
    });
    flat = rows.flat();
    shape = [rows.length, T];
  } else if (Array.isArray(ids) || ids instanceof Int32Array) {
    flat = ids as ArrayLike<number>;
    shape = [flat.length];
  } else {
    throw new Error(`${op}: ${arg} must be an Int32Array, number[], number[][] or Tensor, got ${ids === null ? 'null' : typeof ids}`);
  }
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`${op}: ${arg}[${i}] must be an integer in [0, ${n - 1}], got ${v}`);
    out[i] = v;
  }
  return { flat: out, shape };
}

/** weight[ids]: ids of any shape S -> [...S, D]. */
export function embedding(ids: Ids, weight: Tensor, shape?: readonly number[]): Tensor {
  checkTensor(weight, 'embedding', 'weight');
  if (weight.ndim !== 2) throw new Error(`embedding: weight must be [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`);
  const [N, D] = weight.shape;
  const { flat, shape: s } = flattenIds(ids, N, 'embedding');
  const outShape = shape ? [...shape, D] : [...s, D];
  // the rows from the weight's copy in wasm memory when an optimiser keeps it there (no copy of
  // the whole table out of it after each step), else from its array
  const resident = weight._residentIfCurrent();
  let y: Float32Array;
  if (resident) {
    y = arena().scoped((ar) => {
      const py = ar.alloc(flat.length * D);
      kernels().pick_rows(py, resident, ar.putInts(flat.map((id) => id * D)), D, 0, flat.length);
      return ar.read(py, flat.length * D);
    });
  } else {
    y = new Float32Array(flat.length * D);
    const w = weight.peek();
    for (let i = 0; i < flat.length; i++) y.set(w.subarray(flat[i] * D, (flat[i] + 1) * D), i * D);
  }
  const out = new Tensor(y, outShape);
  if (needsGrad(weight)) {
    record('embedding', [weight], [out], ([g]) =>
      // the rows of g summed into the rows of their ids, in wasm
      arena().scoped((ar) => {
        const pg = ar.put(g!);
        const map = ar.putInts(flat.map((id) => id * D));
        const k = kernels();
        return [
          gradInWasm(ar, weight, (q, add) => {
            if (!add) k.zero_fill(q, N * D);
            k.scatter_add_rows(q, pg, map, D, flat.length);
          }),
        ];
      }),
    );
  }
  return out;
}
