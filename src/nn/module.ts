// Module: parameters and sub-modules under PyTorch's names, stateDict / loadStateDict,
// train / eval. Modules own parameters; ops own differentiation.
import { type NestedArray, Tensor, fmtShape, sameShape, tensor } from '../tensor.js';
import { bool, readOptions } from '../options.js';
import { markParameter, releasePacks } from '../backend/pack-cache.js';

/** A value accepted by loadStateDict: a Tensor or `{ shape, data }`. */
export type StateValue = Tensor | NestedArray | { shape: readonly number[]; data: ArrayLike<number> | NestedArray };

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Require exactly the model's keys (default true). */
  strict?: boolean;
}

/** A state-dict value as a shape and flat values: a Tensor, nested arrays (PyTorch's .tolist()), or { shape, data } with flat or nested data. */
function stateValue(v: unknown, name: string): { shape: readonly number[]; data: ArrayLike<number> } {
  if (v instanceof Tensor) return v;
  const bad = () => new Error(`loadStateDict: '${name}' must be a Tensor, nested arrays of numbers or { shape, data }`);
  if (Array.isArray(v) || typeof v === 'number') {
    try {
      return tensor(v as NestedArray);
    } catch (e) {
      throw new Error(`loadStateDict: '${name}': ${(e as Error).message}`);
    }
  }
  if (!v || typeof v !== 'object') throw bad();
  const { shape, data } = v as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape)) throw bad();
  if (Array.isArray(data) && data.some((x) => Array.isArray(x))) return { shape, data: stateValue(data, name).data };
  if (!data || typeof (data as ArrayLike<number>).length !== 'number') throw bad();
  return { shape, data: data as ArrayLike<number> };
}

/** The base of every layer and model: parameters, sub-modules, saving and mode. */
export abstract class Module {
  /** Training mode (dropout active); set by train() / eval(). */
  training = true;
  private readonly ownParams: [string, Tensor][] = [];
  private readonly children: [string, Module][] = [];

  /** Registers a trainable parameter under its PyTorch name. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    markParameter(t);
    this.ownParams.push([name, t]);
    return t;
  }

  /** Registers a sub-module; its parameters appear as `name.param`. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.push([name, m]);
    return m;
  }

  /** The forward pass. */
  abstract forward(...args: never[]): unknown;

  /**
   * The constructor options that rebuild this module (used by rnn.save). Containers describe
   * their sub-modules through namedChildren(); their own config holds only their own options.
   */
  config(): Record<string, unknown> {
    return {};
  }

  /**
   * [name, parameter] pairs in registration order, with PyTorch's names. A tensor reachable twice
   * (a module registered under two names) appears once, under its first name, as in PyTorch.
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const walk = (m: Module, prefix: string) => {
      for (const [n, p] of m.ownParams) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix + n, p]);
      }
      for (const [cn, child] of m.children) walk(child, `${prefix}${cn}.`);
    };
    walk(this, '');
    return out;
  }

  /**
   * Gives back now the wasm memory this module's parameters hold between calls — each one's copy
   * that an optimiser updates in place, and its packed weight panels — instead of when the module
   * is garbage-collected (which gives them back too: no training loop needs dispose()). The module
   * stays usable: its parameters' arrays are brought up to date first, and the copies and panels
   * are made again when it next trains or runs. Optimiser state belongs to the optimiser.
   * @example
   * ```ts
   * model.dispose(); // e.g. before training the next model in the same page
   * ```
   */
  dispose(): void {
    for (const p of this.parameters()) {
      p._release();
      releasePacks(p);
    }
  }

  /** Every trainable tensor (for optimisers and clipping). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The sub-modules, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Parameters by name; the tensors share data with the model (detached). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p.detach();
    return out;
  }

  /**
   * Copies values into the parameters (in place, so optimisers keep working). Under `strict`
   * a missing or unexpected key throws; a wrong shape or non-finite value always throws, naming
   * the key and both shapes.
   */
  loadStateDict(dict: Record<string, StateValue>, options: LoadStateDictOptions = {}): void {
    const { strict = true } = readOptions<LoadStateDictOptions>('loadStateDict', 'options', options, { strict: bool });
    if (!dict || typeof dict !== 'object')
      throw new Error(`loadStateDict: dict must be an object of tensors, got ${dict === null ? 'null' : typeof dict}`);
    const named = this.namedParameters();
    const known = new Set(named.map(([n]) => n));
    if (strict) {
      for (const key of Object.keys(dict)) {
        if (!known.has(key)) throw new Error(`loadStateDict: unexpected key '${key}' (the model has: ${[...known].join(', ')})`);
      }
    }
    const updates: [Tensor, Float32Array][] = [];
    for (const [name, p] of named) {
      if (!Object.hasOwn(dict, name)) {
        if (strict) throw new Error(`loadStateDict: missing key '${name}' (shape ${fmtShape(p.shape)})`);
        continue;
      }
      const { shape, data } = stateValue(dict[name], name);
      if (!sameShape(shape, p.shape)) {
        throw new Error(`loadStateDict: '${name}' has shape ${fmtShape(p.shape)} in the model but ${fmtShape(shape)} in the dict`);
      }
      if (data.length !== p.size) {
        throw new Error(`loadStateDict: '${name}' declares shape ${fmtShape(shape)} (${p.size} values) but holds ${data.length}`);
      }
      const copy = Float32Array.from(data as ArrayLike<number>);
      for (let i = 0; i < copy.length; i++) {
        if (!Number.isFinite(copy[i])) throw new Error(`loadStateDict: '${name}' holds ${copy[i]} at index ${i}`);
      }
      updates.push([p, copy]);
    }
    // validate everything before writing anything: a failed load leaves the model as it was
    for (const [p, copy] of updates) p.data.set(copy);
  }

  /** Sets training mode (dropout on) for this module and every sub-module. */
  train(mode = true): this {
    this.training = mode;
    for (const [, c] of this.children) c.train(mode);
    return this;
  }

  /** Sets evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** The number of trainable values (each shared tensor counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * The shape of this module's output, symbolically (B batch, T time), e.g. `[B,T,64]`; '?' where
   * it depends on the input. @internal
   */
  outputShape(): string {
    return '?';
  }

  /**
   * A table of the module's layers with their output shapes and parameter counts, as text.
   * @example
   * ```ts
   * console.log(new rnn.Sequential(new rnn.Embedding({ numEmbeddings: 50, embeddingDim: 16 }),
   *   new rnn.GRU({ inputSize: 16, hiddenSize: 64 }), new rnn.Linear({ inFeatures: 64, outFeatures: 5 })).summary());
   * ```
   */
  summary(): string {
    const rows: [string, string, string][] = [];
    const walk = (m: Module, name: string, depth: number) => {
      const own = m.ownParams.reduce((n, [, p]) => n + p.size, 0);
      const label = `${'  '.repeat(depth)}${name ? `${name} ` : ''}(${m.constructor.name})`;
      rows.push([label, m.outputShape(), m.children.length ? (own ? own.toLocaleString('en-US') : '') : own.toLocaleString('en-US')]);
      for (const [cn, c] of m.children) walk(c, cn, depth + 1);
    };
    walk(this, '', 0);
    const head: [string, string, string] = ['Layer (type)', 'Output shape', 'Param #'];
    const w = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
    const line = (r: [string, string, string]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padStart(w[2])}`;
    const rule = '='.repeat(w[0] + w[1] + w[2] + 4);
    const total = this.numParameters();
    return [line(head), rule, ...rows.map(line), rule, `Total params: ${total.toLocaleString('en-US')}`].join('\n');
  }
}
