// The optimiser base: the parameters, zeroGrad, and a step that runs one wasm update kernel per
// parameter tensor on its data, gradient and state buffers (kernels: assembly/optim.ts).
import { Tensor } from '../tensor.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Kernels } from '../backend/kernels.js';
import { num, readOptions, type Schema } from '../options.js';

/** Common options. */
export interface OptimizerOptions {
  /** Learning rate. */
  lr?: number;
  /** L2 penalty added to the gradient (decoupled in AdamW). */
  weightDecay?: number;
}

/** Base class of SGD, Adam, AdamW, RMSprop and Adagrad. */
export abstract class Optimizer {
  /** The tensors this optimiser updates. */
  readonly params: Tensor[];
  /** The learning rate; schedulers change it between steps. */
  lr: number;
  /** Steps taken. */
  stepCount = 0;
  protected readonly state = new Map<Tensor, { bufs: Float32Array[]; steps: number }>();

  constructor(name: string, params: Tensor[], lr: number) {
    if (!Array.isArray(params) || params.length === 0)
      throw new Error(`${name}: params must be a non-empty array of Tensors (model.parameters())`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] must be a Tensor, got ${typeof p}`);
    });
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new Error(`${name}: lr must be a non-negative number, got ${lr}`);
    // a tensor listed twice (a module reused, parameters concatenated twice) is updated once
    this.params = [...new Set(params)];
    this.name = name;
    this.lr = lr;
  }

  /** The optimiser's name, for error messages. */
  readonly name: string;

  /** Clears every parameter's gradient (sets it to null, as PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const k = kernels();
    const ar = arena();
    for (const p of this.params) {
      if (!p.grad) continue;
      if (p.grad.size !== p.size) {
        throw new Error(
          `${this.name}.step: a parameter of shape [${p.shape.join(',')}] has a gradient of shape [${p.grad.shape.join(',')}]`,
        );
      }
      let st = this.state.get(p);
      if (!st) {
        st = { bufs: this.initState(p.size), steps: 0 };
        this.state.set(p, st);
      }
      const bufs = st.bufs;
      const steps = ++st.steps;
      ar.scoped((a) => {
        const pp = a.put(p.data);
        const pg = a.put(p.grad!.data);
        const ps = bufs.map((s) => (s.length ? a.put(s) : 0));
        this.update(k, pp, pg, ps, p.size, steps);
        a.readInto(pp, p.data);
        bufs.forEach((s, i) => s.length && a.readInto(ps[i], s));
      });
    }
  }

  /** Fresh state buffers for a parameter of n elements (empty arrays for unused ones). @internal */
  protected abstract initState(n: number): Float32Array[];

  /**
   * Runs the update kernel on pointers to the parameter, its gradient and its state; `steps` is
   * this tensor's own step count, 1 on its first update (PyTorch's state['step']). @internal
   */
  protected abstract update(k: Kernels, param: number, grad: number, state: number[], n: number, steps: number): void;
}

/**
 * Reads an optimiser's options: an options object against the common keys (lr, weightDecay)
 * and `extra`, or a bare number as the learning rate (PyTorch's positional `SGD(params, 0.1)`).
 * @internal
 */
export function optimizerOptions<T extends OptimizerOptions>(name: string, options: T | number | undefined, extra: Schema): Partial<T> {
  const given = typeof options === 'number' ? { lr: options } : options;
  return readOptions<T>(name, 'options', given, { lr: num(0), weightDecay: num(0), ...extra });
}
