// Gradient clipping, the founding notes' remedy for the cliffs of an RNN's error surface.
// By norm: the total 2-norm over all gradients (sum_squares in wasm), then one scale_forward per
// gradient when it exceeds maxNorm. By value: clip_value on each gradient.
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
  const grads = uniqueParams(params, 'clipGradNorm')
    .filter((p) => p.grad)
    .map((p) => p.grad!.data);
  let sq = 0;
  for (const g of grads) sq += ar.scoped((a) => k.sum_squares(a.put(g), g.length));
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm)) {
    if (o.errorIfNonfinite ?? true) {
      throw new Error(`clipGradNorm: the total gradient norm is ${norm}; pass { errorIfNonfinite: false } to skip clipping`);
    }
    return norm;
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const g of grads) {
      ar.scoped((a) => {
        const p = a.put(g);
        k.scale_forward(p, p, coef, g.length);
        a.readInto(p, g);
      });
    }
  }
  return norm;
}

/** Clamps every gradient element into [-clipValue, clipValue] (PyTorch's clip_grad_value_). */
export function clipGradValue(params: Tensor[], clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new Error(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}`);
  const k = kernels();
  for (const p of uniqueParams(params, 'clipGradValue')) {
    if (!p.grad) continue;
    const g = p.grad.data;
    arena().scoped((a) => {
      const q = a.put(g);
      k.clip_value(q, -clipValue, clipValue, g.length);
      a.readInto(q, g);
    });
  }
}
