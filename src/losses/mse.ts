// Mean squared error: (pred - target)², reduced. Both operands may require grad.
import { Tensor, fmtShape, sameShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkFinite, checkTensor } from '../ops/util.js';
import { readOptions } from '../options.js';
import { REDUCTION, type Reduction } from './reduction.js';

/** (pred - target)² with 'mean' (default), 'sum' or 'none' reduction; shapes must match. */
export function mse(pred: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkTensor(pred, 'mse', 'pred');
  checkTensor(target, 'mse', 'target');
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(`mse: pred ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
  const o = readOptions<{ reduction?: Reduction }>('mse', 'options', options, { reduction: REDUCTION });
  const reduction: Reduction = o.reduction ?? 'mean';
  checkFinite(target.data, 'mse', 'target');
  const n = pred.size;
  const diff = new Float32Array(n);
  const pd = pred.data;
  const td = target.data;
  for (let i = 0; i < n; i++) diff[i] = pd[i] - td[i];
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(
      diff.map((v) => v * v),
      pred.shape,
    );
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[i] * diff[i];
    out = new Tensor(new Float32Array([reduction === 'mean' ? s / Math.max(n, 1) : s]), []);
  }
  if (needsGrad(pred, target)) {
    record('mse', [pred, target], [out], ([g]) => {
      const scale = reduction === 'mean' ? 2 / Math.max(n, 1) : 2;
      const dp = new Float32Array(n);
      for (let i = 0; i < n; i++) dp[i] = scale * diff[i] * (reduction === 'none' ? g![i] : g![0]);
      return [pred.requiresGrad ? dp : null, target.requiresGrad ? dp.map((v) => -v) : null];
    });
  }
  return out;
}
