// Cross-entropy from logits at every time step (the founding notes' loss): logits [B,T,C] or
// [B,C], integer targets; log-softmax and the negative log-likelihood fused in one tape node,
// max-subtracted so no logit overflows. `mask` [B,T] (0/1) and `ignoreIndex` exclude positions;
// 'mean' divides by the number of included positions; with none included the loss is 0 and the
// gradient zero. Backward: (softmax - onehot) · g / N on included rows.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { checkTensor, flatMask } from '../ops/util.js';
import type { KeptBlocks } from '../backend/heap.js';
import { REDUCTION, type Reduction } from './reduction.js';
import { any, int, num, readOptions } from '../options.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** [B,T] of 0/1 (Tensor, flat array or number[][]): positions with 0 are excluded. */
  mask?: Tensor | ArrayLike<number> | number[][] | null;
  reduction?: Reduction;
  /** Targets equal to this are excluded (default -100, as PyTorch). */
  ignoreIndex?: number;
  /** Label smoothing ε in [0, 1): the target distribution is (1-ε)·onehot + ε/C (as PyTorch). */
  labelSmoothing?: number;
}

/** Flattens integer targets given as number[][], number[], Int32Array or a Tensor. @internal */
export function flatTargets(targets: unknown, n: number, op: string): Int32Array {
  const out = new Int32Array(n);
  const put = (i: number, v: unknown) => {
    if (!Number.isInteger(v)) throw new Error(`${op}: targets[${i}] must be an integer, got ${v}`);
    out[i] = v as number;
  };
  const count = (m: number) => {
    if (m !== n) throw new Error(`${op}: targets must hold ${n} class indices (one per position), got ${m}`);
  };
  if (Array.isArray(targets) && targets.length > 0 && Array.isArray(targets[0])) {
    // number[][], read row by row (as .flat() would lay it out, without building the flat copy)
    const rows = targets as unknown[];
    count(rows.reduce<number>((m, r) => m + (Array.isArray(r) ? r.length : 1), 0));
    let i = 0;
    for (const r of rows) {
      if (Array.isArray(r)) for (const v of r) put(i++, v);
      else put(i++, r);
    }
    return out;
  }
  let flat: ArrayLike<number>;
  if (targets instanceof Tensor) flat = targets.peek();
  else if (Array.isArray(targets) || ArrayBuffer.isView(targets)) flat = targets as ArrayLike<number>;
  else throw new Error(`${op}: targets must be an Int32Array, number[] or number[][], got ${targets === null ? 'null' : typeof targets}`);
  count(flat.length);
  for (let i = 0; i < n; i++) put(i, flat[i]);
  return out;
}

/**
 * Cross-entropy between logits ([B,C] or [B,T,C]) and integer class targets, with `mask`,
 * `ignoreIndex` (default -100) and `labelSmoothing`, as PyTorch's F.cross_entropy.
 * @example
 * ```ts
 * const loss = rnn.crossEntropy(logits, targets, { ignoreIndex: -100 }); // [B,T,C] logits, B·T targets
 * loss.backward();
 * ```
 */
export function crossEntropy(
  logits: Tensor,
  targets: Int32Array | number[] | number[][] | Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const op = 'crossEntropy';
  checkTensor(logits, op, 'logits');
  if (logits.ndim !== 2 && logits.ndim !== 3) throw new Error(`${op}: logits must be [B,C] or [B,T,C], got ${fmtShape(logits.shape)}`);
  const o = readOptions<CrossEntropyOptions>(op, 'options', options, {
    mask: any,
    reduction: REDUCTION,
    ignoreIndex: int(),
    labelSmoothing: num(0, 1, { maxOpen: true }),
  });
  const { mask = null, ignoreIndex = -100, labelSmoothing = 0 } = o;
  const reduction: Reduction = o.reduction ?? 'mean';
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
  const C = logits.shape[logits.ndim - 1];
  const N = logits.size / C;
  const x = logits.peek();
  // each row's class, made -1 below where the row is left out (masked, or its target is ignoreIndex)
  const rowClass = flatTargets(targets, N, op);
  let include: ArrayLike<number> | null = null;
  if (mask !== null) {
    const m = flatMask(mask);
    if (m.length !== N)
      throw new Error(`${op}: mask must have ${N} entries (shape ${fmtShape(logits.shape.slice(0, -1))}), got ${m.length}`);
    for (let i = 0; i < N; i++) {
      if (m[i] !== 0 && m[i] !== 1) throw new Error(`${op}: mask[${i}] must be 0 or 1, got ${m[i]}`);
    }
    include = m;
  }
  let count = 0;
  for (let i = 0; i < N; i++) {
    if (rowClass[i] === ignoreIndex || (include !== null && include[i] === 0)) {
      rowClass[i] = -1;
      continue;
    }
    if (rowClass[i] < 0 || rowClass[i] >= C) {
      throw new Error(`${op}: targets[${i}] must be in [0, ${C - 1}] (or ignoreIndex ${ignoreIndex}), got ${rowClass[i]}`);
    }
    count++;
  }
  const k = kernels();
  const wantGrad = needsGrad(logits);
  const perRow = new Float32Array(N);
  // log-softmax and each row's loss in wasm (shared by rows on threads); the log-probabilities stay
  // there for backward, first in the scope so that keep() finds them in place
  const logpBlock = arena().scoped((ar) => {
    const logp = ar.block(N, C);
    const px = ar.put(x);
    const bad = k.first_nonfinite(px, x.length);
    if (bad >= 0) throw new Error(`${op}: logits contains ${x[bad]} at flat index ${bad}`);
    const pl = ar.alloc(N);
    k.cross_entropy_forward(logp.ptr, pl, px, ar.putInts(rowClass), ar.put([labelSmoothing]), C, 0, N);
    ar.readInto(pl, perRow);
    return wantGrad ? logp : null;
  });
  let out: Tensor;
  const denom = reduction === 'mean' ? Math.max(count, 1) : 1;
  if (reduction === 'none') {
    out = new Tensor(perRow, logits.shape.slice(0, -1));
  } else {
    let s = 0;
    for (let i = 0; i < N; i++) s += perRow[i];
    out = new Tensor(new Float32Array([count === 0 ? 0 : s / denom]), []);
  }
  if (logpBlock) {
    let kept: KeptBlocks | null = null;
    const backward = ([g]: (Float32Array | null)[]) => {
      const scale = new Float32Array(N);
      for (let i = 0; i < N; i++) if (rowClass[i] >= 0) scale[i] = (reduction === 'none' ? g![i] : g![0]) / denom;
      try {
        return [
          arena().scoped((ar) => {
            const d = ar.alloc(N * C);
            const lp = ar.restore(kept!.blocks[0]).ptr;
            k.cross_entropy_backward(d, lp, ar.putInts(rowClass), ar.put(scale), ar.put([labelSmoothing]), C, 0, N);
            return ar.read(d, N * C);
          }),
        ];
      } finally {
        kept!.release(); // the graph is freed after one backward
      }
    };
    kept = arena().keep([logpBlock], backward);
    record(op, [logits], [out], backward);
  }
  return out;
}
