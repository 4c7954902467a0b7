// Turns a list of variable-length samples into padded batch tensors with lengths, and the
// per-sample targets into what the loss needs (padded class ids, padded vectors, a mask).
import { type Tensor, tensor } from '../tensor.js';

/** One input sequence: feature vectors (number[][], T×F) or token ids (number[], T). */
export type Sample = number[][] | number[] | Float32Array[];
/**
 * A target: a class id (many-to-one classification), per-step class ids (many-to-many), a vector
 * (many-to-one regression) or per-step vectors (many-to-many regression).
 */
export type Target = number | number[] | number[][];

/** A padded batch. */
export interface Batch {
  /** [B, Tmax, F] features, or [B, Tmax] ids (float-valued) for id sequences. */
  x: Tensor;
  lengths: Int32Array;
  targets: Target[];
  indices: number[];
  /** The entry point building it (fit, evaluate, predict), for error messages. */
  op?: string;
}

/** Pads samples[indices] into one batch. @internal */
export function makeBatch(inputs: Sample[], targets: Target[], indices: number[], op: string): Batch {
  const B = indices.length;
  const lengths = new Int32Array(B);
  let T = 0;
  indices.forEach((i, b) => {
    const s = inputs[i];
    if (!Array.isArray(s) || s.length === 0)
      throw new Error(`${op}: inputs[${i}] must be a non-empty array (a sequence), got ${Array.isArray(s) ? 'an empty array' : typeof s}`);
    lengths[b] = s.length;
    T = Math.max(T, s.length);
  });
  const first = inputs[indices[0]];
  const ids = typeof first[0] === 'number';
  let x: Tensor;
  if (ids) {
    const d = new Float32Array(B * T);
    indices.forEach((i, b) => {
      const s = inputs[i] as number[];
      if (typeof s[0] !== 'number') throw new Error(`${op}: inputs[${i}] mixes id sequences and feature sequences`);
      for (let t = 0; t < s.length; t++) d[b * T + t] = s[t];
    });
    x = tensor(d, [B, T]);
  } else {
    const F = (first[0] as ArrayLike<number>).length;
    const d = new Float32Array(B * T * F);
    indices.forEach((i, b) => {
      const s = inputs[i] as ArrayLike<number>[];
      s.forEach((v, t) => {
        if (!v || v.length !== F)
          throw new Error(
            `${op}: inputs[${i}][${t}] must have ${F} features like inputs[${indices[0]}][0], got ${v ? v.length : typeof v}`,
          );
        d.set(v, (b * T + t) * F);
      });
    });
    x = tensor(d, [B, T, F]);
  }
  return { x, lengths, targets: indices.map((i) => targets[i]), indices, op };
}
