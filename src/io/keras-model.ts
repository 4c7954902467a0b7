// KerasModel: a Keras / tfjs layer stack run with Keras' semantics on our modules. What differs
// from Sequential: a recurrent layer returns its last output unless it has return_sequences; a
// mask (from Masking or Embedding(mask_zero)) becomes per-sequence lengths for every recurrent
// layer after it, and at masked steps a forward recurrent output repeats the last valid one, as
// Keras carries the state over (the backward half of a Bidirectional is 0 there, as in Keras).
// Masks must mark right padding (masked steps only at the end of a sequence).
import { Module } from '../nn/module.js';
import { Tensor, fmtShape } from '../tensor.js';
import type { Bidirectional } from '../nn/bidirectional.js';
import type { RecurrentBase, RecurrentOutput } from '../nn/recurrent.js';
import type { Embedding } from '../nn/embedding.js';
import { add, mul, sub } from '../ops/arithmetic.js';
import { concat, reshape, select } from '../ops/shape.js';
import { reverseSequences } from '../ops/reverse.js';
import { flattenIds, type Ids } from '../ops/embedding.js';

/** One layer of the stack and how Keras applies it. @internal */
export type KerasStage =
  | { kind: 'mask'; name: string; maskValue: number }
  | { kind: 'embedding'; name: string; module: Embedding; maskZero: boolean }
  | { kind: 'recurrent'; name: string; module: RecurrentBase<unknown>; returnSequences: boolean }
  | { kind: 'bidirectional'; name: string; module: Bidirectional; returnSequences: boolean }
  | { kind: 'layer'; name: string; module: Module };

/** Lengths of right-padded sequences from a per-step mask [B,T] (1 = kept). */
function lengthsOf(mask: ArrayLike<number>, B: number, T: number, layer: string): number[] {
  const lens: number[] = [];
  for (let b = 0; b < B; b++) {
    let len = 0;
    while (len < T && mask[b * T + len]) len++;
    for (let t = len; t < T; t++) {
      if (mask[b * T + t]) {
        throw new Error(
          `KerasModel.forward: the mask of '${layer}' keeps step ${t} of sequence ${b} after masking step ${len}; only right padding (masked steps at the end) is supported`,
        );
      }
    }
    if (len === 0) throw new Error(`KerasModel.forward: '${layer}' masks every step of sequence ${b}`);
    lens.push(len);
  }
  return lens;
}

/** [B,T,1]: 1 up to each length, 0 after. */
function validSteps(lengths: readonly number[], T: number): Tensor {
  const B = lengths.length;
  const m = new Float32Array(B * T);
  lengths.forEach((len, b) => m.fill(1, b * T, b * T + len));
  return new Tensor(m, [B, T, 1]);
}

/** Keras' output at masked steps: the last valid output carried over (forward direction). */
function carryLast(out: Tensor, last: Tensor, valid: Tensor): Tensor {
  const [B, , H] = out.shape;
  return add(mul(out, valid), mul(reshape(last, [B, 1, H]), sub(1, valid)));
}

/** A Keras LayersModel as a Module; built by {@link fromKeras}. Parameters are named `layer.param`. */
export class KerasModel extends Module {
  /** The layers, in order. @internal */
  readonly stages: readonly KerasStage[];

  /** @internal use {@link fromKeras}. */
  constructor(stages: KerasStage[]) {
    super();
    this.stages = stages;
    for (const s of stages) if (s.kind !== 'mask') this.registerModule(s.name, s.module);
  }

  /** @internal */
  override outputShape(): string {
    const last = this.stages[this.stages.length - 1];
    return last && last.kind !== 'mask' ? last.module.outputShape() : '?';
  }

  /**
   * x: [B, T, F] floats, or token ids [B, T] when the model starts with an Embedding (a Tensor of
   * ids, nested arrays, or a flat Int32Array with the shape as second argument). Returns what
   * tfjs' `model.predict` returns.
   */
  forward(x: Tensor | Ids, shape?: readonly number[]): Tensor {
    let cur: Tensor | Ids = x;
    let lengths: number[] | null = null;
    for (const s of this.stages) {
      if (s.kind === 'embedding') {
        const y: Tensor = s.module.forward(cur as Ids, Array.isArray(shape) ? shape : undefined);
        if (s.maskZero) {
          const [B, T] = y.shape;
          // the ids the Embedding just accepted (so they are in range)
          const ids = flattenIds(cur as Ids, s.module.numEmbeddings, 'KerasModel.forward', 'x').flat;
          lengths = lengthsOf(
            Array.from(ids, (v) => (v !== 0 ? 1 : 0)),
            B,
            T,
            s.name,
          );
        }
        cur = y;
        continue;
      }
      const t = cur as Tensor;
      if (!(t instanceof Tensor)) throw new Error(`KerasModel.forward: x must be a Tensor for '${s.name}', got ${typeof t}`);
      if (s.kind === 'mask') {
        if (t.ndim !== 3) throw new Error(`KerasModel.forward: '${s.name}' (Masking) needs x [B, T, F], got ${fmtShape(t.shape)}`);
        const [B, T, F] = t.shape;
        const d = t.data;
        const keep = Array.from({ length: B * T }, (_, i) => {
          for (let f = 0; f < F; f++) if (d[i * F + f] !== s.maskValue) return 1;
          return 0;
        });
        lengths = lengthsOf(keep, B, T, s.name);
        cur = mul(t, new Tensor(Float32Array.from(keep), [B, T, 1]));
      } else if (s.kind === 'recurrent') {
        cur = this.recurrent(s.module, t, lengths, s.returnSequences);
        if (!s.returnSequences) lengths = null;
      } else if (s.kind === 'bidirectional') {
        cur = this.bidirectional(s.module, t, lengths, s.returnSequences);
        if (!s.returnSequences) lengths = null;
      } else {
        cur = (s.module.forward as (x: Tensor) => Tensor)(t);
      }
    }
    if (!(cur instanceof Tensor)) throw new Error('KerasModel.forward: the model has no layer after its input');
    return cur;
  }

  private recurrent(m: RecurrentBase<unknown>, x: Tensor, lengths: number[] | null, seq: boolean): Tensor {
    const r: RecurrentOutput = m.forward(x, { lengths });
    const last = finalState(r.hN);
    if (!seq) return last;
    return lengths ? carryLast(r.output, last, validSteps(lengths, x.shape[1])) : r.output;
  }

  private bidirectional(m: Bidirectional, x: Tensor, lengths: number[] | null, seq: boolean): Tensor {
    const f = m.forwardLayer.forward(x, { lengths });
    const b = m.backwardLayer.forward(reverseSequences(x, lengths, true), { lengths });
    let fo: Tensor;
    let bo: Tensor;
    if (seq) {
      fo = lengths ? carryLast(f.output, finalState(f.hN), validSteps(lengths, x.shape[1])) : f.output;
      bo = reverseSequences(b.output, lengths, true);
    } else {
      fo = finalState(f.hN);
      bo = finalState(b.hN);
    }
    switch (m.mergeMode) {
      case 'concat':
        return concat([fo, bo], -1);
      case 'sum':
        return add(fo, bo);
      case 'mul':
        return mul(fo, bo);
      default:
        return mul(add(fo, bo), 0.5);
    }
  }
}

/** The last layer's final state as [B, H] (differentiable); a Keras layer has one layer, one direction. */
function finalState(hN: Tensor): Tensor {
  const [LD, B, H] = hN.shape;
  return LD === 1 ? reshape(hN, [B, H]) : select(hN, 0, LD - 1);
}
