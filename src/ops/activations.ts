// Elementwise activations: tanh, sigmoid, relu, exp, log. One tape node each; the backward
// kernels read the saved output (or the input, for log). Kernels: assembly/activations.ts.
import { Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Kernels } from '../backend/kernels.js';
import { checkTensor } from './util.js';

type Fwd = (k: Kernels) => (out: number, x: number, n: number) => void;
type Bwd = (k: Kernels) => (dinp: number, dout: number, saved: number, n: number) => void;

function unary(name: string, x: Tensor, fwd: Fwd, bwd: Bwd, savesInput: boolean): Tensor {
  checkTensor(x, name, 'x');
  const k = kernels();
  const n = x.size;
  const y = arena().scoped((a) => {
    const px = a.put(x.data);
    fwd(k)(px, px, n);
    return a.read(px, n);
  });
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    const saved = savesInput ? x.data : y;
    record(name, [x], [out], ([g]) => [
      arena().scoped((a) => {
        const pd = a.zeros(n);
        const pg = a.put(g!);
        const ps = a.put(saved);
        bwd(k)(pd, pg, ps, n);
        return [a.read(pd, n)];
      })[0],
    ]);
  }
  return out;
}

/** Hyperbolic tangent, elementwise (max abs error 2e-7 vs Math.tanh). */
export function tanh(x: Tensor): Tensor {
  return unary(
    'tanh',
    x,
    (k) => k.tanh_forward,
    (k) => k.tanh_backward,
    false,
  );
}

/** Logistic sigmoid 1/(1+e^-x), elementwise. */
export function sigmoid(x: Tensor): Tensor {
  return unary(
    'sigmoid',
    x,
    (k) => k.sigmoid_forward,
    (k) => k.sigmoid_backward,
    false,
  );
}

/** max(x, 0), elementwise; the gradient at 0 is 0, as in PyTorch. */
export function relu(x: Tensor): Tensor {
  return unary(
    'relu',
    x,
    (k) => k.relu_forward,
    (k) => k.relu_backward,
    false,
  );
}

/** e^x, elementwise (+Infinity above 88.72, 0 below -87.3). */
export function exp(x: Tensor): Tensor {
  return unary(
    'exp',
    x,
    (k) => k.exp_forward,
    (k) => k.exp_backward,
    false,
  );
}

/** Natural logarithm, elementwise (log 0 = -Infinity, negative input gives NaN as Math.log). */
export function log(x: Tensor): Tensor {
  return unary(
    'log',
    x,
    (k) => k.log_forward,
    (k) => k.log_backward,
    true,
  );
}
