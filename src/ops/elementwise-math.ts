// Small elementwise functions the Neural Turing Machine's addressing needs (softplus for key
// strengths, sqrt for norms, pow for sharpening). Plain loops: they run on tensors of a few
// hundred elements per step, where a trip to wasm would cost more than the arithmetic.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { checkTensor } from './util.js';

function map(name: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  checkTensor(x, name, 'x');
  const y = x.data.map(f);
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) record(name, [x], [out], ([g]) => [x.data.map((v, i) => g![i] * df(v, y[i]))]);
  return out;
}

/** log(1 + e^x), computed without overflow. */
export function softplus(x: Tensor): Tensor {
  return map(
    'softplus',
    x,
    (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
    (v) => 1 / (1 + Math.exp(-v)),
  );
}

/** √x (the gradient at 0 is taken as 0 rather than infinite). */
export function sqrt(x: Tensor): Tensor {
  return map('sqrt', x, Math.sqrt, (_v, y) => (y > 0 ? 0.5 / y : 0));
}

/** |x| (subgradient 0 at 0). */
export function abs(x: Tensor): Tensor {
  return map('abs', x, Math.abs, (v) => Math.sign(v));
}
