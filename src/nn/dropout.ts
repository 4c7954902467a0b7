import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { dropout } from '../ops/dropout.js';

/** Inverted dropout with probability `p` in training mode; the identity after eval(). */
export class Dropout extends Module {
  readonly p: number;

  constructor(options: { p?: number } = {}) {
    super();
    this.p = options.p ?? 0.5;
    if (!(this.p >= 0 && this.p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${this.p}`);
  }

  override config(): Record<string, unknown> {
    return { p: this.p };
  }

  forward(x: Tensor, _options?: unknown): Tensor {
    return dropout(x, this.p, this.training);
  }
}
