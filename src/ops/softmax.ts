// softmax and logSoftmax along one axis, max-subtracted so large logits cannot overflow.
// The last axis runs the row kernels directly; another axis is moved last and back.
// Kernels: assembly/softmax.ts.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { checkTensor, normAxis } from './util.js';
import { transpose } from './shape.js';

function rowwise(name: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  checkTensor(x, name, 'x');
  if (x.ndim === 0) throw new Error(`${name}: x must have at least one dimension, got a 0-d tensor`);
  const ax = normAxis(axis, x.ndim, name);
  if (ax !== x.ndim - 1) return transpose(rowwise(name, transpose(x, ax, -1), -1), ax, -1);
  const cols = x.shape[ax];
  const rows = cols === 0 ? 0 : x.size / cols;
  const k = kernels();
  const fwd = name === 'softmax' ? k.softmax_forward : k.log_softmax_forward;
  const bwd = name === 'softmax' ? k.softmax_backward : k.log_softmax_backward;
  const y = arena().scoped((ar) => {
    const p = ar.put(x.data);
    fwd(p, p, rows, cols);
    return ar.read(p, x.size);
  });
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    record(name, [x], [out], ([g]) =>
      arena().scoped((ar) => {
        const pd = ar.zeros(x.size);
        bwd(pd, ar.put(g!), ar.put(y), rows, cols);
        return [ar.read(pd, x.size)];
      }),
    );
  }
  return out;
}

/** exp(x) / Σ exp(x) along `axis` (default the last). A row of all -Infinity gives zeros. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return rowwise('softmax', x, axis);
}

/** log(softmax(x)) along `axis`, computed as x - max - log Σ exp(x - max). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return rowwise('logSoftmax', x, axis);
}
