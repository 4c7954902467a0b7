// Binary cross-entropy from logits, computed stably as max(x,0) - x·y + log(1 + e^{-|x|})
// (PyTorch's BCEWithLogitsLoss); posWeight multiplies the positive term.
import { Tensor, fmtShape, sameShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor } from '../ops/util.js';
import { REDUCTION, type Reduction } from './reduction.js';
import { num, readOptions } from '../options.js';

/** Binary cross-entropy with logits; targets in [0, 1], same shape as logits. */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: { reduction?: Reduction; posWeight?: number } = {}): Tensor {
  checkTensor(logits, 'bceWithLogits', 'logits');
  checkTensor(targets, 'bceWithLogits', 'targets');
  if (!sameShape(logits.shape, targets.shape)) {
    throw new Error(`bceWithLogits: logits ${fmtShape(logits.shape)} and targets ${fmtShape(targets.shape)} must have the same shape`);
  }
  const o = readOptions<{ reduction?: Reduction; posWeight?: number }>('bceWithLogits', 'options', options, {
    reduction: REDUCTION,
    posWeight: num(0),
  });
  const reduction: Reduction = o.reduction ?? 'mean';
  const pw = o.posWeight ?? 1;
  const n = logits.size;
  const per = new Float32Array(n);
  const ld = logits.data;
  const td = targets.data;
  for (let i = 0; i < n; i++) {
    const x = ld[i],
      y = td[i];
    if (!(y >= 0 && y <= 1)) throw new Error(`bceWithLogits: targets[${i}] must be in [0, 1], got ${y}`);
    // -[pw·y·log σ(x) + (1-y)·log(1-σ(x))], with log σ(x) = -softplus(-x)
    const spNeg = Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    per[i] = pw * y * spNeg + (1 - y) * (x + spNeg);
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(per, logits.shape);
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s += per[i];
    out = new Tensor(new Float32Array([reduction === 'mean' ? s / Math.max(n, 1) : s]), []);
  }
  if (needsGrad(logits)) {
    record('bceWithLogits', [logits], [out], ([g]) => {
      const d = new Float32Array(n);
      const scale = reduction === 'mean' ? 1 / Math.max(n, 1) : 1;
      for (let i = 0; i < n; i++) {
        const x = ld[i],
          y = td[i];
        const s = 1 / (1 + Math.exp(-x));
        // d/dx = (1-y)·σ(x) - pw·y·(1-σ(x))
        d[i] = ((1 - y) * s - pw * y * (1 - s)) * scale * (reduction === 'none' ? g![i] : g![0]);
      }
      return [d];
    });
  }
  return out;
}
