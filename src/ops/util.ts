// What the ops share: argument checks (every message names the op, the argument and what was
// expected against what was given), and where a backward kernel writes a gradient in wasm memory
// (gradInWasm, gradTarget).
import { Tensor, fmtShape } from '../tensor.js';
import type { Arena } from '../backend/heap.js';
import type { Kernels } from '../backend/kernels.js';
import { isParameter } from '../backend/pack-cache.js';
import { kernels } from '../backend/wasm.js';
import { tapeSink } from '../tape.js';

/** Asserts x is a Tensor. @internal */
export function checkTensor(x: unknown, op: string, arg: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: ${arg} must be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
  return x;
}

/** Resolves a possibly negative axis against ndim. @internal */
export function normAxis(axis: number, ndim: number, op: string, arg = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -Math.max(ndim, 1) || axis >= Math.max(ndim, 1)) {
    throw new Error(`${op}: ${arg} must be an integer in [${-ndim}, ${ndim - 1}], got ${axis}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Checks the exact shape of a tensor argument; -1 in `want` matches any size. @internal */
export function checkShape(x: Tensor, want: readonly number[], op: string, arg: string): void {
  const ok = x.shape.length === want.length && want.every((d, i) => d === -1 || d === x.shape[i]);
  if (!ok) {
    const w = `[${want.map((d) => (d === -1 ? '*' : d)).join(',')}]`;
    throw new Error(`${op}: ${arg} must be ${w}, got ${fmtShape(x.shape)}`);
  }
}

/** Throws when data holds a NaN or an infinity, naming the argument. @internal */
export function checkFinite(data: Float32Array, op: string, arg: string): void {
  // a branch-free pass first (v·0 is NaN exactly when v is NaN or infinite), four independent
  // sums: 0.13 against 0.27-0.31 ms for testing each of 204,800 floats (W3's input); only a bad
  // array is walked again, to name its first bad element
  const n4 = data.length & ~3;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let i = 0; i < n4; i += 4) {
    a0 += data[i] * 0;
    a1 += data[i + 1] * 0;
    a2 += data[i + 2] * 0;
    a3 += data[i + 3] * 0;
  }
  for (let i = n4; i < data.length; i++) a0 += data[i] * 0;
  if (a0 + a1 + a2 + a3 === 0) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new Error(`${op}: ${arg} contains ${v} at flat index ${i}`);
  }
}

/**
 * The gradient of a tensor that `write(ptr, add)` makes in wasm memory (its `size` floats at ptr,
 * added to what is there or, when add is false, overwriting it): straight into the `.grad` of a
 * parameter where that is kept in wasm memory, or into the tape's sum of the contributions of a
 * tensor used more than once, and null back (nothing left for the tape to pass on); else into
 * scratch, read out for the tape. Call it inside an op's backward. @internal
 */
export function gradInWasm(ar: Arena, t: Tensor, write: (ptr: number, add: boolean) => void): Float32Array | null {
  const g = gradTarget(ar, t, false);
  write(g.ptr, g.add);
  return g.out();
}

/**
 * gradInWasm for kernels that add into several outputs at once: where t's gradient goes (its
 * sink, or scratch) and whether it adds to what is there (with `zeroed`, a target that would be
 * overwritten is zero-filled first and add is true: for kernels that only accumulate), and
 * `out()`, what to return to the tape once it is written (null for a sink). @internal
 */
export function gradTarget(ar: Arena, t: Tensor, zeroed: boolean): { ptr: number; add: boolean; out: () => Float32Array | null } {
  const sink = t._gradSink(ar, isParameter(t)) ?? tapeSink(t);
  const ptr = sink ? sink.ptr : ar.alloc(t.size);
  let add = sink ? sink.add : false;
  if (zeroed && !add) {
    kernels().zero_fill(ptr, t.size);
    add = true;
  }
  return { ptr, add, out: () => (sink ? null : ar.read(ptr, t.size)) };
}

/**
 * gradInWasm's `write` for kernels that can only overwrite: `compute(dst)` straight into the
 * sink, or into scratch and then added there. @internal
 */
export function overwriting(ar: Arena, k: Kernels, n: number, compute: (dst: number) => void): (ptr: number, add: boolean) => void {
  return (ptr, add) => {
    if (!add) return compute(ptr);
    const p = ar.alloc(n);
    compute(p);
    k.add_forward(ptr, ptr, p, n);
  };
}

/** Product of a slice of a shape. @internal */
export function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}

/** A [B,T]-style 0/1 mask given as a Tensor, flat numbers or nested rows, as flat values. @internal */
export function flatMask(mask: Tensor | ArrayLike<number> | number[][]): ArrayLike<number> {
  if (mask instanceof Tensor) return mask.data;
  return Array.isArray(mask) && Array.isArray(mask[0]) ? (mask as number[][]).flat() : (mask as ArrayLike<number>);
}
