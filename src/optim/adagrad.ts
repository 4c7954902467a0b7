import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { num } from '../options.js';

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

  /** `new Adagrad(params, { lr, lrDecay, ... })`, or `new Adagrad(params, lr)` as PyTorch. */
  constructor(params: Tensor[], options: AdagradOptions | number = {}) {
    const o = optimizerOptions<AdagradOptions>('Adagrad', options, { lrDecay: num(0), eps: num(0), initialAccumulatorValue: num(0) });
    super('Adagrad', params, o.lr ?? 1e-2);
    this.lrDecay = o.lrDecay ?? 0;
    this.eps = o.eps ?? 1e-10;
    this.weightDecay = o.weightDecay ?? 0;
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0;
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(n).fill(this.initialAccumulatorValue)];
  }

  protected update(k: Kernels, p: number, g: number, [acc]: number[], n: number, steps: number): void {
    const clr = this.lr / (1 + (steps - 1) * this.lrDecay);
    k.adagrad_update(p, g, acc, n, clr, this.eps, this.weightDecay);
  }
}
