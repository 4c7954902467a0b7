import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { gradCheckTensors } from '../gradcheck.js';
import { seqs } from './seq2seq-data.js';

beforeAll(async () => {
  await rnn.init();
});

describe('Seq2Seq', () => {
  test('beam search with a length penalty keeps searching while a longer hypothesis can still win', () => {
    // A decoder stubbed as a known Markov chain over {eos, a}: after c tokens, P(eos) = 0.3 until
    // c = 5, then 0.99. Per-token-average ranking (lengthPenalty 1) prefers "a a a a a" (score
    // log(0.7^5 · 0.99) / 6 = -0.299) to every shorter answer ("a a a": log(0.7^3 · 0.3) / 4 =
    // -0.568), although after four tokens the open hypothesis is already less probable than the
    // empty answer (0.7^4 < 0.3): a stop rule on raw probabilities gives up there.
    const m = new rnn.Seq2Seq({ srcVocab: 5, tgtVocab: 4, embeddingDim: 2, hiddenSize: 2 });
    const count = (h: rnn.Tensor, row: number) => h.data[row * 2];
    m.encode = () => ({ outputs: rnn.zeros([1, 1, 2]), lengths: [1], state: { h: rnn.zeros([1, 2]), c: rnn.zeros([1, 2]), feed: null } });
    m.step = (prev, state) => {
      const n = prev.length;
      const logits = new Float32Array(n * 4).fill(-30); // pad 0 and bos 1 never follow
      const h = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const c = count(state.h, i);
        const pEos = c >= 5 ? 0.99 : 0.3;
        logits[i * 4 + 2] = Math.log(pEos);
        logits[i * 4 + 3] = Math.log(1 - pEos);
        h[i * 2] = c + 1;
      }
      return { logits: rnn.tensor(logits, [n, 4]), state: { h: rnn.tensor(h, [n, 2]), c: state.c, feed: null }, weights: null };
    };
    const [best] = m.beamSearch([[3]], { beamWidth: 2, lengthPenalty: 1, maxLength: 8 });
    expect(best.tokens).toEqual([3, 3, 3, 3, 3]);
    expect(best.logProb).toBeCloseTo(5 * Math.log(0.7) + Math.log(0.99), 4);
    // raw probability (lengthPenalty 0) prefers the empty answer, P = 0.3
    expect(m.beamSearch([[3]], { beamWidth: 2, lengthPenalty: 0, maxLength: 8 })[0].tokens).toEqual([]);
  });
  test.each(['none', 'dot', 'additive'] as const)('finite differences through encoder, bridge, attention (%s) and decoder', (attention) => {
    rnn.manualSeed(3);
    const m = new rnn.Seq2Seq({
      srcVocab: 7,
      tgtVocab: 6,
      embeddingDim: 4,
      hiddenSize: 5,
      encoder: attention === 'dot' ? 'lstm' : 'gru',
      attention,
    });
    const src = [
      [3, 4, 5],
      [6, 3],
    ];
    const tgt = [
      [4, 3],
      [5, 5, 4],
    ];
    gradCheckTensors(
      () => m.loss(src, tgt),
      m.namedParameters().filter(([n]) => !n.includes('embedding')),
      { elementwiseUpTo: 4 },
    );
  });
  test('teacher forcing ratio is reproducible from the seed', () => {
    const m = new rnn.Seq2Seq({ srcVocab: 11, tgtVocab: 11, hiddenSize: 8 });
    const src = seqs(4, 5),
      tgt = seqs(4, 6);
    rnn.manualSeed(9);
    const a = m.loss(src, tgt, { teacherForcingRatio: 0.5 }).item();
    rnn.manualSeed(9);
    expect(m.loss(src, tgt, { teacherForcingRatio: 0.5 }).item()).toBe(a);
  });
  test('errors', () => {
    expect(() => new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, attention: 'cosine' as 'dot' })).toThrow(
      "attention must be 'none', 'dot', 'general' or 'additive'",
    );
    expect(() => new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, bidirectional: true, attention: 'dot' })).toThrow(
      "'dot' attention needs the encoder output size (128) equal to hiddenSize (64)",
    );
    const m = new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, hiddenSize: 8 });
    expect(() => m.loss([[3, 9]], [[3]])).toThrow('Seq2Seq: src[0][1] must be a token id in [0, 7], got 9');
    expect(() => m.loss([[3], [4, 5]], [[3], [4, 12]])).toThrow('Seq2Seq: tgt[1][1] must be a token id in [0, 7], got 12');
    expect(() => m.greedy([[3]], { maxLength: Infinity })).toThrow('Seq2Seq.greedy: maxLength must be a positive integer, got Infinity');
    expect(() => m.beamSearch([[3]], { beamWidht: 2 } as never)).toThrow(
      "unknown option 'beamWidht' in options (did you mean 'beamWidth'?)",
    );
    expect(() => m.loss([[3]], [])).toThrow('tgt must hold one sequence per source (1), got 0');
  });
});
