// Linear: y = x·Wᵀ + b on the last axis (PyTorch's nn.Linear, same init U(±1/√in)).
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { uniformParam } from './init.js';
import { linear } from '../ops/linear.js';
import { SIZE, bool, readOptions } from '../options.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Add a bias (default true). */
  bias?: boolean;
}

/** An affine layer over the last axis; any leading dimensions pass through. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(options: LinearOptions) {
    super();
    const o = readOptions<LinearOptions>('Linear', 'options', options, { inFeatures: SIZE, outFeatures: SIZE, bias: bool }, [
      'inFeatures',
      'outFeatures',
    ]);
    const { inFeatures = 0, outFeatures = 0, bias = true } = o;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformParam([outFeatures, inFeatures], bound));
    this.bias = bias ? this.registerParameter('bias', uniformParam([outFeatures], bound)) : null;
  }

  override config(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  /** @internal */
  override outputShape(): string {
    return `[...,${this.outFeatures}]`;
  }

  /** x [..., inFeatures] -> [..., outFeatures]. */
  forward(x: Tensor, _options?: unknown): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
