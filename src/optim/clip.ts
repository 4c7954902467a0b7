// Gradient clipping, the founding notes' remedy for the cliffs of an RNN's error surface.
// By norm: the total 2-norm over all gradients (sum_squares in wasm), then one scale_forward per
// gradient when it exceeds maxNorm. By value: clip_value on each gradient. Gradients kept in wasm
// memory (Tensor._gradResident) are read and clipped there, in place.
import { Tensor } from '../tensor.js';
import { bool, readOptions } from '../options.js';
import { arena, kernels } from '../backend/wasm.js';

/** The parameters, each once (a tensor listed twice is clipped once), checked to be Tensors. */
function uniqueParams(params: Tensor[], op: string): Tensor[] {
  if (!Array.isArray(params)) throw new Error(`${op}: params must be an array of Tensors (model.parameters()), got ${typeof params}`);
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${op}: params[${i}] must be a Tensor, got ${p === null ? 'null' : typeof p}`);
  });
  return [...new Set(params)];
}

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (default true); false: leave the gradients and return it. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so their total 2-norm is at most maxNorm (PyTorch's
 * clip_grad_norm_, factor maxNorm / (norm + 1e-6)). Returns the total norm before clipping.
 */
export function clipGradNorm(params: Tensor[], maxNorm: number, options: ClipGradNormOptions = {}): number {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be a number > 0, got ${maxNorm}`);
  const o = readOptions<ClipGradNormOptions>('clipGradNorm', 'options', options, { errorIfNonfinite: bool });
  const k = kernels();
  const ar = arena();
  const withGrad = uniqueParams(params, 'clipGradNorm').filter((p) => p._gradInside);
  let sq = 0;
  for (const p of withGrad) {
    const ptr = p._gradResident(ar);
    const n = p._gradInside!.size;
    sq += ptr ? k.sum_squares(ptr, n) : ar.scoped((a) => k.sum_squares(a.put(p._gradInside!.peek()), n));
  }
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm)) {
    if (o.errorIfNonfinite ?? true) {
      throw new Error(`clipGradNorm: the total gradient norm is ${norm}; pass { errorIfNonfinite: false } to skip clipping`);
    }
    return norm;
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const p of withGrad) inPlace(p, (ptr, n) => k.scale_forward(ptr, ptr, coef, n));
  return norm;
}

// runs `edit` on the n floats of p's gradient in wasm memory: its resident copy, or a scratch copy read back
function inPlace(p: Tensor, edit: (ptr: number, n: number) => void): void {
  const ar = arena();
  const ptr = p._gradResident(ar, true);
  const g = p._gradInside!;
  if (ptr) edit(ptr, g.size);
  else {
    const data = g.data;
    ar.scoped((a) => {
      const q = a.put(data);
      edit(q, data.length);
      a.readInto(q, data);
    });
  }
}

/** Clamps every gradient element into [-clipValue, clipValue] (PyTorch's clip_grad_value_). */
export function clipGradValue(params: Tensor[], clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new Error(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}`);
  const k = kernels();
  for (const p of uniqueParams(params, 'clipGradValue')) {
    if (p._gradInside) inPlace(p, (ptr, n) => k.clip_value(ptr, -clipValue, clipValue, n));
  }
}
