// JordanRNN: the founding notes' Jordan network, whose memory holds the previous OUTPUT (after
// its output activation) rather than the hidden layer. It has no PyTorch twin; names follow
// PyTorch's pattern: weight_ih_l0 [H,I], weight_hh_l0 [H,O] (output feedback), bias_ih_l0,
// bias_hh_l0, weight_ho [O,H], bias_ho [O].
import { type Tensor, fmtShape } from '../tensor.js';
import { Module } from './module.js';
import { uniformParam } from './init.js';
import { jordanLayer, OUTPUT_ACTIVATIONS, type JordanWeights, type OutputActivation } from '../ops/jordan.js';
import { ELMAN_ACTIVATIONS, type ElmanActivation } from '../ops/elman.js';
import { checkFinite, checkTensor } from '../ops/util.js';
import { checkState, seqLayout } from '../ops/sequence.js';
import type { RecurrentOutput } from './recurrent.js';
import { SIZE, bool, numbers, oneOf, readOptions, tensorArg, type Schema } from '../options.js';

/** Options of {@link JordanRNN}. */
export interface JordanRNNOptions {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  /** Applied to the output before it is emitted and fed back (default 'linear'). */
  outputActivation?: 'linear' | 'sigmoid' | 'tanh' | 'softmax';
  /** Hidden activation (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
  bias?: boolean;
  batchFirst?: boolean;
}

const JORDAN_SCHEMA: Schema = {
  inputSize: SIZE,
  hiddenSize: SIZE,
  outputSize: SIZE,
  outputActivation: oneOf('linear', 'sigmoid', 'tanh', 'softmax'),
  nonlinearity: oneOf('tanh', 'relu'),
  bias: bool,
  batchFirst: bool,
};

/** The Jordan recurrent network: y_{t-1} feeds the hidden layer at step t. */
export class JordanRNN extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly outputActivation: 'linear' | 'sigmoid' | 'tanh' | 'softmax';
  readonly nonlinearity: 'tanh' | 'relu';
  readonly bias: boolean;
  readonly batchFirst: boolean;
  private readonly w: JordanWeights;
  private readonly act: ElmanActivation;
  private readonly outAct: OutputActivation;

  constructor(options: JordanRNNOptions) {
    super();
    const op = 'JordanRNN';
    const o = readOptions<JordanRNNOptions>(op, 'options', options, JORDAN_SCHEMA, ['inputSize', 'hiddenSize', 'outputSize']);
    this.inputSize = o.inputSize!;
    this.hiddenSize = o.hiddenSize!;
    this.outputSize = o.outputSize!;
    this.outputActivation = o.outputActivation ?? 'linear';
    this.nonlinearity = o.nonlinearity ?? 'tanh';
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? true;
    this.act = ELMAN_ACTIVATIONS[this.nonlinearity];
    this.outAct = OUTPUT_ACTIVATIONS[this.outputActivation];
    const H = this.hiddenSize,
      O = this.outputSize,
      I = this.inputSize;
    const p = (name: string, shape: number[], fanIn: number) => this.registerParameter(name, uniformParam(shape, 1 / Math.sqrt(fanIn)));
    this.w = {
      wIh: p('weight_ih_l0', [H, I], H),
      wHh: p('weight_hh_l0', [H, O], H),
      bIh: this.bias ? p('bias_ih_l0', [H], H) : null,
      bHh: this.bias ? p('bias_hh_l0', [H], H) : null,
      wHo: p('weight_ho', [O, H], H),
      bHo: this.bias ? p('bias_ho', [O], H) : null,
    };
  }

  override config(): Record<string, unknown> {
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      outputSize: this.outputSize,
      outputActivation: this.outputActivation,
      nonlinearity: this.nonlinearity,
      bias: this.bias,
      batchFirst: this.batchFirst,
    };
  }

  /** @internal */
  override outputShape(): string {
    return this.batchFirst ? `[B,T,${this.outputSize}]` : `[T,B,${this.outputSize}]`;
  }

  /**
   * Runs the network: `output` [B,T,O] holds y_t; `hN` [1,B,O] the last output of each sequence
   * (the fed-back state); `h0` [1,B,O] is y_0 (zeros when omitted).
   */
  forward(x: Tensor, options: { h0?: Tensor | null; lengths?: ArrayLike<number> | null } = {}): RecurrentOutput {
    const op = 'JordanRNN';
    const o = readOptions<{ h0?: Tensor | null; lengths?: ArrayLike<number> | null }>(op, 'options', options, {
      h0: tensorArg(),
      lengths: numbers(),
    });
    checkTensor(x, op, 'x');
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      throw new Error(`${op}: x must be ${this.batchFirst ? '[B,T,' : '[T,B,'}${this.inputSize}], got ${fmtShape(x.shape)}`);
    }
    checkFinite(x.peek(), op, 'x');
    const [B, T] = this.batchFirst ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
    const h0 = o.h0 ?? null;
    if (h0) {
      checkState(h0, [1, B, this.outputSize], op, 'h0');
      checkFinite(h0.peek(), op, 'h0');
    }
    const layout = seqLayout(B, T, o.lengths, op);
    return jordanLayer(x, h0, this.w, {
      hiddenSize: this.hiddenSize,
      outputSize: this.outputSize,
      batchFirst: this.batchFirst,
      layout,
      activation: this.act,
      outputActivation: this.outAct,
    });
  }
}
