// Plain-loop twins of assembly/optim.ts (torch.optim's single-tensor formulas).
import type { Floats } from './types.js';

export function sgd_update(
  param: Floats,
  grad: Floats,
  buf: Floats,
  n: number,
  lr: number,
  momentum: number,
  dampening: number,
  weightDecay: number,
  nesterov: boolean,
  first: boolean,
): void {
  for (let i = 0; i < n; i++) {
    let g = grad[i] + weightDecay * param[i];
    if (momentum !== 0) {
      buf[i] = first ? g : momentum * buf[i] + (1 - dampening) * g;
      g = nesterov ? g + momentum * buf[i] : buf[i];
    }
    param[i] -= lr * g;
  }
}

export function adam_update(
  param: Floats,
  grad: Floats,
  m: Floats,
  v: Floats,
  vmax: Floats | null,
  n: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  decoupled: boolean,
  bc1: number,
  bc2: number,
): void {
  for (let i = 0; i < n; i++) {
    let p = param[i];
    const g = grad[i] + (decoupled ? 0 : weightDecay * p);
    if (decoupled) p *= 1 - lr * weightDecay;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    let vv = v[i];
    if (vmax) vv = vmax[i] = Math.max(vmax[i], vv);
    param[i] = p - (lr / bc1) * (m[i] / (Math.sqrt(vv) / Math.sqrt(bc2) + eps));
  }
}

export function rmsprop_update(
  param: Floats,
  grad: Floats,
  sq: Floats,
  gavg: Floats | null,
  buf: Floats | null,
  n: number,
  lr: number,
  alpha: number,
  eps: number,
  weightDecay: number,
  momentum: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i] + weightDecay * param[i];
    sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
    let avg: number;
    if (gavg) {
      gavg[i] = alpha * gavg[i] + (1 - alpha) * g;
      avg = Math.sqrt(sq[i] - gavg[i] * gavg[i]) + eps;
    } else {
      avg = Math.sqrt(sq[i]) + eps;
    }
    let u = g / avg;
    if (momentum > 0 && buf) u = buf[i] = momentum * buf[i] + u;
    param[i] -= lr * u;
  }
}

export function adagrad_update(param: Floats, grad: Floats, acc: Floats, n: number, clr: number, eps: number, weightDecay: number): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i] + weightDecay * param[i];
    acc[i] += g * g;
    param[i] -= clr * (g / (Math.sqrt(acc[i]) + eps));
  }
}
