import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { bool, num } from '../options.js';

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

  /** `new RMSprop(params, { lr, alpha, ... })`, or `new RMSprop(params, lr)` as PyTorch. */
  constructor(params: Tensor[], options: RMSpropOptions | number = {}) {
    const o = optimizerOptions<RMSpropOptions>('RMSprop', options, { alpha: num(0, 1), eps: num(0), momentum: num(0), centered: bool });
    super('RMSprop', params, o.lr ?? 1e-2);
    this.alpha = o.alpha ?? 0.99;
    this.eps = o.eps ?? 1e-8;
    this.momentum = o.momentum ?? 0;
    this.centered = o.centered ?? false;
    this.weightDecay = o.weightDecay ?? 0;
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(n), new Float32Array(this.centered ? n : 0), new Float32Array(this.momentum > 0 ? n : 0)];
  }

  protected update(k: Kernels, p: number, g: number, [sq, gavg, buf]: number[], n: number): void {
    k.rmsprop_update(p, g, sq, gavg, buf, n, this.lr, this.alpha, this.eps, this.weightDecay, this.momentum);
  }
}
