// ClockworkRNN (Koutník et al. 2014): an Elman network whose hidden units form modules that run
// at their own clock periods (see ops/clockwork.ts). A module of period T_i updates only at steps
// t (from 0) with t mod T_i = 0 and reads only from modules at least as slow, so the slow modules
// hold information over many steps and the gradient reaches far back through few updates.
// Parameters follow nn.RNN's names: weight_ih_l0 [H,I], weight_hh_l0 [H,H] (block upper
// triangular: entries below the blocks are 0 and stay 0), bias_ih_l0, bias_hh_l0.
import type { Tensor } from '../tensor.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { clockModules, clockworkLayer, firstOffBlock, type ClockModules } from '../ops/clockwork.js';
import type { ElmanWeights } from '../ops/elman.js';
import type { SeqLayout } from '../ops/sequence.js';
import type { RecurrentResult } from '../ops/lstm.js';
import { reverseSequences } from '../ops/reverse.js';
import { concat, slice } from '../ops/shape.js';
import { numbers, oneOf } from '../options.js';

/** Options of {@link ClockworkRNN}. */
export interface ClockworkRNNOptions extends RecurrentOptions {
  /**
   * One clock period per module, strictly increasing positive integers (default 1, 2, 4, … for
   * min(8, hiddenSize) modules). The hidden units are split into modules as evenly as possible,
   * the faster modules taking the remainder.
   */
  periods?: readonly number[];
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The Clockwork RNN. `forward(x, { h0, lengths })` returns `{ output, hN }` as {@link RNN} does;
 * each sequence's clock starts at its first step (and, for the reverse direction of a
 * bidirectional layer, at its own last step).
 * @example
 * ```ts
 * const cw = new rnn.ClockworkRNN({ inputSize: 8, hiddenSize: 64, periods: [1, 2, 4, 8, 16, 32, 64, 128] });
 * const { output, hN } = cw.forward(rnn.randn([4, 300, 8])); // output [4, 300, 64]
 * ```
 */
export class ClockworkRNN extends RecurrentBase<ElmanWeights> {
  protected readonly opName = 'ClockworkRNN';
  /** The clock period of each module. */
  readonly periods: readonly number[];
  /** The number of hidden units in each module. */
  readonly moduleSizes: readonly number[];
  readonly nonlinearity: 'tanh' | 'relu';
  private readonly modules: ClockModules;
  // the version of each W_hh last found block upper triangular
  private readonly checked = new WeakMap<Tensor, number>();
  private readonly names = new Map<Tensor, string>();

  constructor(options: ClockworkRNNOptions) {
    super('ClockworkRNN', options, { periods: numbers(false), nonlinearity: oneOf('tanh', 'relu') });
    const op = 'ClockworkRNN';
    const o = this.opts as Partial<ClockworkRNNOptions>;
    const H = this.hiddenSize;
    const periods = o.periods ? Array.from(o.periods) : Array.from({ length: Math.min(8, H) }, (_, i) => 2 ** i);
    if (periods.length === 0 || periods.length > H)
      throw new Error(`${op}: periods must have 1 to hiddenSize (${H}) entries, one per module, got ${periods.length}`);
    periods.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 1) throw new Error(`${op}: periods[${i}] must be a positive integer, got ${p}`);
      if (i > 0 && p <= periods[i - 1])
        throw new Error(`${op}: periods must be strictly increasing, got periods[${i - 1}] = ${periods[i - 1]} and periods[${i}] = ${p}`);
    });
    this.periods = Object.freeze(periods);
    this.nonlinearity = o.nonlinearity ?? 'tanh';
    this.modules = clockModules(H, periods);
    this.moduleSizes = Object.freeze([...this.modules.sizes]);
    const c = this.modules.connectivity;
    this.buildCells((l, _d, s) => {
      const w = this.gateWeights(l, s, H);
      this.names.set(w.wHh, `weight_hh${s}`);
      const wd = w.wHh.data;
      for (let i = 0; i < wd.length; i++) if (c[i] === 0) wd[i] = 0;
      return w;
    });
  }

  protected override extraConfig(): Record<string, unknown> {
    return { periods: [...this.periods], nonlinearity: this.nonlinearity };
  }

  /** [H·H], row-major like weight_hh: 1 where unit i reads unit j (j's module at or after i's), 0 where the entry must stay 0. */
  get connectivity(): Float32Array {
    return this.modules.connectivity.slice();
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, weights: ElmanWeights[], layout: SeqLayout): RecurrentResult {
    for (const w of weights) this.checkBlocks(w.wHh);
    const cfg = {
      hiddenSize: this.hiddenSize,
      relu: this.nonlinearity === 'relu',
      modules: this.modules,
      batchFirst: this.batchFirst,
      layout,
    };
    const dirH0 = (d: number) => (h0 === null ? null : weights.length === 1 ? h0 : slice(h0, 0, d, d + 1));
    const f = clockworkLayer(x, dirH0(0), weights[0], cfg);
    if (weights.length === 1) return f;
    // the reverse direction: a forward pass over each sequence reversed within its length, so
    // that its clock starts at the sequence's own last step
    const lengths = new Int32Array(layout.B);
    layout.order.forEach((b, j) => {
      lengths[b] = layout.lengths[j];
    });
    const r = clockworkLayer(reverseSequences(x, lengths, this.batchFirst), dirH0(1), weights[1], cfg);
    const back = reverseSequences(r.output, lengths, this.batchFirst);
    return { output: concat([f.output, back], -1), hN: concat([f.hN, r.hN], 0), cN: null };
  }

  private checkBlocks(wHh: Tensor): void {
    if (this.checked.get(wHh) === wHh.version) return;
    const bad = firstOffBlock(wHh.peek(), this.modules);
    if (bad !== null) {
      const H = this.hiddenSize;
      const [i, j] = [Math.floor(bad / H), bad % H];
      const mod = (u: number) => this.modules.starts.filter((s) => s <= u).length - 1;
      throw new Error(
        `ClockworkRNN: ${this.names.get(wHh)}[${i}, ${j}] must be 0 (unit ${i} is in module ${mod(i)}, period ${this.periods[mod(i)]}, which reads only from modules with periods >= ${this.periods[mod(i)]}; unit ${j} is in module ${mod(j)}), got ${wHh.peek()[bad]}`,
      );
    }
    this.checked.set(wHh, wHh.version);
  }
}
