// What RNN, LSTM and GRU share: PyTorch's options and parameter names, argument checks, and the
// loop over stacked layers. Each layer (both directions) is one fused op on the tape.
import { type Tensor, fmtShape } from '../tensor.js';
import { Module } from './module.js';
import { uniformParam } from './init.js';
import { checkFinite, checkTensor } from '../ops/util.js';
import { checkState, seqLayout, type SeqLayout } from '../ops/sequence.js';
import { SIZE, bool, int, num, numbers, readOptions, tensorArg, type Schema } from '../options.js';
import { concat, slice } from '../ops/shape.js';
import { dropout } from '../ops/dropout.js';
import type { RecurrentResult } from '../ops/lstm.js';
import type { GateWeights } from '../ops/recurrent.js';

/** Options shared by the recurrent layers (PyTorch's, in camelCase). */
export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Use bias vectors b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs are [B, T, F] (default true); false: [T, B, F]. */
  batchFirst?: boolean;
  /** Add a reverse direction; outputs concatenate forward then reverse (default false). */
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
}

/** Arguments of a recurrent forward pass. */
export interface RecurrentForwardOptions {
  /** Initial hidden state [D·numLayers, B, H] (P with projSize); zeros when omitted. */
  h0?: Tensor | null;
  /** Initial cell state [D·numLayers, B, H] (LSTM only). */
  c0?: Tensor | null;
  /** Per-sequence lengths (1..T) for a padded batch: PyTorch packed-sequence semantics. */
  lengths?: ArrayLike<number> | null;
}

/** The result of a recurrent forward pass. */
export interface RecurrentOutput {
  /** `[B, T, D·H]` (batchFirst) or `[T, B, D·H]`; zero past each sequence's length. */
  output: Tensor;
  /** `[D·numLayers, B, H]`: each sequence's state at its own last step. */
  hN: Tensor;
  /** `[D·numLayers, B, H]` (LSTM only). */
  cN?: Tensor;
}

const RECURRENT_SCHEMA: Schema = {
  inputSize: SIZE,
  hiddenSize: SIZE,
  numLayers: int(1, 1024),
  bias: bool,
  batchFirst: bool,
  bidirectional: bool,
  dropout: num(0, 1, { maxOpen: true }),
};

/** The options of a recurrent forward pass. @internal */
export const FORWARD_SCHEMA: Schema = { h0: tensorArg(), c0: tensorArg(), lengths: numbers() };

/** The shared machinery of RNN, LSTM and GRU. */
export abstract class RecurrentBase<W> extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly dropout: number;
  /** Per layer, per direction, the weights the layer op takes. @internal */
  protected readonly cells: W[][] = [];
  protected abstract readonly opName: string;

  /** The validated options (own keys only, no prototype). @internal */
  protected readonly opts: Partial<RecurrentOptions> & Record<string, unknown>;

  constructor(op: string, options: RecurrentOptions, extra: Schema = {}) {
    super();
    this.opts = readOptions(op, 'options', options, { ...RECURRENT_SCHEMA, ...extra }, ['inputSize', 'hiddenSize']);
    const o = this.opts;
    this.inputSize = o.inputSize!;
    this.hiddenSize = o.hiddenSize!;
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? true;
    this.bidirectional = o.bidirectional ?? false;
    this.dropout = o.dropout ?? 0;
  }

  /** The options this layer was built with (a copy makes an identically shaped layer). */
  override config(): Record<string, unknown> {
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      bidirectional: this.bidirectional,
      dropout: this.dropout,
      ...this.extraConfig(),
    };
  }

  /** Options specific to the subclass (nonlinearity, projSize, ...). @internal */
  protected extraConfig(): Record<string, unknown> {
    return {};
  }

  /** @internal */
  override outputShape(): string {
    const F = this.numDirections * this.stateSize;
    return this.batchFirst ? `[B,T,${F}]` : `[T,B,${F}]`;
  }

  /** Number of directions D. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Size of the state h (hiddenSize, or projSize for a projected LSTM). */
  protected get stateSize(): number {
    return this.hiddenSize;
  }

  /** Creates a parameter U(-1/√H, 1/√H) under `name` (PyTorch's default). @internal */
  protected param(name: string, shape: number[]): Tensor {
    return this.registerParameter(name, uniformParam(shape, 1 / Math.sqrt(this.hiddenSize)));
  }

  /**
   * Fills the per-layer, per-direction weights: `make(layer, direction, suffix)` for every layer
   * and direction, in PyTorch's order. @internal
   */
  protected buildCells(make: (l: number, d: number, s: string) => W): void {
    for (let l = 0; l < this.numLayers; l++) {
      const dirs: W[] = [];
      for (let d = 0; d < this.numDirections; d++) dirs.push(make(l, d, this.suffix(l, d)));
      this.cells.push(dirs);
    }
  }

  /**
   * The four weights every layer has, created in PyTorch's order: weight_ih [G, layer input],
   * weight_hh [G, hhCols], and with `bias` bias_ih and bias_hh [G]. @internal
   */
  protected gateWeights(l: number, s: string, G: number, hhCols = this.hiddenSize): GateWeights {
    const wIh = this.param(`weight_ih${s}`, [G, this.layerInput(l)]);
    const wHh = this.param(`weight_hh${s}`, [G, hhCols]);
    const bIh = this.bias ? this.param(`bias_ih${s}`, [G]) : null;
    const bHh = this.bias ? this.param(`bias_hh${s}`, [G]) : null;
    return { wIh, wHh, bIh, bHh };
  }

  /** `_l{layer}` plus `_reverse` for the second direction. @internal */
  protected suffix(layer: number, dir: number): string {
    return `_l${layer}${dir === 1 ? '_reverse' : ''}`;
  }

  /** Input size of layer l. @internal */
  protected layerInput(l: number): number {
    return l === 0 ? this.inputSize : this.numDirections * this.stateSize;
  }

  /** Runs one layer's op. @internal */
  protected abstract runLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, weights: W[], layout: SeqLayout): RecurrentResult;

  /** Whether the cell has a cell state c (LSTM). */
  protected get hasCellState(): boolean {
    return false;
  }

  /**
   * Runs the network over a batch of sequences: x [B,T,inputSize] (batchFirst) or [T,B,inputSize]
   * -> output [B,T,D·H], hN (and cN) [D·numLayers,B,H]; `lengths` gives
   * PyTorch packed-sequence semantics on a padded batch.
   */
  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    const op = this.opName;
    checkTensor(x, op, 'x');
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const want = this.batchFirst ? `[B,T,${this.inputSize}]` : `[T,B,${this.inputSize}]`;
      throw new Error(`${op}: x must be ${want}, got ${fmtShape(x.shape)}`);
    }
    checkFinite(x.peek(), op, 'x');
    const [B, T] = this.batchFirst ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
    if (B === 0 || T === 0) throw new Error(`${op}: x must have at least one sequence and one step, got ${fmtShape(x.shape)}`);
    const { h0 = null, c0 = null, lengths = null } = readOptions<RecurrentForwardOptions>(op, 'options', options, FORWARD_SCHEMA);
    const D = this.numDirections;
    const Lyr = this.numLayers;
    if (h0 !== null) {
      checkTensor(h0, op, 'h0');
      checkState(h0, [D * Lyr, B, this.stateSize], op, 'h0');
      checkFinite(h0.peek(), op, 'h0');
    }
    if (c0 !== null) {
      if (!this.hasCellState) throw new Error(`${op}: c0 is only for LSTM`);
      checkTensor(c0, op, 'c0');
      checkState(c0, [D * Lyr, B, this.hiddenSize], op, 'c0');
      checkFinite(c0.peek(), op, 'c0');
    }
    const layout = seqLayout(B, T, lengths, op);
    const part = (s: Tensor | null, l: number) => (s === null ? null : Lyr === 1 ? s : slice(s, 0, l * D, (l + 1) * D));
    let input = x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < Lyr; l++) {
      const res = this.runLayer(input, part(h0, l), part(c0, l), this.cells[l], layout);
      hs.push(res.hN);
      if (res.cN) cs.push(res.cN);
      input = res.output;
      if (l < Lyr - 1 && this.dropout > 0) input = dropout(input, this.dropout, this.training);
    }
    const hN = Lyr === 1 ? hs[0] : concat(hs, 0);
    const out: RecurrentOutput = { output: input, hN };
    if (this.hasCellState) out.cN = Lyr === 1 ? cs[0] : concat(cs, 0);
    return out;
  }
}
