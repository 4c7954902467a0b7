// Reverses each sequence within its own length (padding stays in place): the input of the
// backward layer of a Keras-style Bidirectional wrapper. A permutation, so its backward is
// the same permutation.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';

/** x [B,T,F] (batchFirst) or [T,B,F]: step t of sequence b -> step len_b - 1 - t. @internal */
export function reverseSequences(x: Tensor, lengths: ArrayLike<number> | null, batchFirst: boolean): Tensor {
  const [B, T, F] = batchFirst ? [x.shape[0], x.shape[1], x.shape[2]] : [x.shape[1], x.shape[0], x.shape[2]];
  const idx = (b: number, t: number) => (batchFirst ? b * T + t : t * B + b) * F;
  const perm = (src: Float32Array): Float32Array => {
    const out = new Float32Array(src.length);
    for (let b = 0; b < B; b++) {
      const len = lengths ? lengths[b] : T;
      for (let t = 0; t < T; t++) {
        const from = t < len ? len - 1 - t : t;
        out.set(src.subarray(idx(b, from), idx(b, from) + F), idx(b, t));
      }
    }
    return out;
  };
  const out = new Tensor(perm(x.data), x.shape);
  if (needsGrad(x)) record('reverseSequences', [x], [out], ([g]) => [perm(g!)]);
  return out;
}
