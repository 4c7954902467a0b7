// Sequential: modules applied in order. A recurrent layer's result ({ output, hN, ... }) passes
// its `output` on, so `new Sequential(new LSTM(...), new Linear(...))` tags every step.
import { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** Modules applied one after another; parameters are named `0.weight`, `1.bias`, ... as PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} must be a Module, got ${typeof m}`);
      this.registerModule(String(i), m);
    });
    this.layers = layers;
  }

  /** @internal */
  override outputShape(): string {
    return this.layers.length ? this.layers[this.layers.length - 1].outputShape() : '?';
  }

  /** Runs the layers in order; `options` (e.g. `{ lengths }`) reaches every layer. */
  forward(x: Tensor, options?: Record<string, unknown>): Tensor {
    let cur: unknown = x;
    for (const m of this.layers) {
      const r = (m.forward as (x: unknown, o?: unknown) => unknown)(cur, options);
      cur = r instanceof Tensor ? r : ((r as { output?: Tensor }).output ?? r);
    }
    if (!(cur instanceof Tensor)) throw new Error('Sequential: the last module must return a Tensor or { output }');
    return cur;
  }
}
