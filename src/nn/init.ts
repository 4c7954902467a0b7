// Weight initialisers, drawing from the library's seeded stream.
import { type Tensor, uniform, zeros } from '../tensor.js';

/** PyTorch's recurrent and Linear default: U(-bound, bound). @internal */
export function uniformParam(shape: number[], bound: number): Tensor {
  return uniform(shape, -bound, bound);
}

/** An identity matrix [n, n] (IRNN's recurrent weights). @internal */
export function identity(n: number): Tensor {
  const t = zeros([n, n]);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return t;
}
