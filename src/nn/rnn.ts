// RNN: the Elman network, h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), tanh or relu.
// init: 'identity' sets W_hh = I and the biases to 0: with relu this is the IRNN of
// Le, Jaitly & Hinton (2015), which learns long-range dependencies a plain ReLU RNN cannot.
import type { Tensor } from '../tensor.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { elmanLayer, ELMAN_ACTIVATIONS, type ElmanActivation, type ElmanWeights } from '../ops/elman.js';
import type { SeqLayout } from '../ops/sequence.js';
import { identity } from './init.js';
import { oneOf } from '../options.js';

/** Options of {@link RNN}. */
export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  /** 'default' (U(±1/√H)) or 'identity' (W_hh = I, biases 0; with relu: the IRNN). */
  init?: 'default' | 'identity';
}

/** The Elman recurrent network (PyTorch's nn.RNN). */
export class RNN extends RecurrentBase<ElmanWeights> {
  protected readonly opName = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';
  readonly init: 'default' | 'identity';
  private readonly activation: ElmanActivation;

  constructor(options: RNNOptions) {
    super('RNN', options, { nonlinearity: oneOf('tanh', 'relu'), init: oneOf('default', 'identity') });
    const o = this.opts as Partial<RNNOptions>;
    const nl = o.nonlinearity ?? 'tanh';
    const init = o.init ?? 'default';
    this.nonlinearity = nl;
    this.init = init;
    this.activation = ELMAN_ACTIVATIONS[nl];
    const H = this.hiddenSize;
    this.buildCells((l, _d, s) => {
      const w = this.gateWeights(l, s, H);
      if (init === 'identity') {
        w.wHh.data.set(identity(H).data);
        w.bIh?.data.fill(0);
        w.bHh?.data.fill(0);
      }
      return w;
    });
  }

  protected override extraConfig(): Record<string, unknown> {
    return { nonlinearity: this.nonlinearity, init: this.init };
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, weights: ElmanWeights[], layout: SeqLayout) {
    return elmanLayer(x, h0, weights, { hiddenSize: this.hiddenSize, batchFirst: this.batchFirst, layout, activation: this.activation });
  }
}
