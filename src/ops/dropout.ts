// Inverted dropout: each element is zeroed with probability p and the survivors scaled by
// 1/(1-p), so evaluation needs no rescaling. The mask is drawn from the seeded stream.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { random } from '../random.js';
import { checkTensor } from './util.js';

/** Dropout with probability p when `training`; the identity otherwise. */
export function dropout(x: Tensor, p: number, training = true): Tensor {
  checkTensor(x, 'dropout', 'x');
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = random() < p ? 0 : scale;
  const y = new Float32Array(x.size);
  const xd = x.data;
  for (let i = 0; i < y.length; i++) y[i] = xd[i] * mask[i];
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    record('dropout', [x], [out], ([g]) => {
      const d = new Float32Array(x.size);
      for (let i = 0; i < d.length; i++) d[i] = g![i] * mask[i];
      return [d];
    });
  }
  return out;
}
