// MemoryNetwork: the end-to-end memory network of Sukhbaatar et al. 2015 (MemN2N), the founding
// notes' attention "version 1": a network that, like a CPU, reads a memory to answer a question.
// Each sentence x_i of the story becomes a memory vector, a bag of its word embeddings weighted by
// the position encoding l_kj = (1 - j/J) - (k/d)(1 - 2j/J) (word j of J, dimension k of d), plus a
// learned temporal encoding of how recent the sentence is. The question becomes u the same way.
// Each of the K hops attends over the memory and adds what it read to u:
//   p = softmax(u·m_i),  o = Σ_i p_i c_i,  u ← u + o;     logits = W u
// with adjacent weight tying: K+1 embedding matrices E_0..E_K, where the question and the first
// hop's keys use E_0 (B = A¹), and hop k reads keys A^k = E_{k-1} and values C^k = E_k (likewise
// the temporal encodings T_0..T_K). The answer matrix W is its own [answerSize, d] (the paper ties
// it to C^K, which needs answers to be words of the vocabulary).
// Parameters: embedding_k [vocabSize, d] and temporal_k [memorySize, d] for k = 0..K, answer.weight.
import { Tensor, fmtShape, randn } from '../tensor.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { bagOfWords } from '../ops/bag-of-words.js';
import { embedding } from '../ops/embedding.js';
import { add, mul } from '../ops/arithmetic.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';
import { reshape } from '../ops/shape.js';
import { SIZE, bool, int, readOptions } from '../options.js';

/** Options of {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Word ids are 0..vocabSize-1; 0 is padding. */
  vocabSize: number;
  /** Size d of the memory and question vectors. */
  embeddingDim: number;
  /** How many sentences the memory holds: a longer story keeps its memorySize most recent. */
  memorySize: number;
  /** Attention hops K (default 3). */
  hops?: number;
  /** Number of answer classes. */
  answerSize: number;
  /** Weigh words by position within the sentence (default true); false: a plain bag of words. */
  positionEncoding?: boolean;
  /** Add the learned temporal encoding of each sentence's recency (default true). */
  temporalEncoding?: boolean;
}

/** Word ids of stories [B, S, W] as {@link MemoryNetwork.forward} accepts them. */
export type StoryIds = number[][][] | Tensor;
/** Word ids of questions [B, W]. */
export type QuestionIds = number[][] | Tensor;

/** A forward pass with the attention of every hop. */
export interface MemoryNetworkResult {
  /** [B, answerSize] */
  logits: Tensor;
  /** Per hop, [B, S]: the weight of each sentence (0 on empty and forgotten ones). */
  attention: Tensor[];
}

const SCHEMA = {
  vocabSize: SIZE,
  embeddingDim: SIZE,
  memorySize: SIZE,
  hops: int(1, 64),
  answerSize: SIZE,
  positionEncoding: bool,
  temporalEncoding: bool,
};

/**
 * End-to-end memory network. `forward(story, question)` -> answer logits [B, answerSize].
 * @example
 * ```ts
 * const net = new rnn.MemoryNetwork({ vocabSize: 30, embeddingDim: 20, memorySize: 10, answerSize: 6 });
 * // story [B=1, S=2 sentences, W=4 words], question [B=1, W=3]; 0 pads
 * const logits = net.forward([[[1, 2, 3, 4], [5, 6, 3, 7]]], [[8, 9, 1]]); // [1, 6]
 * ```
 */
export class MemoryNetwork extends Module {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly memorySize: number;
  readonly hops: number;
  readonly answerSize: number;
  readonly positionEncoding: boolean;
  readonly temporalEncoding: boolean;
  /**
   * The paper's "linear start" for training: while true, the hops use the raw scores u·m_i
   * (0 on empty sentences) instead of their softmax. Set it for the first epochs, then clear it.
   */
  linearStart = false;
  private readonly embeddings: Tensor[] = [];
  private readonly temporal: Tensor[] = [];
  private readonly answer: Linear;

  constructor(options: MemoryNetworkOptions) {
    super();
    const o = readOptions<MemoryNetworkOptions>('MemoryNetwork', 'options', options, SCHEMA, [
      'vocabSize',
      'embeddingDim',
      'memorySize',
      'answerSize',
    ]);
    this.vocabSize = o.vocabSize!;
    this.embeddingDim = o.embeddingDim!;
    this.memorySize = o.memorySize!;
    this.hops = o.hops ?? 3;
    this.answerSize = o.answerSize!;
    this.positionEncoding = o.positionEncoding ?? true;
    this.temporalEncoding = o.temporalEncoding ?? true;
    const d = this.embeddingDim;
    for (let k = 0; k <= this.hops; k++) {
      this.embeddings.push(this.registerParameter(`embedding_${k}`, randn([this.vocabSize, d], { std: 0.1 })));
      if (this.temporalEncoding) this.temporal.push(this.registerParameter(`temporal_${k}`, randn([this.memorySize, d], { std: 0.1 })));
    }
    this.answer = this.registerModule('answer', new Linear({ inFeatures: d, outFeatures: this.answerSize, bias: false }));
  }

  override config(): Record<string, unknown> {
    return {
      vocabSize: this.vocabSize,
      embeddingDim: this.embeddingDim,
      memorySize: this.memorySize,
      hops: this.hops,
      answerSize: this.answerSize,
      positionEncoding: this.positionEncoding,
      temporalEncoding: this.temporalEncoding,
    };
  }

  /** @internal */
  override outputShape(): string {
    return `[B,${this.answerSize}]`;
  }

  /** story [B, S, W] word ids (0 = padding; a sentence of zeros is no sentence), question [B, W'] -> logits [B, answerSize]. */
  forward(story: StoryIds, question: QuestionIds): Tensor {
    return this.attend(story, question).logits;
  }

  /** As {@link MemoryNetwork.forward}, with each hop's attention over the sentences. */
  attend(story: StoryIds, question: QuestionIds): MemoryNetworkResult {
    const op = 'MemoryNetwork';
    const s = readIds(story, 3, this.vocabSize, op, 'story');
    const [B, S, W] = s.shape;
    const q = readIds(question, 2, this.vocabSize, op, 'question');
    if (q.shape[0] !== B) throw new Error(`${op}: question must be [${B}, W] (one per story), got ${fmtShape(q.shape)}`);
    const d = this.embeddingDim;
    // which sentences are in memory, and how recent each is (0 = the last one)
    const valid = new Float32Array(B * S);
    const recency = new Int32Array(B * S);
    for (let b = 0; b < B; b++) {
      let age = 0;
      for (let i = S - 1; i >= 0; i--) {
        let words = false;
        for (let j = 0; j < W && !words; j++) words = s.flat[(b * S + i) * W + j] !== 0;
        if (!words) continue;
        if (age < this.memorySize) {
          valid[b * S + i] = 1;
          recency[b * S + i] = age;
        }
        age++;
      }
      if (age === 0) throw new Error(`${op}: story[${b}] has no sentence (every id is 0)`);
    }
    const lStory = wordWeights(s.flat, B * S, W, d, this.positionEncoding);
    const memory = this.embeddings.map((e, k) => {
      let m = bagOfWords(s.flat, lStory, e, B * S, W);
      if (this.temporalEncoding) m = add(m, embedding(recency, this.temporal[k]));
      return reshape(m, [B, S, d]);
    });
    const mask = new Tensor(
      Float32Array.from(valid, (v) => (v ? 0 : -Infinity)),
      [B, S],
    );
    const validT = new Tensor(valid, [B, S]);
    let u = bagOfWords(q.flat, wordWeights(q.flat, B, q.shape[1], d, this.positionEncoding), this.embeddings[0], B, q.shape[1]);
    const attention: Tensor[] = [];
    for (let k = 1; k <= this.hops; k++) {
      const scores = reshape(matmul(memory[k - 1], reshape(u, [B, d, 1])), [B, S]);
      const p = this.linearStart ? mul(scores, validT) : softmax(add(scores, mask), 1);
      attention.push(p);
      u = add(u, reshape(matmul(reshape(p, [B, 1, S]), memory[k]), [B, d]));
    }
    return { logits: this.answer.forward(u), attention };
  }
}

/** The weight vector of every word: position encoding (or 1), 0 for padding. [N·W·d] */
function wordWeights(ids: Int32Array, N: number, W: number, d: number, position: boolean): Float32Array {
  const l = new Float32Array(N * W * d);
  for (let n = 0; n < N; n++) {
    let J = 0;
    for (let j = 0; j < W; j++) if (ids[n * W + j] !== 0) J++;
    let pos = 0;
    for (let j = 0; j < W; j++) {
      if (ids[n * W + j] === 0) continue;
      pos++;
      const o = (n * W + j) * d;
      for (let k = 1; k <= d; k++) l[o + k - 1] = position ? 1 - pos / J - (k / d) * (1 - (2 * pos) / J) : 1;
    }
  }
  return l;
}

/** Ids of a fixed rank from nested arrays or a Tensor, checked against [0, V). */
function readIds(ids: unknown, rank: number, V: number, op: string, arg: string): { flat: Int32Array; shape: number[] } {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (ids instanceof Tensor) {
    if (ids.ndim !== rank)
      throw new Error(`${op}: ${arg} must have ${rank} dimensions (${rank === 3 ? '[B, S, W]' : '[B, W]'}), got ${fmtShape(ids.shape)}`);
    flat = ids.data;
    shape = ids.shape.slice();
  } else {
    shape = [];
    let level: unknown = ids;
    for (let r = 0; r < rank; r++) {
      if (!Array.isArray(level) || level.length === 0)
        throw new Error(
          `${op}: ${arg} must be a Tensor or nested arrays of rank ${rank} (${rank === 3 ? '[B, S, W]' : '[B, W]'}), non-empty, got ${Array.isArray(level) ? 'an empty array' : typeof level} at depth ${r}`,
        );
      shape.push(level.length);
      level = level[0];
    }
    const out: number[] = [];
    const walk = (v: unknown, depth: number, path: string): void => {
      if (depth === rank) {
        out.push(v as number);
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth])
        throw new Error(
          `${op}: ${arg}${path} must have ${shape[depth]} entries like ${arg}${'[0]'.repeat(depth)} (pad with 0), got ${Array.isArray(v) ? v.length : typeof v}`,
        );
      v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
    };
    walk(ids, 0, '');
    flat = out;
  }
  if (shape.some((n) => n === 0)) throw new Error(`${op}: ${arg} must not be empty, got ${fmtShape(shape)}`);
  const res = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v >= V)
      throw new Error(`${op}: ${arg} ids must be integers in [0, ${V - 1}] (0 = padding), got ${v} at flat index ${i}`);
    res[i] = v;
  }
  return { flat: res, shape };
}
