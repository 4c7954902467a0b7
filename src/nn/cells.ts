// Recurrent cells stepped one time step at a time (PyTorch's RNNCell, LSTMCell, GRUCell, same
// weight names and layouts) for decoders and controllers. Where a gradient is needed each step
// runs the layer op with T = 1, one fused tape node on the same wasm kernels as the layers; where
// none is (inference, streaming), ops/cell-step.ts runs the same kernels without the tape.
import { type Tensor, fmtShape } from '../tensor.js';
import { Module } from './module.js';
import { uniformParam } from './init.js';
import { lstmLayer } from '../ops/lstm.js';
import { gruLayer } from '../ops/gru.js';
import { elmanLayer, ELMAN_ACTIVATIONS } from '../ops/elman.js';
import { seqLayout } from '../ops/sequence.js';
import { reshape } from '../ops/shape.js';
import { checkFinite, checkTensor } from '../ops/util.js';
import { needsGrad } from '../tape.js';
import { type CellWeights, elmanCellStep, gruCellStep, lstmCellStep } from '../ops/cell-step.js';
import { SIZE, bool, oneOf, readOptions, tensorArg, type Schema } from '../options.js';

/** Options of the cells. */
export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  bias?: boolean;
}

abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;
  /** The validated options. @internal */
  protected readonly opts: Partial<CellOptions> & Record<string, unknown>;

  constructor(
    protected readonly op: string,
    options: CellOptions,
    gates: number,
    extra: Schema = {},
  ) {
    super();
    this.opts = readOptions(op, 'options', options, { inputSize: SIZE, hiddenSize: SIZE, bias: bool, ...extra }, [
      'inputSize',
      'hiddenSize',
    ]);
    const { inputSize = 0, hiddenSize = 0, bias = true } = this.opts;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    const k = 1 / Math.sqrt(hiddenSize);
    const G = gates * hiddenSize;
    this.weightIh = this.registerParameter('weight_ih', uniformParam([G, inputSize], k));
    this.weightHh = this.registerParameter('weight_hh', uniformParam([G, hiddenSize], k));
    this.biasIh = bias ? this.registerParameter('bias_ih', uniformParam([G], k)) : null;
    this.biasHh = bias ? this.registerParameter('bias_hh', uniformParam([G], k)) : null;
  }

  override config(): Record<string, unknown> {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
  }

  /** The weights as the step ops take them. @internal */
  protected weights(): CellWeights {
    return { wIh: this.weightIh, wHh: this.weightHh, bIh: this.biasIh, bHh: this.biasHh };
  }

  /** @internal */
  override outputShape(): string {
    return `[B,${this.hiddenSize}]`;
  }

  /** Whether this step needs the tape (a gradient of x, a state or a weight). @internal */
  protected taped(x: Tensor, states: (Tensor | null | undefined)[]): boolean {
    return needsGrad(x, this.weightIh, this.weightHh, this.biasIh, this.biasHh, ...states);
  }

  /** Validates x [B,I] and each state [B,H] (null or undefined: zeros); returns B. @internal */
  protected check(x: Tensor, states: (Tensor | null | undefined)[]): number {
    checkTensor(x, this.op, 'x');
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize)
      throw new Error(`${this.op}: x must be [B,${this.inputSize}], got ${fmtShape(x.shape)}`);
    checkFinite(x.peek(), this.op, 'x');
    const B = x.shape[0];
    states.forEach((s, i) => {
      if (s === null || s === undefined) return;
      checkTensor(s, this.op, i === 0 ? 'h' : 'c');
      if (s.ndim !== 2 || s.shape[0] !== B || s.shape[1] !== this.hiddenSize) {
        throw new Error(`${this.op}: ${i === 0 ? 'h' : 'c'} must be [${B},${this.hiddenSize}], got ${fmtShape(s.shape)}`);
      }
    });
    return B;
  }

  /** x [B,I] as the layer op's [B,1,I] and each state [B,H] as [1,B,H] (for the taped path). @internal */
  protected asLayer(x: Tensor, states: (Tensor | null | undefined)[]): { x3: Tensor; s3: (Tensor | null)[] } {
    const B = x.shape[0];
    return {
      x3: reshape(x, [B, 1, this.inputSize]),
      s3: states.map((s) => (s === null || s === undefined ? null : reshape(s, [1, B, this.hiddenSize]))),
    };
  }
}

/** One Elman step: h' = act(W_ih x + b_ih + W_hh h + b_hh). */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(options: CellOptions & { nonlinearity?: 'tanh' | 'relu' }) {
    super('RNNCell', options, 1, { nonlinearity: oneOf('tanh', 'relu') });
    this.nonlinearity = (this.opts.nonlinearity as 'tanh' | 'relu' | undefined) ?? 'tanh';
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), nonlinearity: this.nonlinearity };
  }

  /** x [B,I], h [B,H] (zeros when omitted) -> h' [B,H]. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const B = this.check(x, [h]);
    if (!this.taped(x, [h])) return elmanCellStep(x, h ?? null, this.weights(), this.nonlinearity === 'relu');
    const { x3, s3 } = this.asLayer(x, [h]);
    const r = elmanLayer(x3, s3[0], [this.weights()], {
      hiddenSize: this.hiddenSize,
      batchFirst: true,
      layout: seqLayout(B, 1, null, 'RNNCell'),
      activation: ELMAN_ACTIVATIONS[this.nonlinearity],
    });
    return reshape(r.hN, [B, this.hiddenSize]);
  }
}

// LSTMCell.forward's state argument (one schema for every step)
const LSTM_STATE: Schema = { h: tensorArg(), c: tensorArg() };

/** One LSTM step (gates i, f, g, o). */
export class LSTMCell extends CellBase {
  constructor(options: CellOptions) {
    super('LSTMCell', options, 4);
  }

  /** x [B,I], state { h, c } ([B,H] each, zeros when omitted) -> { h, c }. */
  forward(x: Tensor, state: { h?: Tensor | null; c?: Tensor | null } = {}): { h: Tensor; c: Tensor } {
    // a bare Tensor here (the state of an RNNCell or GRUCell) would silently mean a zero state
    const s = readOptions<{ h?: Tensor | null; c?: Tensor | null }>('LSTMCell', 'state', state, LSTM_STATE);
    const B = this.check(x, [s.h, s.c]);
    if (!this.taped(x, [s.h, s.c])) return lstmCellStep(x, s.h ?? null, s.c ?? null, this.weights());
    const { x3, s3 } = this.asLayer(x, [s.h, s.c]);
    const r = lstmLayer(x3, s3[0], s3[1], [{ ...this.weights(), wHr: null, wCi: null, wCf: null, wCo: null }], {
      hiddenSize: this.hiddenSize,
      projSize: 0,
      batchFirst: true,
      layout: seqLayout(B, 1, null, 'LSTMCell'),
    });
    return { h: reshape(r.hN, [B, this.hiddenSize]), c: reshape(r.cN!, [B, this.hiddenSize]) };
  }
}

/** One GRU step (gates r, z, n; PyTorch's reset-after form unless resetAfter: false). */
export class GRUCell extends CellBase {
  readonly resetAfter: boolean;

  constructor(options: CellOptions & { resetAfter?: boolean }) {
    super('GRUCell', options, 3, { resetAfter: bool });
    this.resetAfter = (this.opts.resetAfter as boolean | undefined) ?? true;
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), resetAfter: this.resetAfter };
  }

  /** x [B,I], h [B,H] (zeros when omitted) -> h' [B,H]. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const B = this.check(x, [h]);
    if (this.resetAfter && !this.taped(x, [h])) return gruCellStep(x, h ?? null, this.weights());
    const { x3, s3 } = this.asLayer(x, [h]);
    const r = gruLayer(x3, s3[0], [this.weights()], {
      hiddenSize: this.hiddenSize,
      batchFirst: true,
      layout: seqLayout(B, 1, null, 'GRUCell'),
      resetAfter: this.resetAfter,
    });
    return reshape(r.hN, [B, this.hiddenSize]);
  }
}
