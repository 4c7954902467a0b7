import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, hyper, type OptimizerOptions } from './optimizer.js';

/** Options of {@link Adagrad} (torch.optim.Adagrad). */
export interface AdagradOptions extends OptimizerOptions {
  lrDecay?: number;
  eps?: number;
  initialAccumulatorValue?: number;
}

/** Adagrad (Duchi et al.), as torch.optim.Adagrad. */
export class Adagrad extends Optimizer {
  readonly lrDecay: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;

  constructor(params: Tensor[], options: AdagradOptions = {}) {
    super('Adagrad', params, options.lr ?? 1e-2);
    this.lrDecay = hyper('Adagrad', 'lrDecay', options.lrDecay ?? 0, 0);
    this.eps = hyper('Adagrad', 'eps', options.eps ?? 1e-10, 0);
    this.weightDecay = hyper('Adagrad', 'weightDecay', options.weightDecay ?? 0, 0);
    this.initialAccumulatorValue = hyper('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0, 0);
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(n).fill(this.initialAccumulatorValue)];
  }

  protected update(k: Kernels, p: number, g: number, [acc]: number[], n: number, steps: number): void {
    const clr = this.lr / (1 + (steps - 1) * this.lrDecay);
    k.adagrad_update(p, g, acc, n, clr, this.eps, this.weightDecay);
  }
}
