// GRU (PyTorch's nn.GRU): resetAfter = true applies the reset gate after the recurrent product
// (PyTorch's and cuDNN's formula); false is Cho et al.'s original, r applied to h first.
import type { Tensor } from '../tensor.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { gruLayer, type GruWeights } from '../ops/gru.js';
import type { SeqLayout } from '../ops/sequence.js';
import { bool, oneOf } from '../options.js';

/** Options of {@link GRU}. */
export interface GRUOptions extends RecurrentOptions {
  /** true (default): n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); false: W_hn (r⊙h). */
  resetAfter?: boolean;
  /** The r and z gates' activation: 'sigmoid' (default) or 'hardSigmoid', clip(0.2x + 0.5, 0, 1) as Keras 2 / tfjs. */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

/** Gated recurrent unit (gates r, z, n). */
export class GRU extends RecurrentBase<GruWeights> {
  protected readonly opName = 'GRU';
  readonly resetAfter: boolean;
  readonly recurrentActivation: 'sigmoid' | 'hardSigmoid';

  constructor(options: GRUOptions) {
    super('GRU', options, { resetAfter: bool, recurrentActivation: oneOf('sigmoid', 'hardSigmoid') });
    this.resetAfter = (this.opts as Partial<GRUOptions>).resetAfter ?? true;
    this.recurrentActivation = (this.opts as Partial<GRUOptions>).recurrentActivation ?? 'sigmoid';
    this.buildCells((l, _d, s) => this.gateWeights(l, s, 3 * this.hiddenSize));
  }

  protected override extraConfig(): Record<string, unknown> {
    return { resetAfter: this.resetAfter, recurrentActivation: this.recurrentActivation };
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, weights: GruWeights[], layout: SeqLayout) {
    return gruLayer(x, h0, weights, {
      hiddenSize: this.hiddenSize,
      batchFirst: this.batchFirst,
      layout,
      resetAfter: this.resetAfter,
      hardGates: this.recurrentActivation === 'hardSigmoid',
    });
  }
}
