// NumPy broadcasting: shapes are aligned on the right; a dimension of 1 (or a missing one)
// stretches to the other's size. expandTo materialises the stretched operand; sumTo is its
// adjoint, folding a gradient back onto the operand's own shape.
import { fmtShape } from '../tensor.js';
import { prod } from './util.js';

/** The broadcast shape of a and b, or an error naming the op and both shapes. @internal */
export function broadcastShape(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function sourceStrides(shape: readonly number[], target: readonly number[]): number[] {
  const nd = target.length;
  const padded = [...new Array(nd - shape.length).fill(1), ...shape];
  const st = new Array(nd).fill(0);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    st[d] = padded[d] === 1 && target[d] !== 1 ? 0 : s;
    s *= padded[d];
  }
  return st;
}

/** Walks target in row-major order calling visit(targetIndex, sourceIndex). */
function walk(shape: readonly number[], target: readonly number[], visit: (i: number, si: number) => void): void {
  const nd = target.length;
  const st = sourceStrides(shape, target);
  const idx = new Array(nd).fill(0);
  const n = prod(target);
  let si = 0;
  for (let i = 0; i < n; i++) {
    visit(i, si);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      si += st[d];
      if (idx[d] < target[d]) break;
      si -= st[d] * target[d];
      idx[d] = 0;
    }
  }
}

/** data (of `shape`) stretched to `target`. @internal */
export function expandTo(data: Float32Array, shape: readonly number[], target: readonly number[]): Float32Array {
  const out = new Float32Array(prod(target));
  walk(shape, target, (i, si) => {
    out[i] = data[si];
  });
  return out;
}

/** g (of `target`) summed back onto `shape`. @internal */
export function sumTo(g: Float32Array, shape: readonly number[], target: readonly number[]): Float32Array {
  const out = new Float32Array(prod(shape));
  walk(shape, target, (i, si) => {
    out[si] += g[i];
  });
  return out;
}
