// Attention: a query reads a weighted average of values, the weights a softmax of scores between
// the query and each key (the founding notes' attention-based model: the recurrent net as a CPU
// reading a memory). Scores: 'dot' qᵀk (Luong), 'general' qᵀWk (Luong), 'additive'
// vᵀtanh(W_q q + W_k k) (Bahdanau). Masked keys get exactly zero weight; a query whose keys are
// all masked gets zero weights and a zero context.
import { type Tensor, fmtShape } from '../tensor.js';
import { Module } from './module.js';
import { isGradEnabled, isLive } from '../tape.js';
import { uniformParam } from './init.js';
import { additiveAttention, dotAttention } from '../ops/attention.js';
import { linear } from '../ops/linear.js';
import { reshape } from '../ops/shape.js';
import { checkTensor, flatMask } from '../ops/util.js';
import { SIZE, any, numbers, oneOf, readOptions } from '../options.js';

const MASK_SCHEMA = { mask: any, lengths: numbers() };

/** Options of {@link Attention}. */
export interface AttentionOptions {
  kind: 'dot' | 'general' | 'additive';
  /** Size of the query (needed by 'general' and 'additive'; 'dot' needs query and key sizes equal). */
  querySize?: number;
  /** Size of the keys. */
  keySize?: number;
  /** Width of the additive scorer (default keySize). */
  hiddenSize?: number;
}

/** Where attention may look: a [B,Tk] 0/1 mask, or the number of valid keys per batch entry. */
export interface AttentionMaskOptions {
  mask?: Tensor | ArrayLike<number> | number[][] | null;
  lengths?: ArrayLike<number> | null;
}

/** Attention weights and the context they read. */
export interface AttentionResult {
  /** [B,Hv] for a [B,Hq] query, [B,Tq,Hv] for [B,Tq,Hq]. */
  context: Tensor;
  /** [B,Tk] or [B,Tq,Tk]; each row sums to 1 over unmasked keys. */
  weights: Tensor;
}

/** Luong dot / general and Bahdanau additive attention. */
export class Attention extends Module {
  readonly kind: 'dot' | 'general' | 'additive';
  readonly querySize: number;
  readonly keySize: number;
  readonly hiddenSize: number;
  readonly weight: Tensor | null; // general: [Hk, Hq]
  readonly weightQuery: Tensor | null; // additive: [A, Hq]
  readonly weightKey: Tensor | null; // additive: [A, Hk]
  readonly v: Tensor | null; // additive: [1, A]
  // additive: the keys' projection ka = k·W_kᵀ, made once while a decoder attends the same
  // unchanged keys step after step (one tape node whose gradient sums every step's), as
  // TensorFlow's BahdanauAttention keeps its "processed memory"
  private keyProjection: { keys: Tensor; versions: [number, number]; grad: boolean; ka: Tensor } | null = null;

  constructor(options: AttentionOptions) {
    super();
    const o = readOptions<AttentionOptions>(
      'Attention',
      'options',
      options,
      { kind: oneOf('dot', 'general', 'additive'), querySize: SIZE, keySize: SIZE, hiddenSize: SIZE },
      ['kind'],
    );
    const kind = o.kind!;
    this.kind = kind;
    this.querySize = o.querySize ?? o.keySize ?? 0;
    this.keySize = o.keySize ?? o.querySize ?? 0;
    this.hiddenSize = o.hiddenSize ?? this.keySize;
    if (kind !== 'dot' && (this.querySize === 0 || this.keySize === 0)) {
      throw new Error(`Attention: '${kind}' needs querySize or keySize (a positive integer), got neither`);
    }
    this.weight =
      kind === 'general'
        ? this.registerParameter('weight', uniformParam([this.keySize, this.querySize], 1 / Math.sqrt(this.querySize)))
        : null;
    if (kind === 'additive') {
      const A = this.hiddenSize;
      this.weightQuery = this.registerParameter('weight_query', uniformParam([A, this.querySize], 1 / Math.sqrt(this.querySize)));
      this.weightKey = this.registerParameter('weight_key', uniformParam([A, this.keySize], 1 / Math.sqrt(this.keySize)));
      this.v = this.registerParameter('v', uniformParam([1, A], 1 / Math.sqrt(A)));
    } else {
      this.weightQuery = this.weightKey = this.v = null;
    }
  }

  override config(): Record<string, unknown> {
    return { kind: this.kind, querySize: this.querySize, keySize: this.keySize, hiddenSize: this.hiddenSize };
  }

  private projectKeys(keys: Tensor): Tensor {
    const w = this.weightKey!;
    const grad = isGradEnabled() && (keys.requiresGrad || w.requiresGrad);
    const c = this.keyProjection;
    if (
      c &&
      c.keys === keys &&
      c.versions[0] === keys.version &&
      c.versions[1] === w.version &&
      c.grad === grad &&
      !(grad && c.ka.requiresGrad && !isLive(c.ka)) // not after a backward() through it
    )
      return c.ka;
    const ka = linear(keys, w);
    this.keyProjection = { keys, versions: [keys.version, w.version], grad, ka };
    return ka;
  }

  /** query [B,Hq] or [B,Tq,Hq]; keys [B,Tk,Hk]; values [B,Tk,Hv] (default: the keys). */
  forward(query: Tensor, keys: Tensor, values: Tensor | null = null, options: AttentionMaskOptions = {}): AttentionResult {
    const op = 'Attention';
    const o = readOptions<AttentionMaskOptions>(op, 'options', options, MASK_SCHEMA);
    checkTensor(query, op, 'query');
    checkTensor(keys, op, 'keys');
    const vals = values ?? keys;
    checkTensor(vals, op, 'values');
    if (keys.ndim !== 3) throw new Error(`${op}: keys must be [B,Tk,Hk], got ${fmtShape(keys.shape)}`);
    const [B, Tk, Hk] = keys.shape;
    if (vals.ndim !== 3 || vals.shape[0] !== B || vals.shape[1] !== Tk)
      throw new Error(`${op}: values must be [${B},${Tk},Hv], got ${fmtShape(vals.shape)}`);
    const single = query.ndim === 2;
    if ((query.ndim !== 2 && query.ndim !== 3) || query.shape[0] !== B)
      throw new Error(`${op}: query must be [${B},Hq] or [${B},Tq,Hq], got ${fmtShape(query.shape)}`);
    const q = single ? reshape(query, [B, 1, query.shape[1]]) : query; // [B,Tq,Hq]
    const Hq = q.shape[2];
    if (this.kind === 'dot' && Hq !== Hk) throw new Error(`${op}: 'dot' needs query and key sizes equal, got ${Hq} and ${Hk}`);
    if (this.kind !== 'dot' && (Hq !== this.querySize || Hk !== this.keySize)) {
      throw new Error(
        `${op}: query must end in ${this.querySize} and keys in ${this.keySize}, got ${fmtShape(query.shape)} and ${fmtShape(keys.shape)}`,
      );
    }
    const mask = keyMask(o, B, Tk, op);
    // dot and general (dot with W·k, i.e. with q·W for the query), and additive (Bahdanau), whose
    // two projections are linear ops: the scores, the softmax and the read are one fused op
    const r =
      this.kind === 'additive'
        ? additiveAttention(linear(q, this.weightQuery!), this.projectKeys(keys), this.v!, vals, mask)
        : dotAttention(this.kind === 'dot' ? q : linear(q, this.weight!), keys, vals, mask);
    return single ? { context: reshape(r.context, [B, vals.shape[2]]), weights: reshape(r.weights, [B, Tk]) } : r;
  }
}

/** An additive mask (0 where visible, -Infinity where masked), or null for none. @internal */
export function keyMask(options: AttentionMaskOptions, B: number, Tk: number, op: string): Float32Array | null {
  const { mask = null, lengths = null } = options ?? {};
  if (mask === null && lengths === null) return null;
  const out = new Float32Array(B * Tk);
  if (lengths !== null) {
    if (lengths.length !== B) throw new Error(`${op}: lengths must have ${B} entries, got ${lengths.length}`);
    for (let b = 0; b < B; b++) {
      const l = lengths[b];
      if (!Number.isInteger(l) || l < 0 || l > Tk) throw new Error(`${op}: lengths[${b}] must be an integer in 0..${Tk}, got ${l}`);
      out.fill(-Infinity, b * Tk + l, (b + 1) * Tk);
    }
  }
  if (mask !== null) {
    const m = flatMask(mask);
    if (m.length !== B * Tk) throw new Error(`${op}: mask must be [${B},${Tk}] (${B * Tk} entries), got ${m.length}`);
    for (let i = 0; i < m.length; i++) {
      if (m[i] !== 0 && m[i] !== 1) throw new Error(`${op}: mask[${i}] must be 0 or 1, got ${m[i]}`);
      if (m[i] === 0) out[i] = -Infinity;
    }
  }
  return out;
}
