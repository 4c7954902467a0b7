// Sequence to sequence (Sutskever et al. 2014) with optional attention (Luong et al. 2015):
// an encoder (RNN, LSTM or GRU; stacked, bidirectional) reads the source; its final state,
// bridged through a Linear + tanh, starts a decoder cell (LSTMCell or GRUCell) stepped over the
// target. With attention, each decoder state queries the encoder outputs, and the attentional
// state h̃ = tanh(W_c[h; context]) both predicts the next token and is fed to the next step
// (input feeding). Training: teacher forcing with a seeded ratio. Inference: greedy decoding and
// beam search with length normalisation, both returning the attention weights.
// Token ids: pad (default 0), bos (1), eos (2) are reserved in both vocabularies.
import { type Tensor, fmtShape, tensor, zeros } from '../tensor.js';
import { checkTensor } from '../ops/util.js';
import { noGrad } from '../tape.js';
import { Module } from './module.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { RNN } from './rnn.js';
import { LSTM } from './lstm.js';
import { GRU } from './gru.js';
import { LSTMCell, GRUCell } from './cells.js';
import { Attention } from './attention.js';
import { concat, permute, reshape, slice, stack } from '../ops/shape.js';
import { SIZE, bool, int, num, numbers, oneOf, readOptions, type Schema } from '../options.js';
import { tanh } from '../ops/activations.js';
import { logSoftmax } from '../ops/softmax.js';
import { crossEntropy } from '../losses/cross-entropy.js';
import { random } from '../random.js';

const SEQ2SEQ_SCHEMA: Schema = {
  srcVocab: SIZE,
  tgtVocab: SIZE,
  embeddingDim: SIZE,
  hiddenSize: SIZE,
  encoder: oneOf('lstm', 'gru', 'rnn'),
  encoderLayers: int(1, 1024),
  bidirectional: bool,
  decoder: oneOf('lstm', 'gru'),
  attention: oneOf('none', 'dot', 'general', 'additive'),
  pad: int(0),
  bos: int(0),
  eos: int(0),
};

/** The longest decoding greedy() and beamSearch() run (maxLength must not exceed it). */
export const MAX_DECODE_LENGTH = 100_000;

/** Options of {@link Seq2Seq}. */
export interface Seq2SeqOptions {
  srcVocab: number;
  tgtVocab: number;
  embeddingDim?: number;
  hiddenSize?: number;
  encoder?: 'lstm' | 'gru' | 'rnn';
  encoderLayers?: number;
  bidirectional?: boolean;
  decoder?: 'lstm' | 'gru';
  attention?: 'none' | 'dot' | 'general' | 'additive';
  pad?: number;
  bos?: number;
  eos?: number;
}

interface DecoderState {
  h: Tensor; // [B,Hd]
  c: Tensor | null; // LSTM only
  feed: Tensor | null; // attentional state of the previous step (input feeding)
}

interface Encoded {
  outputs: Tensor; // [B,Ts,C]
  lengths: number[];
  state: DecoderState;
}

/** The result of greedy decoding or beam search for one source sequence. */
export interface Decoded {
  tokens: number[];
  /** Attention weights, one row of source weights per emitted token (empty without attention). */
  attention: number[][];
  /** Log-probability of the tokens (and the end token). */
  logProb: number;
}

/** Checks token sequences (every id an integer in [0, vocab)), naming the sequence and position. */
function checkTokens(seqs: unknown, vocab: number, what: string, emptyOk = false): asserts seqs is number[][] {
  if (!Array.isArray(seqs) || seqs.length === 0) throw new Error(`Seq2Seq: ${what} must be a non-empty array of token arrays`);
  seqs.forEach((s, i) => {
    if (!Array.isArray(s) || (!emptyOk && s.length === 0)) throw new Error(`Seq2Seq: ${what}[${i}] must be a non-empty token array`);
    s.forEach((v, t) => {
      if (!Number.isInteger(v) || v < 0 || v >= vocab) {
        throw new Error(`Seq2Seq: ${what}[${i}][${t}] must be a token id in [0, ${vocab - 1}], got ${v}`);
      }
    });
  });
}

/** Token sequences (checked by checkTokens) padded into ids [B, Tmax], with their lengths. */
function padIds(seqs: number[][], pad: number): { ids: Tensor; lengths: number[] } {
  const lengths = seqs.map((s) => s.length);
  const T = Math.max(...lengths);
  const d = new Float32Array(seqs.length * T).fill(pad);
  seqs.forEach((s, b) => s.forEach((v, t) => (d[b * T + t] = v)));
  return { ids: tensor(d, [seqs.length, T]), lengths };
}

/** An encoder-decoder network over token sequences. */
export class Seq2Seq extends Module {
  readonly options: Required<Seq2SeqOptions>;
  readonly srcEmbedding: Embedding;
  readonly tgtEmbedding: Embedding;
  readonly encoder: RNN | LSTM | GRU;
  readonly bridgeH: Linear;
  readonly bridgeC: Linear | null;
  readonly decoder: LSTMCell | GRUCell;
  readonly attention: Attention | null;
  readonly combine: Linear | null;
  readonly out: Linear;

  constructor(options: Seq2SeqOptions) {
    super();
    const given = readOptions<Seq2SeqOptions>('Seq2Seq', 'options', options, SEQ2SEQ_SCHEMA, ['srcVocab', 'tgtVocab']);
    const o: Required<Seq2SeqOptions> = {
      embeddingDim: 32,
      hiddenSize: 64,
      encoder: 'lstm',
      encoderLayers: 1,
      bidirectional: false,
      attention: 'none',
      pad: 0,
      bos: 1,
      eos: 2,
      decoder: given.encoder === 'gru' || given.encoder === 'rnn' ? 'gru' : 'lstm',
      srcVocab: 0,
      tgtVocab: 0,
      ...given,
    };
    for (const k of ['pad', 'bos', 'eos'] as const) {
      if (o[k] >= Math.min(o.srcVocab, o.tgtVocab))
        throw new Error(`Seq2Seq: ${k} must be a token id below both vocabulary sizes, got ${o[k]}`);
    }
    this.options = o;
    const E = o.embeddingDim,
      H = o.hiddenSize,
      D = o.bidirectional ? 2 : 1;
    const C = D * H;
    this.srcEmbedding = this.registerModule('src_embedding', new Embedding({ numEmbeddings: o.srcVocab, embeddingDim: E }));
    const encOpts = { inputSize: E, hiddenSize: H, numLayers: o.encoderLayers, bidirectional: o.bidirectional };
    this.encoder = this.registerModule(
      'encoder',
      o.encoder === 'lstm' ? new LSTM(encOpts) : o.encoder === 'gru' ? new GRU(encOpts) : new RNN(encOpts),
    );
    this.bridgeH = this.registerModule('bridge_h', new Linear({ inFeatures: C, outFeatures: H }));
    this.bridgeC =
      o.encoder === 'lstm' && o.decoder === 'lstm' ? this.registerModule('bridge_c', new Linear({ inFeatures: C, outFeatures: H })) : null;
    this.tgtEmbedding = this.registerModule('tgt_embedding', new Embedding({ numEmbeddings: o.tgtVocab, embeddingDim: E }));
    const attn = o.attention !== 'none';
    const cellIn = E + (attn ? H : 0);
    this.decoder = this.registerModule(
      'decoder',
      o.decoder === 'lstm' ? new LSTMCell({ inputSize: cellIn, hiddenSize: H }) : new GRUCell({ inputSize: cellIn, hiddenSize: H }),
    );
    this.attention = attn
      ? this.registerModule('attention', new Attention({ kind: o.attention as 'dot', querySize: H, keySize: C, hiddenSize: H }))
      : null;
    if (attn && o.attention === 'dot' && C !== H)
      throw new Error(
        `Seq2Seq: 'dot' attention needs the encoder output size (${C}) equal to hiddenSize (${H}); use 'general' with a bidirectional encoder`,
      );
    this.combine = attn ? this.registerModule('combine', new Linear({ inFeatures: H + C, outFeatures: H })) : null;
    this.out = this.registerModule('out', new Linear({ inFeatures: H, outFeatures: o.tgtVocab }));
  }

  override config(): Record<string, unknown> {
    return { ...this.options };
  }

  /** Encodes padded source ids [B,Ts] with their lengths. */
  encode(src: Tensor, lengths: number[]): Encoded {
    const o = this.options;
    const B = src.shape[0];
    const D = o.bidirectional ? 2 : 1;
    const L = o.encoderLayers;
    const res = this.encoder.forward(this.srcEmbedding.forward(src), { lengths });
    // the last layer's final states, directions side by side: [B, D·H]
    const last = (s: Tensor) => reshape(permute(L === 1 ? s : slice(s, 0, (L - 1) * D, L * D), [1, 0, 2]), [B, D * o.hiddenSize]);
    const h = tanh(this.bridgeH.forward(last(res.hN)));
    const c = this.bridgeC && res.cN ? this.bridgeC.forward(last(res.cN)) : o.decoder === 'lstm' ? zeros([B, o.hiddenSize]) : null;
    const feed = this.attention ? zeros([B, o.hiddenSize]) : null;
    return { outputs: res.output, lengths, state: { h, c, feed } };
  }

  /** The fixed-size code of each source sequence (the bridged encoder state) [B,H]: the seq2seq autoencoder's representation. */
  code(src: number[][]): Tensor {
    checkTokens(src, this.options.srcVocab, 'src');
    const { ids, lengths } = padIds(src, this.options.pad);
    return this.encode(ids, lengths).state.h;
  }

  /** One decoder step from the previous tokens [B]: logits [B,V], the new state, attention weights [B,Ts]. */
  step(prev: number[], state: DecoderState, enc: Encoded): { logits: Tensor; state: DecoderState; weights: Tensor | null } {
    const emb = this.tgtEmbedding.forward(tensor(prev, [prev.length]));
    const input = state.feed ? concat([emb, state.feed], 1) : emb;
    let h: Tensor;
    let c: Tensor | null = null;
    if (this.decoder instanceof LSTMCell) {
      const s = this.decoder.forward(input, { h: state.h, c: state.c });
      h = s.h;
      c = s.c;
    } else {
      h = this.decoder.forward(input, state.h);
    }
    if (!this.attention) return { logits: this.out.forward(h), state: { h, c, feed: null }, weights: null };
    const { context, weights } = this.attention.forward(h, enc.outputs, enc.outputs, { lengths: enc.lengths });
    const ht = tanh(this.combine!.forward(concat([h, context], 1)));
    return { logits: this.out.forward(ht), state: { h, c, feed: ht }, weights };
  }

  /**
   * Teacher-forced pass: src ids [B,Ts] with srcLengths, decoder inputs tgtIn [B,Tt] (starting with
   * bos). With teacherForcingRatio < 1 a step feeds the model's own previous prediction instead,
   * decided per step from the seeded stream. Returns logits [B,Tt,V] and attention [B,Tt,Ts].
   */
  forward(
    src: Tensor,
    tgtIn: Tensor,
    options: { srcLengths?: number[]; teacherForcingRatio?: number } = {},
  ): { logits: Tensor; attention: Tensor | null } {
    const opts = readOptions<{ srcLengths?: number[]; teacherForcingRatio?: number }>('Seq2Seq', 'options', options, {
      srcLengths: numbers(false),
      teacherForcingRatio: num(0, 1),
    });
    checkTensor(src, 'Seq2Seq', 'src');
    checkTensor(tgtIn, 'Seq2Seq', 'tgtIn');
    if (src.ndim !== 2 || tgtIn.ndim !== 2 || tgtIn.shape[0] !== src.shape[0] || tgtIn.shape[1] < 1) {
      throw new Error(`Seq2Seq: src must be [B,Ts] and tgtIn [B,Tt] ids, got ${fmtShape(src.shape)} and ${fmtShape(tgtIn.shape)}`);
    }
    const B = src.shape[0];
    const srcLengths = opts.srcLengths ?? new Array(B).fill(src.shape[1]);
    const ratio = opts.teacherForcingRatio ?? 1;
    const enc = this.encode(src, srcLengths);
    const Tt = tgtIn.shape[1];
    let state = enc.state;
    const logits: Tensor[] = [];
    const weights: Tensor[] = [];
    let prev = Array.from({ length: B }, (_, b) => tgtIn.data[b * Tt]);
    for (let t = 0; t < Tt; t++) {
      const r = this.step(prev, state, enc);
      state = r.state;
      logits.push(r.logits);
      if (r.weights) weights.push(r.weights);
      if (t + 1 < Tt) {
        const teacher = ratio >= 1 || random() < ratio;
        prev = teacher ? Array.from({ length: B }, (_, b) => tgtIn.data[b * Tt + t + 1]) : argmaxRows(r.logits);
      }
    }
    return { logits: stack(logits, 1), attention: weights.length ? stack(weights, 1) : null };
  }

  /**
   * Mean cross-entropy of predicting each target sequence (followed by eos) from its source;
   * sequences are token arrays of any lengths (padded here).
   */
  loss(src: number[][], tgt: number[][], options: { teacherForcingRatio?: number } = {}): Tensor {
    const o = this.options;
    const opts = readOptions<{ teacherForcingRatio?: number }>('Seq2Seq.loss', 'options', options, { teacherForcingRatio: num(0, 1) });
    checkTokens(src, o.srcVocab, 'src');
    if (!Array.isArray(tgt) || tgt.length !== src.length)
      throw new Error(
        `Seq2Seq: tgt must hold one sequence per source (${src.length}), got ${Array.isArray(tgt) ? tgt.length : typeof tgt}`,
      );
    checkTokens(tgt, o.tgtVocab, 'tgt', true);
    const { ids, lengths } = padIds(src, o.pad);
    const Tt = Math.max(...tgt.map((t) => t.length)) + 1;
    const tin = new Float32Array(src.length * Tt).fill(o.pad);
    const tout: number[] = new Array(src.length * Tt).fill(-100);
    tgt.forEach((t, b) => {
      tin[b * Tt] = o.bos;
      t.forEach((v, i) => {
        if (i + 1 < Tt) tin[b * Tt + i + 1] = v;
        tout[b * Tt + i] = v;
      });
      tout[b * Tt + t.length] = o.eos;
    });
    const { logits } = this.forward(ids, tensor(tin, [src.length, Tt]), {
      srcLengths: lengths,
      teacherForcingRatio: opts.teacherForcingRatio,
    });
    return crossEntropy(logits, tout);
  }

  /** Greedy decoding: the most probable token at each step, until eos or maxLength. */
  greedy(src: number[][], options: { maxLength?: number } = {}): Decoded[] {
    const o = this.options;
    const opts = readOptions<{ maxLength?: number }>('Seq2Seq.greedy', 'options', options, { maxLength: int(1, MAX_DECODE_LENGTH) });
    checkTokens(src, o.srcVocab, 'src');
    const maxLength = opts.maxLength ?? 2 * Math.max(...src.map((s) => s.length)) + 5;
    return noGrad(() => {
      const { ids, lengths } = padIds(src, o.pad);
      const enc = this.encode(ids, lengths);
      const B = src.length;
      const res: Decoded[] = src.map(() => ({ tokens: [], attention: [], logProb: 0 }));
      const done = new Array(B).fill(false);
      let prev = new Array(B).fill(o.bos);
      let state = enc.state;
      for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
        const r = this.step(prev, state, enc);
        state = r.state;
        const lp = logSoftmax(r.logits).data;
        const V = o.tgtVocab;
        prev = argmaxRows(r.logits);
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          res[b].logProb += lp[b * V + prev[b]];
          if (prev[b] === o.eos) {
            done[b] = true;
            continue;
          }
          res[b].tokens.push(prev[b]);
          if (r.weights)
            res[b].attention.push(Array.from(r.weights.data.subarray(b * enc.outputs.shape[1], b * enc.outputs.shape[1] + lengths[b])));
        }
      }
      return res;
    });
  }

  /**
   * Beam search per source sequence: keeps beamWidth hypotheses, finishes one at eos, and ranks
   * finished ones by logProb / length^lengthPenalty (0: raw probability, 1: per-token average).
   */
  beamSearch(src: number[][], options: { beamWidth?: number; maxLength?: number; lengthPenalty?: number } = {}): Decoded[] {
    const o = this.options;
    const opts = readOptions<{ beamWidth?: number; maxLength?: number; lengthPenalty?: number }>('Seq2Seq.beamSearch', 'options', options, {
      beamWidth: int(1, 1024),
      maxLength: int(1, MAX_DECODE_LENGTH),
      lengthPenalty: num(0),
    });
    checkTokens(src, o.srcVocab, 'src');
    const K = opts.beamWidth ?? 5;
    const alpha = opts.lengthPenalty ?? 1;
    const V = o.tgtVocab;
    return noGrad(() =>
      src.map((s) => {
        const maxLength = opts.maxLength ?? 2 * s.length + 5;
        const { ids, lengths } = padIds([s], o.pad);
        const enc1 = this.encode(ids, lengths);
        const Ts = enc1.outputs.shape[1];
        const rep = (t: Tensor, n: number) => {
          const d = t.data;
          return tensor(
            new Float32Array(n * t.size).map((_, i) => d[i % t.size]),
            [n, ...t.shape.slice(1)],
          );
        };
        type Hyp = { tokens: number[]; attention: number[][]; logProb: number; row: number };
        let hyps: Hyp[] = [{ tokens: [], attention: [], logProb: 0, row: 0 }];
        let state = enc1.state;
        const finished: Decoded[] = [];
        const norm = (d: { tokens: number[]; logProb: number }) => d.logProb / (d.tokens.length + 1) ** alpha;
        const bestReachable = (h: Hyp) => h.logProb / (maxLength + 1) ** alpha;
        for (let t = 0; t < maxLength && hyps.length; t++) {
          const n = hyps.length;
          const enc: Encoded = { outputs: rep(enc1.outputs, n), lengths: new Array(n).fill(lengths[0]), state };
          const prev = hyps.map((h) => (h.tokens.length ? h.tokens[h.tokens.length - 1] : o.bos));
          const r = this.step(prev, state, enc);
          const lp = logSoftmax(r.logits).data;
          const cand: { hyp: number; tok: number; logProb: number }[] = [];
          hyps.forEach((h, i) => {
            for (let v = 0; v < V; v++) cand.push({ hyp: i, tok: v, logProb: h.logProb + lp[i * V + v] });
          });
          cand.sort((a, b) => b.logProb - a.logProb);
          const next: Hyp[] = [];
          for (const c of cand) {
            if (next.length >= K) break;
            const h = hyps[c.hyp];
            const att = r.weights
              ? [...h.attention, Array.from(r.weights.data.subarray(c.hyp * Ts, c.hyp * Ts + lengths[0]))]
              : h.attention;
            if (c.tok === o.eos) {
              finished.push({ tokens: h.tokens, attention: h.attention, logProb: c.logProb });
              continue;
            }
            next.push({ tokens: [...h.tokens, c.tok], attention: att, logProb: c.logProb, row: c.hyp });
          }
          // stop once no open hypothesis can overtake the best finished one under the ranking itself:
          // log-probabilities only fall as a hypothesis grows, so its best final score is its
          // log-probability now spread over the longest length it may reach
          if (finished.length && next.every((h) => bestReachable(h) <= Math.max(...finished.map(norm)))) break;
          const rows = next.map((h) => h.row);
          const pick = (x: Tensor | null) =>
            x
              ? tensor(
                  rows.flatMap((rw) => Array.from(x.data.subarray(rw * x.shape[1], (rw + 1) * x.shape[1]))),
                  [rows.length, x.shape[1]],
                )
              : null;
          state = { h: pick(r.state.h)!, c: pick(r.state.c), feed: pick(r.state.feed) };
          hyps = next.map((h, i) => ({ ...h, row: i }));
        }
        // hypotheses cut off by maxLength compete only when none ended properly
        if (!finished.length) for (const h of hyps) finished.push({ tokens: h.tokens, attention: h.attention, logProb: h.logProb });
        finished.sort((a, b) => norm(b) - norm(a));
        return finished[0];
      }),
    );
  }
}

function argmaxRows(logits: Tensor): number[] {
  const [B, V] = logits.shape;
  return Array.from({ length: B }, (_, b) => {
    let best = 0;
    const d = logits.data;
    for (let v = 1; v < V; v++) if (d[b * V + v] > d[b * V + best]) best = v;
    return best;
  });
}
