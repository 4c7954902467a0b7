// Cross-entropy from logits at every time step (the founding notes' loss): logits [B,T,C] or
// [B,C], integer targets; log-softmax and the negative log-likelihood fused in one tape node,
// max-subtracted so no logit overflows. `mask` [B,T] (0/1) and `ignoreIndex` exclude positions;
// 'mean' divides by the number of included positions; with none included the loss is 0 and the
// gradient zero. Backward: (softmax - onehot) · g / N on included rows.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { checkFinite, checkTensor, flatMask } from '../ops/util.js';
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
  let flat: ArrayLike<number>;
  if (targets instanceof Tensor) flat = targets.data;
  else if (Array.isArray(targets) && targets.length > 0 && Array.isArray(targets[0])) flat = (targets as number[][]).flat();
  else if (Array.isArray(targets) || ArrayBuffer.isView(targets)) flat = targets as ArrayLike<number>;
  else throw new Error(`${op}: targets must be an Int32Array, number[] or number[][], got ${targets === null ? 'null' : typeof targets}`);
  if (flat.length !== n) throw new Error(`${op}: targets must hold ${n} class indices (one per position), got ${flat.length}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = flat[i];
    if (!Number.isInteger(v)) throw new Error(`${op}: targets[${i}] must be an integer, got ${v}`);
    out[i] = v;
  }
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
  checkFinite(logits.data, op, 'logits');
  const tg = flatTargets(targets, N, op);
  const include = new Uint8Array(N).fill(1);
  if (mask !== null) {
    const m = flatMask(mask);
    if (m.length !== N)
      throw new Error(`${op}: mask must have ${N} entries (shape ${fmtShape(logits.shape.slice(0, -1))}), got ${m.length}`);
    for (let i = 0; i < N; i++) {
      if (m[i] !== 0 && m[i] !== 1) throw new Error(`${op}: mask[${i}] must be 0 or 1, got ${m[i]}`);
      include[i] = m[i];
    }
  }
  let count = 0;
  for (let i = 0; i < N; i++) {
    if (tg[i] === ignoreIndex) include[i] = 0;
    else if (include[i] && (tg[i] < 0 || tg[i] >= C)) {
      throw new Error(`${op}: targets[${i}] must be in [0, ${C - 1}] (or ignoreIndex ${ignoreIndex}), got ${tg[i]}`);
    }
    count += include[i];
  }
  const k = kernels();
  const logp = arena().scoped((ar) => {
    const p = ar.put(logits.data);
    k.log_softmax_forward(p, p, N, C);
    return ar.read(p, N * C);
  });
  const eps = labelSmoothing;
  const perRow = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (!include[i]) continue;
    let l = -(1 - eps) * logp[i * C + tg[i]];
    if (eps > 0) {
      let s = 0;
      for (let c = 0; c < C; c++) s += logp[i * C + c];
      l -= (eps / C) * s;
    }
    perRow[i] = l;
  }
  let out: Tensor;
  const denom = reduction === 'mean' ? Math.max(count, 1) : 1;
  if (reduction === 'none') {
    out = new Tensor(perRow, logits.shape.slice(0, -1));
  } else {
    let s = 0;
    for (let i = 0; i < N; i++) s += perRow[i];
    out = new Tensor(new Float32Array([count === 0 ? 0 : s / denom]), []);
  }
  if (needsGrad(logits)) {
    record(op, [logits], [out], ([g]) => {
      const d = new Float32Array(N * C);
      const p = arena().scoped((ar) => {
        const q = ar.put(logp);
        k.exp_forward(q, q, N * C);
        return ar.read(q, N * C);
      });
      for (let i = 0; i < N; i++) {
        if (!include[i]) continue;
        const gi = (reduction === 'none' ? g![i] : g![0]) / denom;
        for (let c = 0; c < C; c++) d[i * C + c] = (p[i * C + c] - eps / C) * gi;
        d[i * C + tg[i]] -= (1 - eps) * gi;
      }
      return [d];
    });
  }
  return out;
}
