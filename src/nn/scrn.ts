// SCRN, the structurally constrained recurrent network of Mikolov et al. 2015 ("Learning Longer
// Memory in Recurrent Neural Networks"): beside the fast hidden state h, a context state s that
// changes slowly because its recurrence is fixed to α (see ops/scrn.ts):
//   s_t = (1-α)·B x_t + α·s_{t-1},   h_t = σ(P s_t + A x_t + R h_{t-1} + b)
// Each step emits [h_t | s_t] (hiddenSize + contextSize features), so a Linear on top computes the
// paper's output U h_t + V s_t; h0 and hN are [D·numLayers, B, hiddenSize + contextSize] too.
// Parameters: weight_ih_l0 = A [H,I], weight_hh_l0 = R [H,H], bias_ih_l0, bias_hh_l0 (nn.RNN's),
// weight_cx_l0 = B [Cx,I] (input to context), weight_hc_l0 = P [H,Cx] (context to hidden).
import { Tensor } from '../tensor.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { scrnLayer, type ScrnWeights } from '../ops/scrn.js';
import type { GateWeights } from '../ops/recurrent.js';
import type { SeqLayout } from '../ops/sequence.js';
import type { RecurrentResult } from '../ops/lstm.js';
import { concat } from '../ops/shape.js';
import { SIZE, num, oneOf } from '../options.js';

/** Options of {@link SCRN}. */
export interface SCRNOptions extends RecurrentOptions {
  /** Size Cx of the slow context state s. */
  contextSize: number;
  /** The context's fixed self-connection α in [0, 1] (default 0.95, the paper's). */
  alpha?: number;
  /** The hidden activation: 'sigmoid' (default, the paper's) or 'tanh'. */
  nonlinearity?: 'sigmoid' | 'tanh';
}

interface ScrnParams extends GateWeights {
  wCx: Tensor;
  wHc: Tensor;
}

/**
 * The structurally constrained recurrent network. `forward(x, { h0, lengths })` returns
 * `{ output, hN }` as {@link RNN} does, with [h | s] as the state.
 * @example
 * ```ts
 * const scrn = new rnn.SCRN({ inputSize: 10, hiddenSize: 32, contextSize: 16 });
 * const { output } = scrn.forward(rnn.randn([4, 200, 10])); // [4, 200, 48]: h then s at each step
 * ```
 */
export class SCRN extends RecurrentBase<ScrnParams> {
  protected readonly opName = 'SCRN';
  readonly contextSize: number;
  readonly alpha: number;
  readonly nonlinearity: 'sigmoid' | 'tanh';

  constructor(options: SCRNOptions) {
    super('SCRN', options, { contextSize: SIZE, alpha: num(0, 1), nonlinearity: oneOf('sigmoid', 'tanh') });
    const o = this.opts as Partial<SCRNOptions>;
    if (o.contextSize === undefined) throw new Error('SCRN: options.contextSize is required (the size of the slow context state)');
    this.contextSize = o.contextSize;
    this.alpha = o.alpha ?? 0.95;
    this.nonlinearity = o.nonlinearity ?? 'sigmoid';
    const H = this.hiddenSize;
    const Cx = this.contextSize;
    this.buildCells((l, _d, s) => ({
      ...this.gateWeights(l, s, H),
      wCx: this.param(`weight_cx${s}`, [Cx, this.layerInput(l)]),
      wHc: this.param(`weight_hc${s}`, [H, Cx]),
    }));
  }

  protected override extraConfig(): Record<string, unknown> {
    return { contextSize: this.contextSize, alpha: this.alpha, nonlinearity: this.nonlinearity };
  }

  /** The size of the state, h then s: hiddenSize + contextSize. */
  protected override get stateSize(): number {
    return this.hiddenSize + this.contextSize;
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, weights: ScrnParams[], layout: SeqLayout): RecurrentResult {
    const zeros = new Tensor(new Float32Array(this.contextSize), [this.contextSize]);
    const padded = (b: Tensor | null) => (b === null ? null : concat([b, zeros], 0));
    const dirs: ScrnWeights[] = weights.map((w) => ({
      wIh: concat([w.wIh, w.wCx], 0),
      wHh: w.wHh,
      wHc: w.wHc,
      bIh: padded(w.bIh),
      bHh: padded(w.bHh),
    }));
    return scrnLayer(x, h0, dirs, {
      hiddenSize: this.hiddenSize,
      contextSize: this.contextSize,
      alpha: this.alpha,
      tanh: this.nonlinearity === 'tanh',
      batchFirst: this.batchFirst,
      layout,
    });
  }
}
