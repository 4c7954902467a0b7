// Bidirectional (Keras' wrapper): a forward copy of a unidirectional recurrent layer reads each
// sequence as is, a second copy reads it reversed (within its own length), and the two outputs
// are merged step by step: 'concat' (default), 'sum', 'mul' or 'ave'. hN stacks the two states.
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { oneOf, readOptions } from '../options.js';
import { RecurrentBase, type RecurrentForwardOptions, type RecurrentOutput } from './recurrent.js';
import { reverseSequences } from '../ops/reverse.js';
import { add, mul } from '../ops/arithmetic.js';
import { concat } from '../ops/shape.js';

/** How {@link Bidirectional} merges the two directions. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

type AnyRecurrent = RecurrentBase<unknown>;

/** Runs a recurrent layer in both directions and merges the outputs. */
export class Bidirectional extends Module {
  readonly mergeMode: MergeMode;
  readonly forwardLayer: AnyRecurrent;
  readonly backwardLayer: AnyRecurrent;

  /** `layer` must be unidirectional; a second, independently initialised copy reads backwards. */
  constructor(layer: AnyRecurrent, options: { mergeMode?: MergeMode } = {}) {
    super();
    if (!(layer instanceof RecurrentBase))
      throw new Error('Bidirectional: layer must be a recurrent layer (RNN, LSTM, GRU, ClockworkRNN or SCRN)');
    if (layer.bidirectional) throw new Error('Bidirectional: layer must be unidirectional (bidirectional: false)');
    const o = readOptions<{ mergeMode?: MergeMode }>('Bidirectional', 'options', options, {
      mergeMode: oneOf('concat', 'sum', 'mul', 'ave'),
    });
    this.mergeMode = o.mergeMode ?? 'concat';
    this.forwardLayer = this.registerModule('forward_layer', layer);
    const Ctor = layer.constructor as new (o: unknown) => AnyRecurrent;
    this.backwardLayer = this.registerModule('backward_layer', new Ctor(layer.config()));
  }

  override config(): Record<string, unknown> {
    return { mergeMode: this.mergeMode };
  }

  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    const lengths = options.lengths ?? null;
    const f = this.forwardLayer.forward(x, options);
    const b = this.backwardLayer.forward(reverseSequences(x, lengths, this.forwardLayer.batchFirst), options);
    const bo = reverseSequences(b.output, lengths, this.forwardLayer.batchFirst);
    let output: Tensor;
    switch (this.mergeMode) {
      case 'concat':
        output = concat([f.output, bo], -1);
        break;
      case 'sum':
        output = add(f.output, bo);
        break;
      case 'mul':
        output = mul(f.output, bo);
        break;
      default:
        output = mul(add(f.output, bo), 0.5);
    }
    const out: RecurrentOutput = { output, hN: concat([f.hN, b.hN], 0) };
    if (f.cN && b.cN) out.cN = concat([f.cN, b.cN], 0);
    return out;
  }
}
