// The wasm heap as the TypeScript side sees it: a bump arena above the module's static data.
// Tensor data lives in ordinary Float32Arrays owned by the JavaScript garbage collector, so a
// training loop never leaks and never needs dispose(); an op copies its operands into the arena,
// runs its kernels, copies results out and releases the arena to where it found it. The arena
// grows WebAssembly.Memory to the largest op's working set once and is reused from then on.
// Below the scoped region sit persistent blocks: packed weight panels (pack-cache.ts), the
// activations a recorded recurrent layer keeps for its backward (keep()), optimiser state
// (optimizer.ts), and parameters and their gradients (tensor.ts), each given back when its owner is
// done with it or collected.
import type { Kernels } from './kernels.js';

const PAGE = 65536;

/**
 * A region of the arena seen as a row-major [d0, d1, d2] array of floats: `at(i, j, k)` is the
 * byte offset of element [i, j, k], so code says "step t" (`xw.at(t)`) or "row r" (`w.at(r)`)
 * instead of computing byte offsets. A time-major sequence is [T, B, F]. @internal
 */
export class Block {
  readonly size: number;
  private readonly s0: number;
  private readonly s1: number;

  constructor(
    readonly ptr: number,
    readonly dims: readonly [number, number, number],
  ) {
    this.size = dims[0] * dims[1] * dims[2];
    this.s0 = dims[1] * dims[2];
    this.s1 = dims[2];
  }

  /** The byte offset of element [i, j, k] (trailing indices default to 0). */
  at(i: number, j = 0, k = 0): number {
    return this.ptr + 4 * (i * this.s0 + j * this.s1 + k);
  }
}

/**
 * A block kept from forward for backward: still in wasm memory at `ptr` (resident), or its
 * contents copied out into `data`. @internal
 */
export type SavedBlock =
  | { readonly ptr: number; readonly data?: undefined; readonly dims: readonly [number, number, number] }
  | { readonly ptr?: undefined; readonly data: Float32Array; readonly dims: readonly [number, number, number] };

/** What Arena.keep() kept: the blocks in the order given, and the release of their memory. @internal */
export interface KeptBlocks {
  readonly blocks: readonly SavedBlock[];
  /** Gives resident blocks back (idempotent; a no-op for copies). */
  release(): void;
}

// resident kept blocks in all, at most: past it, blocks are copied out, where the garbage
// collector sees them (a loop that records graphs and never runs backward leaves its blocks to
// the FinalizationRegistry backstop, which must not let wasm memory run away meanwhile)
const RESIDENT_MAX_BYTES = 256 * 2 ** 20;

// a kept set whose owner (the backward closure) was collected before backward ran it
const keptRegistry = new FinalizationRegistry<KeptBlocks>((k) => k.release());

/** What a persistent block holds: packed panels, kept activations, optimiser state, parameters, gradients. @internal */
export type PersistKind = 'cache' | 'saved' | 'state' | 'param' | 'grad';

/** A bump allocator over wasm memory with stack-like release. @internal */
export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly k: Kernels;
  private base: number;
  private top: number;
  private highWater: number;
  private f32: Float32Array; // the whole memory; replaced when memory.grow detaches the buffer
  // the memory's size as last seen (it only grows: a smaller figure only means looking again)
  private bytes: number;

  constructor(k: Kernels) {
    this.memory = k.memory;
    this.k = k;
    this.base = (k.heap_base() + 15) & ~15;
    this.top = this.base;
    this.highWater = this.base;
    this.f32 = new Float32Array(this.memory.buffer);
    this.bytes = this.f32.byteLength;
  }

  // The whole memory as floats, covering bytes below `end`: the view kept from before is current
  // while it covers them (a grown plain memory detaches it, leaving it 0 bytes long; a grown shared
  // one leaves it short), which spares the memory.buffer getter on every copy.
  private heap(end: number): Float32Array {
    if (this.f32.byteLength < end) this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

  /** Reserves n floats (16-byte aligned, contents undefined) and returns the byte offset. */
  alloc(n: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(n / 4) * 16; // 16-byte aligned; no 32-bit bit tricks: n may be huge
    if (end > this.bytes) this.bytes = this.grownTo(end);
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return ptr;
  }

  /** Freed persistent blocks [ptr, bytes], sorted by address, adjacent ones merged. */
  private spare: [number, number][] = [];
  private persistentBytes = 0;
  private readonly kindBytes: Record<PersistKind, number> = { cache: 0, saved: 0, state: 0, param: 0, grad: 0 };
  private depth = 0; // scoped() calls running
  /** The most bytes keep() holds in wasm memory at once (tests lower it). @internal */
  residentLimit = RESIDENT_MAX_BYTES;

  /**
   * A block of n floats that outlives every scope (packed panels, kept activations or optimiser
   * state, counted by `kind`), or 0 when none can be had now:
   * from a freed one, or below the scoped region when that region is empty (between ops).
   */
  persist(n: number, kind: PersistKind = 'cache'): number {
    const bytes = Math.ceil(n / 4) * 16;
    const i = this.spare.findIndex(([, b]) => b >= bytes);
    if (i >= 0) {
      const [ptr, b] = this.spare[i];
      if (b === bytes) this.spare.splice(i, 1);
      else this.spare[i] = [ptr + bytes, b - bytes];
      this.persistentBytes += bytes;
      this.kindBytes[kind] += bytes;
      return ptr;
    }
    return this.persistAtBase(n, kind);
  }

  // n floats at the base of the scoped region, made persistent; only between ops (inside a scope,
  // its release would move top below the block), else 0
  private persistAtBase(n: number, kind: PersistKind): number {
    if (this.top !== this.base || this.depth > 0) return 0;
    const bytes = Math.ceil(n / 4) * 16;
    const ptr = this.alloc(n);
    this.base = this.top;
    this.persistentBytes += bytes;
    this.kindBytes[kind] += bytes;
    return ptr;
  }

  /** Returns a block from persist(); the topmost free space goes back to the scoped region. */
  unpersist(ptr: number, n: number, kind: PersistKind = 'cache'): void {
    const bytes = Math.ceil(n / 4) * 16;
    this.persistentBytes -= bytes;
    this.kindBytes[kind] -= bytes;
    const s = this.spare;
    s.push([ptr, bytes]);
    s.sort((a, b) => a[0] - b[0]);
    for (let i = s.length - 1; i > 0; i--) {
      if (s[i - 1][0] + s[i - 1][1] === s[i][0]) {
        s[i - 1][1] += s[i][1];
        s.splice(i, 1);
      }
    }
    const last = s[s.length - 1];
    if (last && last[0] + last[1] === this.base && this.top === this.base && this.depth === 0) {
      this.base = this.top = last[0];
      s.pop();
    }
  }

  /** Bytes held by persist() blocks of packed panels now. */
  get cachedBytes(): number {
    return this.kindBytes.cache;
  }

  /** Bytes of activations kept in wasm memory for a backward pass (keep()) now. */
  get savedBytes(): number {
    return this.kindBytes.saved;
  }

  /** Bytes of optimiser state in wasm memory now. */
  get stateBytes(): number {
    return this.kindBytes.state;
  }

  /** The largest freed persistent block now, in bytes (what a region can have inside a scope). */
  get largestFreeBytes(): number {
    return this.spare.reduce((m, [, b]) => Math.max(m, b), 0);
  }

  /** Bytes of parameters' copies in wasm memory now (the ones an optimiser updates there). */
  get paramBytes(): number {
    return this.kindBytes.param;
  }

  /** Bytes of gradients kept in wasm memory now (each parameter's, and its spare block for the next). */
  get gradBytes(): number {
    return this.kindBytes.grad;
  }

  /** Reserves n floats for the life of the arena (below everything release() can free). */
  reserve(n: number): number {
    const ptr = this.zeros(n);
    this.base = this.top;
    return ptr;
  }

  // Grows the memory to hold `end` bytes when it does not yet (another arena may have grown it);
  // returns its size.
  private grownTo(end: number): number {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return have;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      throw new Error(
        `rnn-wasm: out of WebAssembly memory: an operation needs ${Math.ceil(end / 2 ** 20)} MiB of working space ` +
          `(${Math.ceil(have / 2 ** 20)} MiB in use by the engine now); use smaller batches or sequences`,
      );
    }
    return this.memory.buffer.byteLength;
  }

  /** Reserves n floats set to zero. */
  zeros(n: number): number {
    const ptr = this.alloc(n);
    this.k.zero_fill(ptr, n);
    return ptr;
  }

  /** Copies `data` in and returns its offset. */
  put(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.heap(ptr + 4 * data.length).set(data, ptr >>> 2);
    return ptr;
  }

  /** Copies `data` in as 32-bit integers (labels, lengths, kernel parameters) and returns its offset. */
  putInts(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    new Int32Array(this.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }

  /** A fresh Float32Array copy of n floats at ptr. */
  read(ptr: number, n: number): Float32Array {
    return this.heap(ptr + 4 * n).slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** Copies n floats at ptr into `into`. */
  readInto(ptr: number, into: Float32Array): void {
    into.set(this.heap(ptr + 4 * into.length).subarray(ptr >>> 2, (ptr >>> 2) + into.length));
  }

  /** Adds `data` into the floats at dst (data.length of them). */
  addInto(dst: number, data: Float32Array): void {
    this.scoped((a) => this.k.add_forward(dst, dst, a.put(data), data.length));
  }

  /** Copies n floats from src to dst inside wasm memory (the regions may overlap). */
  copy(dst: number, src: number, n: number): void {
    this.k.copy_floats(dst, src, n);
  }

  /** A live view: invalid after the next alloc (memory may grow), so use it at once. */
  view(ptr: number, n: number): Float32Array {
    return this.heap(ptr + 4 * n).subarray(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** Reserves a [d0, d1, d2] block (contents undefined). */
  block(d0: number, d1 = 1, d2 = 1): Block {
    return new Block(this.alloc(d0 * d1 * d2), [d0, d1, d2]);
  }

  /** Reserves a [d0, d1, d2] block set to zero. */
  zeroBlock(d0: number, d1 = 1, d2 = 1): Block {
    return new Block(this.zeros(d0 * d1 * d2), [d0, d1, d2]);
  }

  /** Copies `data` (exactly d0·d1·d2 floats) into a new block. */
  blockOf(data: ArrayLike<number>, d0: number, d1 = 1, d2 = 1): Block {
    if (data.length !== d0 * d1 * d2) throw new Error(`rnn-wasm internal: ${data.length} floats for a [${d0},${d1},${d2}] block`);
    return new Block(this.put(data), [d0, d1, d2]);
  }

  /**
   * Keeps blocks of a scope that has just ended, for a backward pass in a later scope: in one
   * persistent region (resident: no copy out of wasm and back) when the arena can give one now —
   * where they are when they start the empty scoped region, else moved into a freed block that
   * fits, while the resident total stays under its bound — else copied out. Call it right after
   * the scope is released and before anything else is allocated: the blocks' contents are still
   * where the scope left them. `owner` (the backward closure) returns resident blocks when it is
   * collected without having run.
   */
  keep(blocks: readonly Block[], owner: object): KeptBlocks {
    const bytes = blocks.map((b) => Math.ceil(b.size / 4) * 16);
    const total = bytes.reduce((a, b) => a + b, 0);
    for (const b of blocks) {
      if (b.ptr < this.top) throw new Error('rnn-wasm internal: keep() after the region was allocated again');
    }
    // in place when the blocks start the scope that has just ended: the region spans them, the
    // scratch between them too (up to as much again), and nothing moves (a GRU's W3 step moved
    // 12 MB into the gaps its input projection left)
    const live = blocks.map((_, i) => i).filter((i) => bytes[i] > 0);
    const first = Math.min(...live.map((i) => blocks[i].ptr));
    const span = Math.max(...live.map((i) => blocks[i].ptr + bytes[i])) - first;
    if (
      total > 0 &&
      first === this.base &&
      this.top === this.base &&
      this.depth === 0 &&
      span <= 2 * total &&
      this.kindBytes.saved + span <= this.residentLimit
    ) {
      const inPlace = blocks.map((b) => ({ ptr: b.ptr, dims: b.dims }));
      return this.keptRegion(inPlace, this.persistAtBase(span / 4, 'saved'), span, owner);
    }
    let region = 0;
    if (total > 0 && this.kindBytes.saved + total <= this.residentLimit) {
      try {
        region = this.persist(total / 4, 'saved');
      } catch {
        region = 0; // no memory for it: copies will do
      }
    }
    if (!region) {
      const copies = blocks.map((b) => ({ data: this.read(b.ptr, b.size), dims: b.dims }));
      return { blocks: copies, release() {} };
    }
    // the region starts at or below every block (a freed block below the scoped region, or the
    // region's own start), so moving them in address order never overwrites one not yet moved
    const order = blocks.map((_, i) => i).sort((i, j) => blocks[i].ptr - blocks[j].ptr);
    const kept: SavedBlock[] = new Array(blocks.length);
    let at = region;
    for (const i of order) {
      // blocks a scope allocated first, back to back, are in place already
      if (at !== blocks[i].ptr) this.copy(at, blocks[i].ptr, blocks[i].size);
      kept[i] = { ptr: at, dims: blocks[i].dims };
      at += bytes[i];
    }
    return this.keptRegion(kept, region, total, owner);
  }

  // the kept blocks in one persistent region of `bytes` bytes, given back by release() or when owner is collected
  private keptRegion(blocks: SavedBlock[], region: number, bytes: number, owner: object): KeptBlocks {
    let held = true;
    const result: KeptBlocks = {
      blocks,
      release: () => {
        if (!held) return;
        held = false;
        keptRegistry.unregister(result);
        this.unpersist(region, bytes / 4, 'saved');
      },
    };
    keptRegistry.register(owner, result, result);
    return result;
  }

  /** A kept block in this scope: resident ones where they are, copies put back in. */
  restore(s: SavedBlock): Block {
    return s.data ? this.blockOf(s.data, ...s.dims) : new Block(s.ptr, s.dims);
  }

  /** Bytes in use right now (0 between ops). */
  get liveBytes(): number {
    return this.top - this.base;
  }

  /** Size of WebAssembly.Memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Runs fn with the arena and releases everything fn allocated, even when it throws. */
  scoped<T>(fn: (a: Arena) => T): T {
    const m = this.top;
    this.depth++;
    try {
      return fn(this);
    } finally {
      this.depth--;
      this.top = m;
    }
  }
}
