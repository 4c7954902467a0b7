// Weighted bags of words: m[n] = Σ_w l[n,w] ⊙ weight[ids[n,w]] for N bags of W ids, with a weight
// vector l[n,w] [D] per word (the memory network's position encoding; all ones for a plain bag).
// One tape node: forward gathers and sums the rows, backward scatters l ⊙ g back into them.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor } from './util.js';

/** ids [N·W] (validated by the caller), l [N·W·D], weight [V,D] -> [N, D]. @internal */
export function bagOfWords(ids: Int32Array, l: Float32Array, weight: Tensor, N: number, W: number): Tensor {
  checkTensor(weight, 'bagOfWords', 'weight');
  if (weight.ndim !== 2) throw new Error(`bagOfWords: weight must be [V,D], got ${fmtShape(weight.shape)}`);
  const D = weight.shape[1];
  const w = weight.data;
  const y = new Float32Array(N * D);
  for (let n = 0; n < N; n++)
    for (let j = 0; j < W; j++) {
      const row = ids[n * W + j] * D;
      const lo = (n * W + j) * D;
      for (let d = 0; d < D; d++) y[n * D + d] += l[lo + d] * w[row + d];
    }
  const out = new Tensor(y, [N, D]);
  if (needsGrad(weight)) {
    const V = weight.shape[0];
    record('bagOfWords', [weight], [out], ([g]) => {
      const dw = new Float32Array(V * D);
      for (let n = 0; n < N; n++)
        for (let j = 0; j < W; j++) {
          const row = ids[n * W + j] * D;
          const lo = (n * W + j) * D;
          for (let d = 0; d < D; d++) dw[row + d] += l[lo + d] * g![n * D + d];
        }
      return [dw];
    });
  }
  return out;
}
