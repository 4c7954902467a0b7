// LSTM (PyTorch's nn.LSTM) with optional peepholes (Gers & Schmidhuber: the cell state feeds
// the input and forget gates from c_{t-1} and the output gate from c_t, weights w_ci, w_cf, w_co
// of size H, named weight_ci_l{k} etc.) and PyTorch's projSize (h = W_hr·(o⊙tanh c)).
import type { Tensor } from '../tensor.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { lstmLayer, type LstmWeights } from '../ops/lstm.js';
import type { SeqLayout } from '../ops/sequence.js';
import { bool, int, num, oneOf } from '../options.js';

/** Options of {@link LSTM}. */
export interface LSTMOptions extends RecurrentOptions {
  /** Peephole connections from the cell state to the gates (default false). */
  peephole?: boolean;
  /** Project h to this size with W_hr (default 0: no projection); must be < hiddenSize. */
  projSize?: number;
  /**
   * Initial forget-gate bias (default: PyTorch's random init). 1 is Keras' unit_forget_bias
   * (Jozefowicz et al. 2015): the cell keeps its content from the start, so gradients reach far back.
   */
  forgetBias?: number;
  /**
   * The gates' activation: 'sigmoid' (default, PyTorch) or 'hardSigmoid', Keras 2 / tfjs's
   * clip(0.2x + 0.5, 0, 1) (tfjs's default, so models imported with fromKeras keep it).
   */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

/**
 * Long short-term memory (gates i, f, g, o), PyTorch's nn.LSTM with camelCase options.
 * @example
 * ```ts
 * const lstm = new rnn.LSTM({ inputSize: 8, hiddenSize: 32, numLayers: 2, bidirectional: true });
 * const { output, hN, cN } = lstm.forward(rnn.randn([4, 10, 8]), { lengths: [10, 7, 3, 9] });
 * // output [4, 10, 64], hN and cN [4, 4, 32]
 * ```
 */
export class LSTM extends RecurrentBase<LstmWeights> {
  protected readonly opName = 'LSTM';
  readonly peephole: boolean;
  readonly projSize: number;
  readonly forgetBias: number | undefined;
  readonly recurrentActivation: 'sigmoid' | 'hardSigmoid';

  constructor(options: LSTMOptions) {
    super('LSTM', options, {
      peephole: bool,
      projSize: int(0, 1 << 24),
      forgetBias: num(),
      recurrentActivation: oneOf('sigmoid', 'hardSigmoid'),
    });
    const o = this.opts as Partial<LSTMOptions>;
    this.peephole = o.peephole ?? false;
    this.projSize = o.projSize ?? 0;
    this.forgetBias = o.forgetBias;
    this.recurrentActivation = o.recurrentActivation ?? 'sigmoid';
    if (this.projSize >= this.hiddenSize) throw new Error(`LSTM: projSize must be an integer in [0, hiddenSize), got ${o.projSize}`);
    const H = this.hiddenSize;
    const P = this.stateSize;
    this.buildCells((l, _d, s) => {
      const { wIh, wHh, bIh, bHh } = this.gateWeights(l, s, 4 * H, P);
      const wHr = this.projSize ? this.param(`weight_hr${s}`, [P, H]) : null;
      const wCi = this.peephole ? this.param(`weight_ci${s}`, [H]) : null;
      const wCf = this.peephole ? this.param(`weight_cf${s}`, [H]) : null;
      const wCo = this.peephole ? this.param(`weight_co${s}`, [H]) : null;
      if (o.forgetBias !== undefined && bIh && bHh) {
        bIh.data.fill(o.forgetBias, H, 2 * H);
        bHh.data.fill(0, H, 2 * H);
      }
      return { wIh, wHh, bIh, bHh, wHr, wCi, wCf, wCo };
    });
  }

  protected override get stateSize(): number {
    return this.projSize || this.hiddenSize;
  }

  protected override get hasCellState(): boolean {
    return true;
  }

  protected override extraConfig(): Record<string, unknown> {
    return { peephole: this.peephole, projSize: this.projSize, forgetBias: this.forgetBias, recurrentActivation: this.recurrentActivation };
  }

  protected runLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, weights: LstmWeights[], layout: SeqLayout) {
    return lstmLayer(x, h0, c0, weights, {
      hiddenSize: this.hiddenSize,
      projSize: this.projSize,
      batchFirst: this.batchFirst,
      layout,
      hardGates: this.recurrentActivation === 'hardSigmoid',
    });
  }
}
