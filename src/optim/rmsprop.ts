import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, hyper, type OptimizerOptions } from './optimizer.js';

/** Options of {@link RMSprop} (torch.optim.RMSprop). */
export interface RMSpropOptions extends OptimizerOptions {
  alpha?: number;
  eps?: number;
  momentum?: number;
  /** Normalise by the variance estimate instead of the raw second moment. */
  centered?: boolean;
}

/** RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop. */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;

  constructor(params: Tensor[], options: RMSpropOptions = {}) {
    super('RMSprop', params, options.lr ?? 1e-2);
    this.alpha = hyper('RMSprop', 'alpha', options.alpha ?? 0.99, 0, 1);
    this.eps = hyper('RMSprop', 'eps', options.eps ?? 1e-8, 0);
    this.momentum = hyper('RMSprop', 'momentum', options.momentum ?? 0, 0);
    this.centered = options.centered ?? false;
    this.weightDecay = hyper('RMSprop', 'weightDecay', options.weightDecay ?? 0, 0);
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(n), new Float32Array(this.centered ? n : 0), new Float32Array(this.momentum > 0 ? n : 0)];
  }

  protected update(k: Kernels, p: number, g: number, [sq, gavg, buf]: number[], n: number): void {
    k.rmsprop_update(p, g, sq, gavg, buf, n, this.lr, this.alpha, this.eps, this.weightDecay, this.momentum);
  }
}
