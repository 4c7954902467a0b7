// Shape ops: reshape (shares data), permute/transpose, concat, stack, slice, select. They move
// data and their backward moves gradients back; no arithmetic, so they stay in TypeScript,
// except a large permutation that is a (batched) matrix transpose, which the wasm kernel
// moves in cache-sized blocks.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, isLoaded, kernels } from '../backend/wasm.js';
import { checkTensor, normAxis, prod } from './util.js';

/** The same data with a new shape; one dimension may be -1 (inferred). Differentiable. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return checkTensor(x, 'reshape', 'x').reshape(shape);
}

// from this many floats a transpose goes through the wasm kernel
const WASM_TRANSPOSE_FROM = 4096;

/**
 * The same permutation over fewer axes: axes of size 1 dropped, and input axes that stay
 * neighbours in the same order merged into one.
 */
function collapse(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  const groups: number[][] = []; // runs of consecutive input axes, in output order
  for (const a of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => g[0] - h[0]);
  return {
    shape: byInput.map((g) => g.reduce((p, a) => p * shape[a], 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** `data` of `shape` with its axes permuted (a copy). @internal */
export function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  if (data.length >= WASM_TRANSPOSE_FROM && isLoaded()) {
    const c = collapse(shape, perm);
    const p = c.perm.join(',');
    if (p === '1,0' || p === '0,2,1') {
      const [batch, rows, cols] = p === '1,0' ? [1, ...c.shape] : c.shape;
      const kern = kernels();
      return arena().scoped((ar) => {
        const out = ar.alloc(data.length);
        kern.transpose_forward(out, ar.put(data), batch, rows, cols);
        return ar.read(out, data.length);
      });
    }
  }
  const nd = shape.length;
  const out = new Float32Array(data.length);
  const inStrides = new Array(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]);
  const idx = new Array(nd).fill(0);
  let si = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[si];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      si += st[d];
      if (idx[d] < outShape[d]) break;
      si -= st[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Reorders the axes: output axis i is input axis perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor(x, 'permute', 'x');
  const p = perm.map((a) => normAxis(a, x.ndim, 'permute', 'perm'));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new Error(`permute: perm must list each of the ${x.ndim} axes once, got [${perm.join(',')}]`);
  }
  const out = new Tensor(
    permuteData(x.data, x.shape, p),
    p.map((a) => x.shape[a]),
  );
  if (needsGrad(x)) {
    const inv = new Array(p.length);
    p.forEach((a, i) => (inv[a] = i));
    record('permute', [x], [out], ([g]) => [permuteData(g!, out.shape, inv)]);
  }
  return out;
}

/** Swaps two axes (default: the last two). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor(x, 'transpose', 'x');
  const a = normAxis(dim0, x.ndim, 'transpose', 'dim0');
  const b = normAxis(dim1, x.ndim, 'transpose', 'dim1');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Joins tensors along an existing axis; the other dimensions must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('concat: tensors must be a non-empty array of Tensors');
  tensors.forEach((t, i) => checkTensor(t, 'concat', `tensors[${i}]`));
  const first = tensors[0];
  const ax = normAxis(axis, first.ndim, 'concat');
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ outside axis ${ax}`);
    }
  }
  const outer = prod(first.shape, 0, ax);
  const inner = prod(first.shape, ax + 1);
  const total = tensors.reduce((a, t) => a + t.shape[ax], 0);
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  for (const t of tensors) {
    const block = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), o * total * inner + offset);
    offset += block;
  }
  const result = new Tensor(out, shape);
  if (needsGrad(...tensors)) {
    record('concat', tensors.slice(), [result], ([g]) => {
      let off = 0;
      return tensors.map((t) => {
        const block = t.shape[ax] * inner;
        const gi = new Float32Array(t.size);
        for (let o = 0; o < outer; o++) gi.set(g!.subarray(o * total * inner + off, o * total * inner + off + block), o * block);
        off += block;
        return gi;
      });
    });
  }
  return result;
}

/** Joins same-shaped tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack: tensors must be a non-empty array of Tensors');
  tensors.forEach((t, i) => checkTensor(t, 'stack', `tensors[${i}]`));
  const s0 = tensors[0].shape;
  for (const t of tensors) {
    if (t.ndim !== s0.length || t.shape.some((d: number, i: number) => d !== s0[i])) {
      throw new Error(`stack: every tensor must have shape ${fmtShape(s0)}, got ${fmtShape(t.shape)}`);
    }
  }
  const ax = normAxis(axis, s0.length + 1, 'stack');
  const expanded = tensors.map((t) => reshape(t, [...s0.slice(0, ax), 1, ...s0.slice(ax)]));
  return concat(expanded, ax);
}

/** Elements start..end-1 along `axis` (negative start/end count from the end, as in Python). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  checkTensor(x, 'slice', 'x');
  const ax = normAxis(axis, x.ndim, 'slice');
  const len = x.shape[ax];
  const norm = (v: number, what: string): number => {
    if (!Number.isInteger(v)) throw new Error(`slice: ${what} must be an integer, got ${v}`);
    return Math.min(Math.max(v < 0 ? v + len : v, 0), len);
  };
  const s = norm(start, 'start');
  const e = end === undefined ? len : norm(end, 'end');
  const width = Math.max(e - s, 0);
  const outer = prod(x.shape, 0, ax);
  const inner = prod(x.shape, ax + 1);
  const shape = x.shape.slice();
  shape[ax] = width;
  const out = new Float32Array(outer * width * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * len + s) * inner;
    out.set(x.data.subarray(from, from + width * inner), o * width * inner);
  }
  const result = new Tensor(out, shape);
  if (needsGrad(x)) {
    record('slice', [x], [result], ([g]) => {
      const gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) gx.set(g!.subarray(o * width * inner, (o + 1) * width * inner), (o * len + s) * inner);
      return [gx];
    });
  }
  return result;
}

/** The slice at `index` along `axis`, with that axis removed (x[:, index] for axis 1). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkTensor(x, 'select', 'x');
  const ax = normAxis(axis, x.ndim, 'select');
  const len = x.shape[ax];
  if (!Number.isInteger(index) || index < -len || index >= len) {
    throw new Error(`select: index must be an integer in [${-len}, ${len - 1}] for axis ${ax} of ${fmtShape(x.shape)}, got ${index}`);
  }
  const i = index < 0 ? index + len : index;
  const s = slice(x, ax, i, i + 1);
  return reshape(
    s,
    x.shape.filter((_, d) => d !== ax),
  );
}
