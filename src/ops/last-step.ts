// The output at each sequence's own last step: x [B,T,F] (batchFirst) or [T,B,F] with lengths
// -> [B,F]. What a many-to-one model reads from a per-step output; backward scatters back.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor } from './util.js';

/** x[b, lengths[b]-1, :] for every b (all T when lengths is omitted). */
export function lastStep(x: Tensor, lengths?: ArrayLike<number> | null, batchFirst = true): Tensor {
  checkTensor(x, 'lastStep', 'x');
  if (x.ndim !== 3) throw new Error(`lastStep: x must be [B,T,F], got ${fmtShape(x.shape)}`);
  const [B, T, F] = batchFirst ? [x.shape[0], x.shape[1], x.shape[2]] : [x.shape[1], x.shape[0], x.shape[2]];
  const at = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b] : T;
    if (!Number.isInteger(len) || len < 1 || len > T) throw new Error(`lastStep: lengths[${b}] must be an integer in 1..${T}, got ${len}`);
    at[b] = (batchFirst ? b * T + len - 1 : (len - 1) * B + b) * F;
  }
  const y = new Float32Array(B * F);
  for (let b = 0; b < B; b++) y.set(x.data.subarray(at[b], at[b] + F), b * F);
  const out = new Tensor(y, [B, F]);
  if (needsGrad(x)) {
    record('lastStep', [x], [out], ([g]) => {
      const d = new Float32Array(x.size);
      for (let b = 0; b < B; b++) d.set(g!.subarray(b * F, (b + 1) * F), at[b]);
      return [d];
    });
  }
  return out;
}
