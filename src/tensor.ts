// Tensor: a row-major float32 array with a shape and, when it takes part in training, a link to
// the tape node that made it. Data is a Float32Array owned by the JavaScript garbage collector
// (see backend/heap.ts), so tensors need no dispose().
import { needsGrad, record, runBackward, type Node } from './tape.js';
import { random, randomNormal } from './random.js';
import { addInto } from './backend/accumulate.js';
import { bool, num, readOptions, type Schema } from './options.js';
import type { Arena } from './backend/heap.js';

/** Nested number arrays, as accepted by {@link tensor}. */
export type NestedArray = number | NestedArray[];

/** Options of the tensor factories. */
export interface TensorOptions {
  /** Record operations on this tensor so backward() fills its `.grad` (a leaf). */
  requiresGrad?: boolean;
}

/** Something that can stand for tensor data: a Tensor, or a shape with flat data. */
export type TensorLike = Tensor | { shape: readonly number[]; data: ArrayLike<number> };

/** Formats a shape the way error messages print it: `[2,5,3]`. @internal */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Whether two shapes are identical. @internal */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The most elements a tensor may hold: 2^30 float32 (4 GiB), the size of the whole wasm address space. */
export const MAX_ELEMENTS = 2 ** 30;

/** Product of the dimensions after validating each is a non-negative integer. @internal */
export function shapeSize(shape: readonly number[], what = 'shape'): number {
  if (!Array.isArray(shape)) throw new Error(`${what} must be an array of dimensions, got ${typeof shape}`);
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${what}: every dimension must be a non-negative integer, got ${fmtShape(shape)}`);
    }
    n *= d;
  }
  if (n > MAX_ELEMENTS)
    throw new Error(`${what}: ${fmtShape(shape)} has ${n} elements, more than a tensor can hold (${MAX_ELEMENTS}, 4 GiB)`);
  return n;
}

// While a budget is set (load() building a model from a file), every factory allocation counts
// against it and one past it is refused before it happens.
let budget: { left: number; refuse: (n: number) => never } | null = null;

/** Runs fn with at most `n` elements allocated by the tensor factories. @internal */
export function withAllocationBudget<T>(n: number, fn: () => T, refuse: (n: number) => never): T {
  const prev = budget;
  budget = { left: n, refuse };
  try {
    return fn();
  } finally {
    budget = prev;
  }
}

function reserve(n: number): void {
  if (!budget) return;
  if (n > budget.left) budget.refuse(n);
  budget.left -= n;
}

// (built per call: options.ts imports this module, so nothing of it may run at load time here)
const factoryOptions = (op: string, options: unknown, extra: Schema = {}) =>
  readOptions<TensorOptions & { mean?: number; std?: number }>(op, 'options', options, { requiresGrad: bool, ...extra });

/** An n-dimensional float32 array that can take part in automatic differentiation. */
export class Tensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  private _data: Float32Array;
  /** Shared with views (reshape, detach): counts reads and writes of the data through any of them. */
  private _store: Store;
  /** Whether backward() computes a gradient for this tensor. */
  requiresGrad: boolean;
  private _grad: Tensor | null = null;
  // whether `grad` has handed the gradient tensor out (or it was given): someone may hold it, so
  // when it is replaced its contents must be kept (copied out of wasm memory) for them
  private gradShared = false;
  /** @internal */
  _creator: Node | null = null;
  /** @internal */
  _outputIndex = 0;

  /** @internal Use {@link tensor} or the other factories. */
  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false) {
    const size = shapeSize(shape);
    if (data !== LAZY && data.length !== size) {
      throw new Error(`tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${size}`);
    }
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this._data = data;
    this._store = { version: 0, pending: null, home: null, spare: null };
    this.requiresGrad = requiresGrad;
  }

  /**
   * The row-major data, shared with views (reshape, detach). Reading it counts as a possible
   * edit: caches derived from a tensor (the packed weight panels of the recurrent layers, a
   * parameter's copy in wasm memory) are rebuilt after it, so `p.data[i] = v` or `p.data.set(...)`
   * is always seen. An array kept from an earlier read and edited later is not: read `data` again,
   * or call {@link Tensor.markChanged}. A parameter an optimiser updates lives in wasm memory too
   * (see {@link Module.dispose}); reading `data` brings the array up to date first.
   */
  get data(): Float32Array {
    this.syncOut();
    this.changed();
    return this._data;
  }

  set data(d: Float32Array) {
    if (!(d instanceof Float32Array) || d.length !== this.size)
      throw new Error(
        `data: must be a Float32Array of ${this.size} elements (the tensor's size), got ${d instanceof Float32Array ? `${d.length} elements` : typeof d}`,
      );
    this.willChange();
    this.syncOut(); // (a gradient made in wasm memory gets the array its views keep)
    // the wasm copy mirrors the old array: brought into it (views keep that array) and given back
    if (this._store.home?.data === this._data) this.releaseHome();
    this._data = d;
    this._store.version++;
  }

  /** Says that the data was changed through an array kept from an earlier read of `data`. */
  markChanged(): void {
    this.changed();
  }

  // the array may have been (or be about to be) edited: snapshots first, a new version, and the
  // wasm copy out of date
  private changed(): void {
    this.willChange();
    this._store.version++;
    const h = this._store.home;
    if (h && this._data !== LAZY) h.fresh = JS_NEWER; // (no array yet: nothing was edited)
  }

  // the data may change now: a snapshot still wanted by a backward pass gets its copy first
  private willChange(): void {
    const s = this._store.pending;
    if (s === null) return;
    this._store.pending = null;
    s.keep();
  }

  // the wasm copy is newer (an optimiser step or a backward pass wrote it there): bring the array
  // up to date; a gradient made in wasm memory gets its array now
  private syncOut(): void {
    const h = this._store.home;
    if (this._data === LAZY) {
      if (h === null) throw new Error('rnn-wasm internal: a gradient read after its wasm block was given up');
      this._data = h.data = new Float32Array(this.size);
    }
    if (h !== null && h.fresh === WASM_NEWER && h.data === this._data) {
      h.ar.readInto(h.ptr, h.data);
      h.fresh = SAME;
    }
  }

  // whether the wasm copy h mirrors this tensor's array (or is its only copy, not yet read)
  private mirroredBy(h: Home): boolean {
    return h.data === (this._data === LAZY ? null : this._data);
  }

  /** The data without counting a read: for code that only reads (caches, copies). @internal */
  peek(): Float32Array {
    this.syncOut();
    return this._data;
  }

  /**
   * The data's copy in wasm memory, made (from a persistent block of `ar`) and brought up to date
   * now; 0 when the arena cannot give a block now (inside an op) or a view's array has diverged.
   * Call it between ops. @internal
   */
  _resident(ar: Arena, kind: 'param' | 'grad' = 'param'): number {
    const st = this._store;
    let h = st.home;
    if (h === null) {
      const ptr = ar.persist(this.size, kind);
      if (!ptr) return 0;
      h = this.makeHome({ ar, ptr, n: this.size, kind }, this._data, JS_NEWER);
    }
    if (h.ar !== ar || !this.mirroredBy(h)) return 0;
    if (h.fresh === JS_NEWER) {
      ar.view(h.ptr, this.size).set(this._data);
      h.fresh = SAME;
    }
    return h.ptr;
  }

  // the block becomes the wasm copy of this tensor's data (its only copy when data is null)
  private makeHome(b: WasmBlock, data: Float32Array | null, fresh: Home['fresh']): Home {
    const h: Home = { ...b, data, fresh };
    this._store.home = h;
    homes.register(this._store, h, h);
    return h;
  }

  /**
   * The wasm copy, about to be written by a kernel (an optimiser step): snapshots are taken first,
   * the version moves and the array is out of date until the next read. 0 when there is none to
   * be had (see _resident). @internal
   */
  _residentForWrite(ar: Arena, kind: 'param' | 'grad' = 'param'): number {
    this.willChange();
    const ptr = this._resident(ar, kind);
    if (!ptr) return 0;
    this._store.version++;
    this._store.home!.fresh = WASM_NEWER;
    return ptr;
  }

  /**
   * The data as it is now, in the arena: its wasm copy where that is current (a parameter an
   * optimiser updates: no copy out of wasm memory and back in), else copied in. Not for a backward
   * pass, which wants the data as forward saw it. @internal
   */
  _inArena(ar: Arena): number {
    return this._residentIfCurrent() || ar.put(this.peek());
  }

  /** The wasm copy if it is up to date (no copy in, no block made), else 0. @internal */
  _residentIfCurrent(): number {
    const h = this._store.home;
    return h !== null && h.fresh !== JS_NEWER && this.mirroredBy(h) ? h.ptr : 0;
  }

  /**
   * Brings the array up to date and gives the wasm copy's block back; a parameter gives back its
   * gradient's too (the gradient stays readable) and its spare one. @internal
   */
  _release(): void {
    this.releaseHome();
    this._grad?.releaseHome();
    this.dropSpare();
  }

  private releaseHome(): void {
    const b = this.leaveHome(true);
    if (b) b.ar.unpersist(b.ptr, b.n, b.kind);
  }

  // the wasm copy's block, no longer this tensor's (null: it had none); with `keep`, the array is
  // brought up to date first (made, for a gradient not read yet): without, the tensor is unreadable
  // after, for a gradient nothing else can reach
  private leaveHome(keep: boolean): WasmBlock | null {
    const h = this._store.home;
    if (h === null) return null;
    if (keep) this.syncOut();
    this._store.home = null;
    homes.unregister(h);
    return { ar: h.ar, ptr: h.ptr, n: h.n, kind: h.kind };
  }

  private dropSpare(): void {
    const s = this._store.spare;
    if (s === null) return;
    this._store.spare = null;
    homes.unregister(s);
    s.ar.unpersist(s.ptr, s.n, s.kind);
  }

  /** See {@link snapshot}. @internal */
  _snapshot(): Snapshot {
    const st = this._store;
    if (st.pending === null) st.pending = new Snapshot(this, st);
    return st.pending.hold();
  }

  /** Changes whenever the data may have changed (shared with views). @internal */
  get version(): number {
    return this._store.version;
  }

  /** A view: the same data and the same version counter. */
  private view(shape: readonly number[]): Tensor {
    this.syncOut(); // (a gradient made in wasm memory gets its array: views share it)
    const out = new Tensor(this._data, shape);
    out._store = this._store;
    return out;
  }

  /**
   * The accumulated gradient of a leaf after backward(), else null. It may be set (to null, or to
   * a Tensor of this tensor's shape, as PyTorch's `.grad =`); any other value throws. A parameter's
   * gradient is made in wasm memory by most layers' backward and stays there for clipping and the
   * optimiser: its `data` is copied out when read.
   */
  get grad(): Tensor | null {
    this.gradShared = this._grad !== null;
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor && sameShape(g.shape, this.shape))) {
      const got = g instanceof Tensor ? `a Tensor of shape ${fmtShape(g.shape)}` : g === undefined ? 'undefined' : typeof g;
      throw new Error(`grad: must be null or a Tensor of shape ${fmtShape(this.shape)} (the tensor's own), got ${got}`);
    }
    if (g !== this._grad) this.giveUpGrad();
    this._grad = g;
    this.gradShared = g !== null; // the caller has it
  }

  // The gradient is being replaced (zeroGrad, `grad =`): a gradient kept in wasm memory leaves its
  // block to this tensor's next one (a spare, reused every step: no allocation, no copy). Its
  // contents are copied out first only when `grad` handed it out; else nothing can read it again.
  private giveUpGrad(): void {
    const g = this._grad;
    const h = g?._store.home;
    if (!g || !h || h.kind !== 'grad' || h.n !== this.size) return;
    const b = g.leaveHome(this.gradShared);
    if (b === null) return;
    if (this._store.spare !== null) b.ar.unpersist(b.ptr, b.n, b.kind);
    else {
      this._store.spare = b;
      homes.register(this._store, b, b);
    }
  }

  /** Whether this leaf's gradient is kept in wasm memory (its .grad there, or a spare block), where _gradSink writes it. @internal */
  _gradKept(): boolean {
    return this._creator === null && (this._store.spare !== null || (this._grad !== null && this._grad._store.home !== null));
  }

  /** The gradient, not handed out (see gradShared): for the optimisers and clipping. @internal */
  get _gradInside(): Tensor | null {
    return this._grad;
  }

  /**
   * Where a backward kernel may write this leaf's gradient (its `size` floats) straight into
   * `.grad`, kept in wasm memory, and whether it adds to what is there (else it overwrites): the
   * spare block of the last gradient or a new one. Null when there is none to be had now (inside
   * an op the arena can give only a freed block) or this is not a leaf: the caller hands the
   * gradient to the tape instead. With `grow` false, a tensor with no block of its own yet gets
   * none (only module parameters are worth one: an input made on every step would hold its block
   * until the garbage collector runs). Write at once: `.grad` counts as written. @internal
   */
  _gradSink(ar: Arena, grow = true): { ptr: number; add: boolean } | null {
    if (this._creator !== null || !this.requiresGrad) return null;
    const g = this._grad;
    if (g !== null) {
      if (!grow && g._store.home === null && this._store.spare === null) return null;
      const ptr = this._gradResident(ar, true);
      return ptr ? { ptr, add: true } : null;
    }
    let b = this.takeSpare(ar);
    if (b === null) {
      if (!grow) return null;
      const ptr = ar.persist(this.size, 'grad');
      if (!ptr) return null;
      b = { ar, ptr, n: this.size, kind: 'grad' };
    }
    const t = new Tensor(LAZY, this.shape);
    t.makeHome(b, null, WASM_NEWER);
    this._grad = t;
    this.gradShared = false;
    return { ptr: b.ptr, add: false };
  }

  /**
   * The gradient's copy in wasm memory, made between ops (from the spare block of the last one
   * when there is one) and brought up to date; `write`: about to be written (see
   * _residentForWrite). 0 with no gradient, or none to be had. @internal
   */
  _gradResident(ar: Arena, write = false): number {
    const g = this._grad;
    if (g === null) return 0;
    if (g._store.home === null) {
      const b = this.takeSpare(ar);
      if (b !== null) g.makeHome(b, g._data, JS_NEWER);
    }
    return write ? g._residentForWrite(ar, 'grad') : g._resident(ar, 'grad');
  }

  // the spare block left by the last gradient (see giveUpGrad), now the caller's; null when none
  private takeSpare(ar: Arena): WasmBlock | null {
    const b = this._store.spare;
    if (b === null || b.ar !== ar) return null;
    this._store.spare = null;
    homes.unregister(b);
    return b;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** A copy of the data, row-major. */
  toArray(): Float32Array {
    return this.data.slice();
  }

  /** The data as nested arrays of numbers (for printing and tests). */
  toNested(): NestedArray {
    const data = this.peek();
    const build = (offset: number, dim: number): NestedArray => {
      if (dim === this.shape.length) return data[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor must have one element, got shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  /** Same data, cut from the tape: no gradient flows through the result. */
  detach(): Tensor {
    return this.view(this.shape);
  }

  /** The same data with another shape (one dimension may be -1, inferred). Differentiable. */
  reshape(shape: readonly number[]): Tensor {
    if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${typeof shape}`);
    const s = shape.slice();
    const free = s.indexOf(-1);
    if (free !== -1) {
      if (s.indexOf(-1, free + 1) !== -1) throw new Error(`reshape: at most one -1 in shape, got ${fmtShape(shape)}`);
      const known = s.reduce((a, d, i) => (i === free ? a : a * d), 1);
      if (known === 0 || this.size % known !== 0) {
        throw new Error(`reshape: cannot reshape ${fmtShape(this.shape)} (${this.size} elements) into ${fmtShape(shape)}`);
      }
      s[free] = this.size / known;
    }
    const n = shapeSize(s, 'reshape: shape');
    if (n !== this.size) throw new Error(`reshape: cannot reshape ${fmtShape(this.shape)} (${this.size} elements) into ${fmtShape(shape)}`);
    const out = this.view(s);
    if (needsGrad(this)) record('reshape', [this], [out], ([g]) => [g]);
    return out;
  }

  /**
   * Backpropagates from this tensor. `grad` has this tensor's shape; it may be omitted only
   * for a one-element tensor (it is then 1). Gradients accumulate into the `.grad` of leaves.
   */
  backward(grad?: Tensor | Float32Array | number[]): void {
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad (no input of the computation had requiresGrad: true)');
    }
    let g: Float32Array;
    if (grad === undefined) {
      if (this.size !== 1) {
        throw new Error(
          `backward: grad must be given for a tensor of shape ${fmtShape(this.shape)} (only a one-element tensor defaults to 1)`,
        );
      }
      g = new Float32Array([1]);
    } else if (grad instanceof Tensor) {
      if (!sameShape(grad.shape, this.shape)) {
        throw new Error(`backward: grad must have shape ${fmtShape(this.shape)}, got ${fmtShape(grad.shape)}`);
      }
      g = grad.data;
    } else if (grad instanceof Float32Array || Array.isArray(grad)) {
      if (grad.length !== this.size) {
        throw new Error(`backward: grad must have ${this.size} elements (shape ${fmtShape(this.shape)}), got ${grad.length}`);
      }
      g = Float32Array.from(grad);
    } else {
      throw new Error(`backward: grad must be a Tensor, Float32Array or number[], got ${typeof grad}`);
    }
    runBackward(this, g);
  }

  /** @internal */
  _setCreator(node: Node, index: number): void {
    this._creator = node;
    this._outputIndex = index;
    this.requiresGrad = true;
  }

  /** @internal Adds g (owned by the caller, handed over) into this leaf's .grad (in wasm memory where it is kept there). */
  _accumulateGrad(g: Float32Array): void {
    const cur = this._grad;
    if (cur === null) {
      this._grad = new Tensor(g, this.shape);
      this.gradShared = false;
      return;
    }
    const h = cur._store.home;
    if (h !== null && cur._residentIfCurrent()) {
      const ptr = cur._residentForWrite(h.ar, 'grad');
      h.ar.addInto(ptr, g);
    } else {
      addInto(cur.data, g);
    }
  }

  /** A short description, e.g. `Tensor([2,3], requiresGrad)`. */
  toString(): string {
    return `Tensor(${fmtShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  /** What Node's console.log and util.inspect print: the shape and the leading values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const n = Math.min(this.size, 8);
    const values = Array.from(this.data.subarray(0, n), (v) => +v.toPrecision(4)).join(', ');
    return `Tensor ${fmtShape(this.shape)}${this.requiresGrad ? ' requiresGrad' : ''} [${values}${this.size > n ? `, … ${this.size - n} more` : ''}]`;
  }
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], out: Float32Array): void {
  let k = 0;
  const walk = (v: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number')
        throw new Error(`tensor: element at [${path.join(',')}] must be a number, got ${Array.isArray(v) ? 'an array' : typeof v}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(
        `tensor: ragged nested array: at [${path.join(',')}] expected ${shape[dim]} elements, got ${Array.isArray(v) ? v.length : typeof v}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, [...path, i]);
  };
  walk(data, 0, []);
}

/**
 * What a tensor shares with its views: the version counter, the snapshot backward still wants, and
 * the data's copy in wasm memory (a parameter an optimiser updates) with which side is newer. @internal
 */
interface Store {
  version: number;
  pending: Snapshot | null;
  home: Home | null;
  /** A parameter's block for its next gradient, left by the last one (see giveUpGrad). */
  spare: WasmBlock | null;
}

// the array of a gradient made in wasm memory before anything reads it (see _gradSink)
const LAZY = new Float32Array(0);

const SAME = 0;
const JS_NEWER = 1;
const WASM_NEWER = 2;

/** A persistent block of n floats of the arena: a parameter's or a gradient's. */
interface WasmBlock {
  ar: Arena;
  ptr: number;
  n: number;
  kind: 'param' | 'grad';
}

/** A tensor's data in a persistent block, mirroring the array `data` (null: a gradient's only copy, not read yet). */
interface Home extends WasmBlock {
  data: Float32Array | null;
  fresh: typeof SAME | typeof JS_NEWER | typeof WASM_NEWER;
}

// a collected tensor (and its views) gives its wasm copy's block back, a parameter its spare one
const homes = new FinalizationRegistry<WasmBlock>((b) => b.ar.unpersist(b.ptr, b.n, b.kind));

/**
 * A tensor's data as forward saw it, for a backward pass to read after the tensor may have changed
 * (an optimiser step or loadStateDict between forward and backward). Copy on write: while the
 * tensor is unchanged it reads the live data; the first change after it (a read of `data`, which
 * may edit, a new `data`, markChanged) copies the data first. Ops that use a tensor many times in
 * one forward pass share one snapshot while its version is unchanged. @internal
 */
export class Snapshot {
  private copy: Float32Array | null = null;
  private refs = 0;
  /** The tensor's version when the snapshot was taken. */
  readonly version: number;

  /** @internal */
  constructor(
    private readonly t: Tensor,
    private readonly store: Store,
  ) {
    this.version = store.version;
  }

  /** The data as it was when the snapshot was taken. */
  read(): Float32Array {
    return this.copy ?? this.t.peek();
  }

  /** The tensor is about to change: copy its contents as they are. @internal */
  keep(): void {
    this.copy = this.t.peek().slice();
  }

  /** @internal */
  hold(): this {
    this.refs++;
    return this;
  }

  /** The backward pass that wanted it is done (a graph runs backward once). */
  release(): void {
    if (--this.refs === 0 && this.store.pending === this) this.store.pending = null;
  }
}

/** A snapshot of t's data as it is now (see {@link Snapshot}); release() it when backward has run. @internal */
export function snapshot(t: Tensor): Snapshot {
  return t._snapshot();
}

/**
 * The snapshots one op's backward reads (see {@link Snapshot}): `read(t)` gives t as forward saw
 * it (t itself when it was not snapshotted), `unchanged(t)` whether a snapshotted t is as it was
 * (so caches derived from it still hold), and `around(backward)` releases them all when backward
 * has run. @internal
 */
export class Snapshots {
  private readonly map = new Map<Tensor, Snapshot>();

  constructor(ts: readonly (Tensor | null | false | undefined)[]) {
    for (const t of ts) if (t && !this.map.has(t)) this.map.set(t, snapshot(t));
  }

  read(t: Tensor): Float32Array {
    return this.map.get(t)?.read() ?? t.peek();
  }

  unchanged(t: Tensor): boolean {
    const s = this.map.get(t);
    return s !== undefined && t.version === s.version;
  }

  /** `backward`, releasing the snapshots once it has run (or thrown). */
  around<A extends unknown[], R>(backward: (...a: A) => R): (...a: A) => R {
    return (...a) => {
      try {
        return backward(...a);
      } finally {
        for (const s of this.map.values()) s.release();
        this.map.clear();
      }
    };
  }
}

/**
 * Makes a tensor from a flat array (with `shape`) or nested arrays (shape inferred, or checked
 * against `shape`). Data is copied.
 */
export function tensor(data: ArrayLike<number> | NestedArray, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  let flat: Float32Array;
  let finalShape: number[];
  if (typeof data === 'number') {
    flat = new Float32Array([data]);
    finalShape = [];
  } else if (Array.isArray(data) && data.some((v) => Array.isArray(v))) {
    finalShape = inferShape(data as NestedArray);
    flat = new Float32Array(shapeSize(finalShape));
    flatten(data as NestedArray, finalShape, flat);
  } else if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    const arr = data as ArrayLike<number>;
    flat = new Float32Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v !== 'number') throw new Error(`tensor: element ${i} must be a number, got ${typeof v}`);
      flat[i] = v;
    }
    finalShape = [arr.length];
  } else {
    throw new Error(`tensor: data must be a number array, typed array or nested arrays, got ${data === null ? 'null' : typeof data}`);
  }
  if (shape !== undefined) {
    const n = shapeSize(shape, 'tensor: shape');
    if (n !== flat.length) {
      throw new Error(`tensor: data has ${flat.length} elements but shape ${fmtShape(shape)} needs ${n}`);
    }
    finalShape = shape.slice();
  }
  return new Tensor(flat, finalShape, !!factoryOptions('tensor', options).requiresGrad);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const o = factoryOptions('full', options);
  if (typeof value !== 'number') throw new Error(`full: value must be a number, got ${typeof value}`);
  const n = shapeSize(shape, 'full: shape');
  reserve(n);
  return new Tensor(new Float32Array(n).fill(value), shape, !!o.requiresGrad);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  const o = factoryOptions('zeros', options);
  const n = shapeSize(shape, 'zeros: shape');
  reserve(n);
  return new Tensor(new Float32Array(n), shape, !!o.requiresGrad);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Normal draws N(mean, std²) from the library's seeded stream (see manualSeed). */
export function randn(shape: readonly number[], options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const o = factoryOptions('randn', options, { mean: num(), std: num(0) });
  const n = shapeSize(shape, 'randn: shape');
  reserve(n);
  const { mean = 0, std = 1 } = o;
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = mean + std * randomNormal();
  return new Tensor(d, shape, !!o.requiresGrad);
}

/** Uniform draws in [low, high) from the library's seeded stream. */
export function uniform(shape: readonly number[], low = 0, high = 1, options: TensorOptions = {}): Tensor {
  const o = factoryOptions('uniform', options);
  const n = shapeSize(shape, 'uniform: shape');
  reserve(n);
  if (!(Number.isFinite(low) && Number.isFinite(high) && high >= low))
    throw new Error(`uniform: low and high must be finite with high >= low, got low=${low}, high=${high}`);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = low + (high - low) * random();
  return new Tensor(d, shape, !!o.requiresGrad);
}

/** Wraps a Tensor or `{ shape, data }` as a Tensor (data copied when not a Tensor). @internal */
export function asTensor(x: TensorLike, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (x && typeof x === 'object' && Array.isArray((x as { shape: unknown }).shape) && (x as { data: unknown }).data) {
    return tensor(Array.from(x.data), x.shape);
  }
  throw new Error(`${what} must be a Tensor or { shape, data }, got ${x === null ? 'null' : typeof x}`);
}
