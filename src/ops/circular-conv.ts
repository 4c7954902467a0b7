// Circular convolution of a weighting with a shift distribution, the NTM's location-based
// shift: w̃[b,i] = Σ_k w[b,(i - k + S) mod N] · s[b,k], k = 0..2S (shifts -S..S).
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor } from './util.js';

/** w [B,N] shifted by the distribution s [B,2S+1] over shifts -S..S, wrapping around. */
export function circularConv(w: Tensor, s: Tensor): Tensor {
  checkTensor(w, 'circularConv', 'w');
  checkTensor(s, 'circularConv', 's');
  if (w.ndim !== 2 || s.ndim !== 2 || s.shape[0] !== w.shape[0] || s.shape[1] % 2 !== 1) {
    throw new Error(`circularConv: w must be [B,N] and s [B,2S+1], got ${fmtShape(w.shape)} and ${fmtShape(s.shape)}`);
  }
  const [B, N] = w.shape;
  const K = s.shape[1];
  const S = (K - 1) / 2;
  const idx = (i: number, k: number) => (((i - k + S) % N) + N) % N;
  const y = new Float32Array(B * N);
  const wd = w.data;
  const sd = s.data;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += wd[b * N + idx(i, k)] * sd[b * K + k];
      y[b * N + i] = acc;
    }
  const out = new Tensor(y, [B, N]);
  if (needsGrad(w, s)) {
    record('circularConv', [w, s], [out], ([g]) => {
      const dw = new Float32Array(B * N);
      const ds = new Float32Array(B * K);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < N; i++) {
          const gi = g![b * N + i];
          for (let k = 0; k < K; k++) {
            const j = idx(i, k);
            dw[b * N + j] += gi * sd[b * K + k];
            ds[b * K + k] += gi * wd[b * N + j];
          }
        }
      return [dw, ds];
    });
  }
  return out;
}
