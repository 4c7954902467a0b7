import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { dropout } from '../ops/dropout.js';
import { num, readOptions } from '../options.js';

/** Inverted dropout with probability `p` in training mode; the identity after eval(). */
export class Dropout extends Module {
  readonly p: number;

  /** `new Dropout({ p })`, or PyTorch's positional `new Dropout(p)` (default 0.5). */
  constructor(options: { p?: number } | number = {}) {
    super();
    const o = readOptions<{ p?: number }>('Dropout', 'options', typeof options === 'number' ? { p: options } : options, {
      p: num(0, 1, { maxOpen: true }),
    });
    this.p = o.p ?? 0.5;
  }

  /** @internal */
  override outputShape(): string {
    return 'as input';
  }

  override config(): Record<string, unknown> {
    return { p: this.p };
  }

  forward(x: Tensor, _options?: unknown): Tensor {
    return dropout(x, this.p, this.training);
  }
}
