// The layout every recurrent op works in: time-major [T, B, F] with the batch sorted by length,
// longest first (PyTorch's packed order). At step t the sequences still running are then a
// prefix of the batch, `active[t]` rows long, so a step is one GEMM over those rows and
// finished sequences keep their state untouched; the reverse direction of sequence b starts at
// its own last step because its rows join the prefix exactly there.
import { fmtShape, type Tensor } from '../tensor.js';
import type { Arena, Block } from '../backend/heap.js';
import type { Kernels } from '../backend/kernels.js';

/** The sort and step counts of a batch of variable-length sequences. @internal */
export interface SeqLayout {
  B: number;
  T: number;
  /** order[j] = the original batch index at sorted position j */
  order: Int32Array;
  /** lengths in sorted order (descending) */
  lengths: Int32Array;
  /** active[t] = how many sequences are longer than t */
  active: Int32Array;
}

/** Validates `lengths` (size B, integers in 1..T) and builds the layout. @internal */
export function seqLayout(B: number, T: number, lengths: ArrayLike<number> | null | undefined, op: string): SeqLayout {
  const len = new Int32Array(B).fill(T);
  if (lengths !== undefined && lengths !== null) {
    if (typeof lengths !== 'object' || typeof lengths.length !== 'number') {
      throw new Error(`${op}: lengths must be a number[] or Int32Array of size ${B}, got ${typeof lengths}`);
    }
    if (lengths.length !== B) throw new Error(`${op}: lengths must have one entry per sequence (${B}), got ${lengths.length}`);
    for (let b = 0; b < B; b++) {
      const l = lengths[b];
      if (!Number.isInteger(l) || l < 1 || l > T) {
        throw new Error(`${op}: lengths[${b}] must be an integer in 1..${T} (the sequence length T), got ${l}`);
      }
      len[b] = l;
    }
  }
  // (plain loops: TypedArray.from with a map function takes V8's slow iterating path, and this
  // runs on every recurrent call, an NTM's controller at every step)
  const order = new Int32Array(B);
  let full = true;
  for (let b = 0; b < B; b++) {
    order[b] = b;
    if (len[b] !== T) full = false;
  }
  if (!full) order.sort((a, b) => len[b] - len[a] || a - b);
  const sorted = new Int32Array(B);
  for (let j = 0; j < B; j++) sorted[j] = len[order[j]];
  const active = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let n = 0;
    while (n < B && sorted[n] > t) n++;
    active[t] = n;
  }
  return { B, T, order, lengths: sorted, active };
}

/**
 * Features [off, off+F) of src (batch-first [B,T,srcF] or time-major [T,B,srcF], at a byte offset)
 * into dst [T,B,F] in sorted order, inside wasm memory by pick_rows (on one thread: see
 * kernels.ts); with maskPadding, steps past a sequence's end are zero. @internal
 */
export function pickSteps(
  k: Kernels,
  ar: Arena,
  dst: number,
  src: number,
  L: SeqLayout,
  F: number,
  srcF: number,
  off: number,
  batchFirst: boolean,
  maskPadding: boolean,
): void {
  k.pick_rows(dst, src, ar.putInts(stepRows(L, srcF, off, batchFirst, !maskPadding)), F, 0, L.T * L.B);
}

/**
 * The adjoint of pickSteps, inside wasm memory: the steps of src [T,B,F] (sorted, at a byte
 * offset) into features [off, off+F) of dst (batch- or time-major rows of dstF floats, at a byte
 * offset), by gather_rows; padding steps are not written. @internal
 */
export function gatherSteps(
  k: Kernels,
  ar: Arena,
  dst: number,
  src: number,
  L: SeqLayout,
  F: number,
  dstF: number,
  off: number,
  batchFirst: boolean,
): void {
  k.gather_rows(dst, src, ar.putInts(stepRows(L, dstF, off, batchFirst, false)), F, 0, L.T * L.B);
}

// For each time-major sorted row t·B + j, the float offset of its features in a batch- or
// time-major array of rowF-float rows, or -1 for a padding step unless `padding` keeps it.
function stepRows(L: SeqLayout, rowF: number, off: number, batchFirst: boolean, padding: boolean): Int32Array {
  const { B, T, order, lengths } = L;
  const map = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < B; j++) {
      const b = order[j];
      map[t * B + j] = padding || t < lengths[j] ? (batchFirst ? b * T + t : t * B + b) * rowF + off : -1;
    }
  }
  return map;
}

/** Rows of a state [B,F] (original order) into sorted order. @internal */
export function sortRows(src: Float32Array, L: SeqLayout, F: number): Float32Array {
  const out = new Float32Array(L.B * F);
  for (let j = 0; j < L.B; j++) out.set(src.subarray(L.order[j] * F, (L.order[j] + 1) * F), j * F);
  return out;
}

// whether sorting leaves every sequence where it is (all of one length: the usual batch)
function inOrder(L: SeqLayout): boolean {
  for (let j = 0; j < L.B; j++) if (L.order[j] !== j) return false;
  return true;
}

/** Rows of a sorted state back into original order, written into dst at element offset off. @internal */
export function unsortRows(dst: Float32Array, off: number, src: Float32Array, L: SeqLayout, F: number): void {
  if (inOrder(L)) dst.set(src.subarray(0, L.B * F), off);
  else for (let j = 0; j < L.B; j++) dst.set(src.subarray(j * F, (j + 1) * F), off + L.order[j] * F);
}

/** Checks a [D·layers, B, F]-shaped state argument. @internal */
export function checkState(s: Tensor | null | undefined, want: number[], op: string, arg: string): void {
  if (s === null || s === undefined) return;
  if (s.ndim !== 3 || s.shape[0] !== want[0] || s.shape[1] !== want[1] || s.shape[2] !== want[2]) {
    throw new Error(`${op}: ${arg} must be ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
  }
}

/**
 * Puts direction d's rows of a [D,B,F] state (a Tensor's data or a gradient) into the arena in
 * sorted order; zeros when there is none. @internal
 */
export function putState(ar: Arena, L: SeqLayout, state: Float32Array | null, d: number, F: number): number {
  const n = L.B * F;
  if (!state) return ar.zeros(n);
  const rows = state.subarray(d * n, (d + 1) * n);
  return ar.put(inOrder(L) ? rows : sortRows(rows, L, F));
}

/** Writes a sorted [B,F] state from the arena into direction d of dst [D,B,F]. @internal */
export function takeState(dst: Float32Array, ar: Arena, ptr: number, L: SeqLayout, d: number, F: number): void {
  unsortRows(dst, d * L.B * F, ar.view(ptr, L.B * F), L, F);
}

/**
 * A [T,B,n] block for per-step results that each step t writes for its active[t] rows: only the
 * rows past them (finished sequences) are set to zero, not the whole block. @internal
 */
export function stepBlock(ar: Arena, L: SeqLayout, n: number): Block {
  const blk = ar.block(L.T, L.B, n);
  for (let t = 0; t < L.T; t++) {
    const rows = L.active[t];
    if (rows < L.B) ar.view(blk.at(t, rows), (L.B - rows) * n).fill(0);
  }
  return blk;
}
