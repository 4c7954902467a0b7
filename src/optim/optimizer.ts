// The optimiser base: the parameters, zeroGrad, and a step that runs one wasm update kernel per
// parameter tensor on its data, gradient and state buffers (kernels: assembly/optim.ts). The state
// (momentum, moments) lives in wasm memory, one persistent block per parameter, and so does the
// parameter (Tensor._residentForWrite: its copy there is updated in place and read back into its
// array only when something reads it), so a step copies only the gradient in; the state blocks go
// back when the optimiser is collected, a parameter's when it is (or at Module.dispose()). So does
// the gradient (Tensor._gradResident: made there by backward, or copied in once): a step copies
// nothing in or out. Where the arena cannot give a block, state and parameter are JavaScript copies.
import { Tensor } from '../tensor.js';
import { arena, kernels } from '../backend/wasm.js';
import type { Arena } from '../backend/heap.js';
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
  private readonly state = new Map<Tensor, ParamState>();
  // the persistent blocks of the resident states, given back when this optimiser is collected
  private readonly blocks: Blocks = { ar: null, list: [] };

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
    stateBlocks.register(this, this.blocks);
  }

  /** The optimiser's name, for error messages. */
  readonly name: string;

  /** Clears every parameter's gradient (sets it to null, as PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null; // (a gradient in wasm memory leaves its block to the next)
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const k = kernels();
    const ar = arena();
    for (const p of this.params) {
      const grad = p._gradInside;
      if (!grad) continue;
      if (grad.size !== p.size) {
        throw new Error(`${this.name}.step: a parameter of shape [${p.shape.join(',')}] has a gradient of shape [${grad.shape.join(',')}]`);
      }
      let st = this.state.get(p);
      if (!st) {
        st = this.newState(ar, p.size);
        this.state.set(p, st);
      }
      const { bufs, ptrs } = st;
      const steps = ++st.steps;
      // with its state in wasm memory, the parameter is updated in its own copy there (made on the
      // first step, read back into p.data only when something reads it: no copy in or out a step)
      const resident = bufs ? 0 : p._residentForWrite(ar);
      const residentGrad = p._gradResident(ar);
      ar.scoped((a) => {
        const pp = resident || a.put(p.data);
        const pg = residentGrad || a.put(grad.peek());
        const ps = bufs ? bufs.map((s) => (s.length ? a.put(s) : 0)) : ptrs;
        this.update(k, pp, pg, ps, p.size, steps);
        if (!resident) a.readInto(pp, p.data);
        if (bufs) bufs.forEach((s, i) => s.length && a.readInto(ps[i], s));
      });
    }
  }

  /** A parameter's state: its initial buffers moved into one persistent block of the arena, or kept as JavaScript copies. */
  private newState(ar: Arena, n: number): ParamState {
    const bufs = this.initState(n);
    const floats = bufs.reduce((t, b) => t + Math.ceil(b.length / 4) * 4, 0);
    const ptr = floats > 0 ? ar.persist(floats, 'state') : 0;
    if (!ptr) return { bufs, ptrs: [], steps: 0 };
    this.blocks.ar = ar;
    this.blocks.list.push([ptr, floats]);
    let at = ptr;
    const ptrs = bufs.map((b) => {
      if (!b.length) return 0;
      const q = at;
      ar.view(q, b.length).set(b); // the initial values (zeros, or Adagrad's initial accumulator)
      at += Math.ceil(b.length / 4) * 16;
      return q;
    });
    return { bufs: null, ptrs, steps: 0 };
  }

  /** Fresh state buffers for a parameter of n elements (empty arrays for unused ones). @internal */
  protected abstract initState(n: number): Float32Array[];

  /**
   * Runs the update kernel on pointers to the parameter, its gradient and its state; `steps` is
   * this tensor's own step count, 1 on its first update (PyTorch's state['step']). @internal
   */
  protected abstract update(k: Kernels, param: number, grad: number, state: number[], n: number, steps: number): void;
}

/** One parameter's state: resident (byte offsets, 0 for an unused buffer) or JavaScript copies. */
interface ParamState {
  bufs: Float32Array[] | null;
  ptrs: number[];
  steps: number;
}

interface Blocks {
  ar: Arena | null;
  list: [number, number][];
}

const stateBlocks = new FinalizationRegistry<Blocks>((b) => {
  for (const [ptr, floats] of b.list) b.ar?.unpersist(ptr, floats, 'state');
});

/**
 * Reads an optimiser's options: an options object against the common keys (lr, weightDecay)
 * and `extra`, or a bare number as the learning rate (PyTorch's positional `SGD(params, 0.1)`).
 * @internal
 */
export function optimizerOptions<T extends OptimizerOptions>(name: string, options: T | number | undefined, extra: Schema): Partial<T> {
  const given = typeof options === 'number' ? { lr: options } : options;
  return readOptions<T>(name, 'options', given, { lr: num(0), weightDecay: num(0), ...extra });
}
