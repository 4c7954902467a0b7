import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { bool, num } from '../options.js';

/** Options of {@link SGD} (torch.optim.SGD). */
export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
}

/** Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  /** `new SGD(params, { lr, momentum, ... })`, or `new SGD(params, lr)` as PyTorch. */
  constructor(params: Tensor[], options: SGDOptions | number = {}) {
    const o = optimizerOptions<SGDOptions>('SGD', options, { momentum: num(0), dampening: num(0, 1), nesterov: bool });
    super('SGD', params, o.lr ?? 1e-3);
    this.momentum = o.momentum ?? 0;
    this.dampening = o.dampening ?? 0;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error('SGD: nesterov needs momentum > 0 and dampening 0');
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(this.momentum ? n : 0)];
  }

  // the momentum buffer starts as the first gradient, as in PyTorch
  protected update(k: Kernels, p: number, g: number, [buf]: number[], n: number, steps: number): void {
    k.sgd_update(p, g, buf, n, this.lr, this.momentum, this.dampening, this.weightDecay, this.nesterov ? 1 : 0, steps === 1 ? 1 : 0);
  }
}
