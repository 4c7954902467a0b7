// ctcLoss with torch.nn.functional.ctc_loss's semantics: logProbs [T,B,C] (log-softmax output,
// time-major whatever the model's layout), targets padded [B,S], concatenated, or number[][];
// 'mean' divides each loss by its target length (at least 1) and averages over the batch; an
// impossible alignment gives Infinity, or 0 with a zero gradient under zeroInfinity. One tape
// node; each sequence's alpha/beta recursion runs in wasm (assembly/ctc.ts: a scaled linear-space
// recursion, or the log-space one where the linear one's error bound fails). The gradient is the
// exact one with respect to logProbs (PyTorch returns exp(lp) minus it, which is the same after
// a log-softmax).
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import type { KeptBlocks } from '../backend/heap.js';
import { checkTensor } from '../ops/util.js';
import { REDUCTION, type Reduction } from './reduction.js';
import { bool, int, readOptions } from '../options.js';

/** Options of {@link ctcLoss}. */
export interface CTCLossOptions {
  /** Index of the blank label (default 0). */
  blank?: number;
  reduction?: Reduction;
  /** Replace an infinite loss (impossible alignment) and its gradient by 0 (default false). */
  zeroInfinity?: boolean;
}

/** Targets as ctcLoss accepts them. */
export type CTCTargets = number[][] | Int32Array | number[] | Tensor | { shape: readonly number[]; data: ArrayLike<number> };

/** Integer lengths, validated. @internal */
export function intLengths(v: unknown, B: number, max: number, op: string, arg: string, min = 0): Int32Array {
  if (!v || typeof (v as ArrayLike<number>).length !== 'number')
    throw new Error(`${op}: ${arg} must be a number[] or Int32Array of size ${B}, got ${typeof v}`);
  const a = v as ArrayLike<number>;
  if (a.length !== B) throw new Error(`${op}: ${arg} must have one entry per sequence (${B}), got ${a.length}`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    if (!Number.isInteger(a[b]) || a[b] < min || a[b] > max)
      throw new Error(`${op}: ${arg}[${b}] must be an integer in ${min}..${max}, got ${a[b]}`);
    out[b] = a[b];
  }
  return out;
}

/** Per-sequence label arrays from any accepted target form. @internal */
export function splitTargets(targets: CTCTargets, tl: Int32Array, C: number, blank: number, op: string): Int32Array[] {
  const B = tl.length;
  let rows: ArrayLike<number>[];
  if (Array.isArray(targets) && targets.length > 0 && Array.isArray(targets[0])) {
    const t = targets as number[][];
    if (t.length !== B) throw new Error(`${op}: targets must hold ${B} sequences, got ${t.length}`);
    rows = t.map((r, b) => {
      if (r.length < tl[b]) throw new Error(`${op}: targets[${b}] has ${r.length} labels but targetLengths[${b}] is ${tl[b]}`);
      return r.slice(0, tl[b]);
    });
  } else if (
    targets instanceof Tensor ||
    (targets && !Array.isArray(targets) && !ArrayBuffer.isView(targets) && Array.isArray((targets as { shape?: unknown }).shape))
  ) {
    const t = targets as { shape: readonly number[]; data: ArrayLike<number> };
    if (t.shape.length !== 2 || t.shape[0] !== B) throw new Error(`${op}: padded targets must be [${B},S], got ${fmtShape(t.shape)}`);
    const S = t.shape[1];
    rows = Array.from({ length: B }, (_, b) => {
      if (tl[b] > S) throw new Error(`${op}: targetLengths[${b}] is ${tl[b]} but padded targets have only ${S} columns`);
      return Array.from({ length: tl[b] }, (_, i) => t.data[b * S + i]);
    });
  } else if (Array.isArray(targets) || targets instanceof Int32Array) {
    const flat = targets as ArrayLike<number>;
    const total = tl.reduce((a, v) => a + v, 0);
    if (flat.length !== total)
      throw new Error(`${op}: concatenated targets must hold sum(targetLengths) = ${total} labels, got ${flat.length}`);
    let off = 0;
    rows = Array.from(tl, (n) => {
      const r = Array.from({ length: n }, (_, i) => flat[off + i]);
      off += n;
      return r;
    });
  } else {
    throw new Error(`${op}: targets must be number[][], a flat Int32Array/number[], or a [B,S] Tensor, got ${typeof targets}`);
  }
  return rows.map((r, b) => {
    const out = new Int32Array(r.length);
    for (let i = 0; i < r.length; i++) {
      const v = r[i];
      if (!Number.isInteger(v) || v < 0 || v >= C || v === blank) {
        throw new Error(`${op}: targets[${b}][${i}] must be a label in [0, ${C - 1}] other than the blank ${blank}, got ${v}`);
      }
      out[i] = v;
    }
    return out;
  });
}

/** Connectionist temporal classification loss (see the file comment). */
export function ctcLoss(
  logProbs: Tensor,
  targets: CTCTargets,
  inputLengths: ArrayLike<number>,
  targetLengths: ArrayLike<number>,
  options: CTCLossOptions = {},
): Tensor {
  const op = 'ctcLoss';
  checkTensor(logProbs, op, 'logProbs');
  if (logProbs.ndim !== 3) throw new Error(`${op}: logProbs must be [T,B,C] (time-major log-softmax), got ${fmtShape(logProbs.shape)}`);
  const [T, B, C] = logProbs.shape;
  const o = readOptions<CTCLossOptions>(op, 'options', options, { blank: int(0), reduction: REDUCTION, zeroInfinity: bool });
  const { blank = 0, zeroInfinity = false } = o;
  const reduction: Reduction = o.reduction ?? 'mean';
  if (!Number.isInteger(blank) || blank < 0 || blank >= C)
    throw new Error(`${op}: blank must be an integer in [0, ${C - 1}], got ${blank}`);
  const lpd = logProbs.peek();
  const il = intLengths(inputLengths, B, T, op, 'inputLengths');
  const tl = intLengths(targetLengths, B, Number.MAX_SAFE_INTEGER, op, 'targetLengths');
  const labels = splitTargets(targets, tl, C, blank, op);
  const k = kernels();
  const wantGrad = needsGrad(logProbs);
  const nll = new Float32Array(B);
  // the gradient stays in wasm memory for backward, first in the scope so that keep() finds it in place
  const gradBlock = arena().scoped((ar) => {
    const gb = wantGrad ? ar.zeroBlock(T, B, C) : null;
    const pg = gb ? gb.ptr : 0;
    const plp = ar.put(lpd);
    const bad = k.ctc_check_input(plp, lpd.length);
    if (bad >= 0) throw new Error(`${op}: logProbs contains ${lpd[bad]} at flat index ${bad}`);
    // every sequence gets its own work block and label row, so a second thread can take half
    const workSize = k.ctc_work_size(T, C, Math.max(...tl));
    const stride = Math.max(...tl, 1);
    const work = ar.alloc(B * workSize);
    const rows = new Int32Array(B * stride);
    labels.forEach((l, b) => rows.set(l, b * stride));
    const plab = ar.putInts(rows);
    const params = ar.putInts([workSize, stride, B, C, blank, wantGrad ? 1 : 0, ...il, ...tl]);
    const pnll = ar.alloc(B);
    k.ctc_loss_batch(pnll, pg, work, plp, plab, params, 0, B);
    ar.readInto(pnll, nll);
    return gb;
  });
  const per = new Float32Array(B);
  const live = new Float32Array(B); // gradient weight of each sequence before the output gradient
  for (let b = 0; b < B; b++) {
    let v = nll[b];
    let w = 1;
    if (v === Infinity && zeroInfinity) {
      v = 0;
      w = 0;
    }
    if (reduction === 'mean') {
      v /= Math.max(tl[b], 1);
      w /= Math.max(tl[b], 1) * B;
    }
    per[b] = v;
    live[b] = nll[b] === Infinity ? 0 : w;
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(per, [B]);
  else {
    let s = 0;
    for (let b = 0; b < B; b++) s += per[b];
    out = new Tensor(new Float32Array([reduction === 'mean' ? s / B : s]), []);
  }
  if (gradBlock) {
    let kept: KeptBlocks | null = null;
    const backward = ([g]: (Float32Array | null)[]) => {
      const scale = live.map((w, b) => w * (reduction === 'none' ? g![b] : g![0]));
      try {
        return [
          arena().scoped((ar) => {
            // scaled in place: the graph is freed after one backward
            const d = ar.restore(kept!.blocks[0]).ptr;
            k.ctc_scale_grad(d, d, ar.put(scale), ar.putInts(il), T, B, C);
            return ar.read(d, T * B * C);
          }),
        ];
      } finally {
        kept!.release();
      }
    };
    kept = arena().keep([gradBlock], backward);
    record(op, [logProbs], [out], backward);
  }
  return out;
}
