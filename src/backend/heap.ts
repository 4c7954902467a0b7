// The wasm heap as the TypeScript side sees it: a bump arena above the module's static data.
// Tensor data lives in ordinary Float32Arrays owned by the JavaScript garbage collector, so a
// training loop never leaks and never needs dispose(); an op copies its operands into the arena,
// runs its kernels, copies results out and releases the arena to where it found it. The arena
// grows WebAssembly.Memory to the largest op's working set once and is reused from then on.
import type { Kernels } from './kernels.js';

const PAGE = 65536;

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

  /** Reserves n floats for the life of the arena (below everything release() can free). */
  reserve(n: number): number {
    const ptr = this.zeros(n);
    this.base = this.top;
    return ptr;
  }

  /** Reserves n floats set to zero. */
  zeros(n: number): number {
    const ptr = this.alloc(n);
    this.heap().fill(0, ptr >> 2, (ptr >> 2) + n);
    return ptr;
  }

  /** Copies `data` in and returns its offset. */
  put(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.heap().set(data, ptr >> 2);
    return ptr;
  }

  /** A fresh Float32Array copy of n floats at ptr. */
  read(ptr: number, n: number): Float32Array {
    return this.heap().slice(ptr >> 2, (ptr >> 2) + n);
  }

  /** Copies n floats at ptr into `into`. */
  readInto(ptr: number, into: Float32Array): void {
    into.set(this.heap().subarray(ptr >> 2, (ptr >> 2) + into.length));
  }

  /** Copies n floats from src to dst inside wasm memory (the regions may overlap). */
  copy(dst: number, src: number, n: number): void {
    this.heap().copyWithin(dst >> 2, src >> 2, (src >> 2) + n);
  }

  /** A live view: invalid after the next alloc (memory may grow), so use it at once. */
  view(ptr: number, n: number): Float32Array {
    return this.heap().subarray(ptr >> 2, (ptr >> 2) + n);
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
