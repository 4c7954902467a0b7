import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, hyper, type OptimizerOptions } from './optimizer.js';

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

  constructor(params: Tensor[], options: SGDOptions = {}) {
    super('SGD', params, options.lr ?? 1e-3);
    this.momentum = hyper('SGD', 'momentum', options.momentum ?? 0, 0);
    this.dampening = hyper('SGD', 'dampening', options.dampening ?? 0, 0, 1);
    this.weightDecay = hyper('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
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
