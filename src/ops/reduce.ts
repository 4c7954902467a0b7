// sum and mean, over everything (a 0-d result, shape []) or over one axis (keepDim keeps it as
// size 1). The tensor is viewed as [outer, n, inner] around the axis. Kernels: assembly/reduce.ts.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { checkTensor, normAxis, prod } from './util.js';

function reduce(name: string, x: Tensor, axis: number | undefined, keepDim: boolean, mean: boolean): Tensor {
  checkTensor(x, name, 'x');
  if (typeof keepDim !== 'boolean') throw new Error(`${name}: keepDim must be true or false, got ${typeof keepDim}`);
  const k = kernels();
  // a 0-d tensor reduced over its axis 0 (or -1) is itself, as in PyTorch
  if (x.ndim === 0 && axis !== undefined && axis !== null) normAxis(axis, 0, name);
  if (axis === undefined || axis === null || x.ndim === 0) {
    const total = arena().scoped((ar) => k.sum(ar.put(x.data), x.size));
    const scale = mean ? 1 / x.size : 1;
    const out = new Tensor(new Float32Array([total * scale]), keepDim && axis === undefined ? x.shape.map(() => 1) : []);
    if (needsGrad(x)) record(name, [x], [out], ([g]) => [new Float32Array(x.size).fill(g![0] * scale)]);
    return out;
  }
  const ax = normAxis(axis, x.ndim, name);
  const outer = prod(x.shape, 0, ax);
  const n = x.shape[ax];
  const inner = prod(x.shape, ax + 1);
  const scale = mean ? 1 / n : 1;
  const size = outer * inner;
  const y = arena().scoped((ar) => {
    const po = ar.zeros(size);
    k.sum_axis_forward(po, ar.put(x.data), outer, n, inner);
    if (mean) k.scale_forward(po, po, scale, size);
    return ar.read(po, size);
  });
  const shape = keepDim ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  const out = new Tensor(y, shape);
  if (needsGrad(x)) {
    record(name, [x], [out], ([g]) =>
      arena().scoped((ar) => {
        const pd = ar.zeros(x.size);
        const pg = ar.put(g!);
        if (mean) k.scale_forward(pg, pg, scale, size);
        k.sum_axis_backward(pd, pg, outer, n, inner);
        return [ar.read(pd, x.size)];
      }),
    );
  }
  return out;
}

/** Sum of all elements (shape []) or along `axis` (negative counts from the end). */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  return reduce('sum', x, axis, keepDim, false);
}

/** Mean of all elements (shape []) or along `axis`. */
export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  return reduce('mean', x, axis, keepDim, true);
}
