import type { Tensor } from '../tensor.js';
import type { Kernels } from '../backend/kernels.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { bool, num, type Check } from '../options.js';

const betas: Check = (v) =>
  Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number' && b >= 0 && b < 1)
    ? null
    : `must be two numbers in [0, 1), got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`;

/** Options of {@link Adam} and {@link AdamW} (torch.optim.Adam / AdamW). */
export interface AdamOptions extends OptimizerOptions {
  betas?: [number, number];
  eps?: number;
  /** Keep the running maximum of the second moment (Reddi et al.). */
  amsgrad?: boolean;
}

/** Adam (Kingma & Ba); weightDecay is an L2 term added to the gradient. */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  protected readonly decoupled: boolean = false;

  /** `new Adam(params, { lr, betas, ... })`, or `new Adam(params, lr)` as PyTorch. */
  constructor(params: Tensor[], options: AdamOptions | number = {}, name = 'Adam', defaultDecay = 0) {
    const o = optimizerOptions<AdamOptions>(name, options, { betas: betas, eps: num(0), amsgrad: bool });
    super(name, params, o.lr ?? 1e-3);
    [this.beta1, this.beta2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? defaultDecay;
    this.amsgrad = o.amsgrad ?? false;
  }

  protected initState(n: number): Float32Array[] {
    return [new Float32Array(n), new Float32Array(n), new Float32Array(this.amsgrad ? n : 0)];
  }

  protected update(k: Kernels, p: number, g: number, [m, v, vmax]: number[], n: number, steps: number): void {
    const bc1 = 1 - this.beta1 ** steps;
    const bc2 = 1 - this.beta2 ** steps;
    k.adam_update(p, g, m, v, vmax, n, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled ? 1 : 0, bc1, bc2);
  }
}

/** AdamW (Loshchilov & Hutter): weight decay applied to the weights, not the gradient (default 0.01). */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Tensor[], options: AdamOptions | number = {}) {
    super(params, options, 'AdamW', 0.01);
  }
}
