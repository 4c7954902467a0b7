// The wasm heap as the TypeScript side sees it: a bump arena above the module's static data.
// Tensor data lives in ordinary Float32Arrays owned by the JavaScript garbage collector, so a
// training loop never leaks and never needs dispose(); an op copies its operands into the arena,
// runs its kernels, copies results out and releases the arena to where it found it. The arena
// grows WebAssembly.Memory to the largest op's working set once and is reused from then on.
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

/** A block's contents copied out of the arena (to survive until backward). @internal */
export interface SavedBlock {
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number];
}

/** A bump allocator over wasm memory with stack-like release. @internal */
export class Arena {
  private readonly memory: WebAssembly.Memory;
  private base: number;
  private top: number;
  private highWater: number;
  private f32: Float32Array; // the whole memory; replaced when memory.grow detaches the buffer

  constructor(k: Kernels) {
    this.memory = k.memory;
    this.base = (k.heap_base() + 15) & ~15;
    this.top = this.base;
    this.highWater = this.base;
    this.f32 = new Float32Array(this.memory.buffer);
  }

  private heap(): Float32Array {
    if (this.f32.buffer !== this.memory.buffer) this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

  /** Reserves n floats (16-byte aligned, contents undefined) and returns the byte offset. */
  alloc(n: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(n / 4) * 16; // 16-byte aligned; no 32-bit bit tricks: n may be huge
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new Error(
          `rnn-wasm: out of WebAssembly memory: an operation needs ${Math.ceil(end / 2 ** 20)} MiB of working space ` +
            `(${Math.ceil(have / 2 ** 20)} MiB in use by the engine now); use smaller batches or sequences`,
        );
      }
    }
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return ptr;
  }

  /** Freed persistent blocks [ptr, bytes], sorted by address, adjacent ones merged. */
  private spare: [number, number][] = [];
  private persistentBytes = 0;

  /**
   * A block of n floats that outlives every scope (for caches), or 0 when none can be had now:
   * from a freed one, or below the scoped region when that region is empty (between ops).
   */
  persist(n: number): number {
    const bytes = Math.ceil(n / 4) * 16;
    const i = this.spare.findIndex(([, b]) => b >= bytes);
    if (i >= 0) {
      const [ptr, b] = this.spare[i];
      if (b === bytes) this.spare.splice(i, 1);
      else this.spare[i] = [ptr + bytes, b - bytes];
      this.persistentBytes += bytes;
      return ptr;
    }
    if (this.top !== this.base) return 0;
    const ptr = this.alloc(n);
    this.base = this.top;
    this.persistentBytes += bytes;
    return ptr;
  }

  /** Returns a block from persist(); the topmost free space goes back to the scoped region. */
  unpersist(ptr: number, n: number): void {
    const bytes = Math.ceil(n / 4) * 16;
    this.persistentBytes -= bytes;
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
    if (last && last[0] + last[1] === this.base && this.top === this.base) {
      this.base = this.top = last[0];
      s.pop();
    }
  }

  /** Bytes held by persist() blocks now. */
  get cachedBytes(): number {
    return this.persistentBytes;
  }

  /** Reserves n floats for the life of the arena (below everything release() can free). */
  reserve(n: number): number {
    const ptr = this.zeros(n);
    this.base = this.top;
    return ptr;
  }

  /** Reserves n floats set to zero. */
  zeros(n: number): number {
    const ptr = this.alloc(n);
    this.heap().fill(0, ptr >>> 2, (ptr >>> 2) + n);
    return ptr;
  }

  /** Copies `data` in and returns its offset. */
  put(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.heap().set(data, ptr >>> 2);
    return ptr;
  }

  /** A fresh Float32Array copy of n floats at ptr. */
  read(ptr: number, n: number): Float32Array {
    return this.heap().slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** Copies n floats at ptr into `into`. */
  readInto(ptr: number, into: Float32Array): void {
    into.set(this.heap().subarray(ptr >>> 2, (ptr >>> 2) + into.length));
  }

  /** Copies n floats from src to dst inside wasm memory (the regions may overlap). */
  copy(dst: number, src: number, n: number): void {
    this.heap().copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + n);
  }

  /** A live view: invalid after the next alloc (memory may grow), so use it at once. */
  view(ptr: number, n: number): Float32Array {
    return this.heap().subarray(ptr >>> 2, (ptr >>> 2) + n);
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

  /** A copy of a block's contents, to put back with restore() in a later scope. */
  save(b: Block): SavedBlock {
    return { data: this.read(b.ptr, b.size), dims: b.dims };
  }

  /** A saved block back in the arena. */
  restore(s: SavedBlock): Block {
    return this.blockOf(s.data, ...s.dims);
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
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
    try {
      return fn(this);
    } finally {
      this.top = m;
    }
  }
}
