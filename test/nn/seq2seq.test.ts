import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/index.js';
import { gradCheckTensors } from '../gradcheck.js';
import { report, seeded } from '../helpers.js';

beforeAll(async () => {
  await rnn.init();
});

// tokens 3..10; 0 pad, 1 bos, 2 eos
function seqs(n: number, seed: number, lo = 3, hi = 7): number[][] {
  const rng = seeded(seed);
  return Array.from({ length: n }, () => Array.from({ length: lo + Math.floor(rng() * (hi - lo + 1)) }, () => 3 + Math.floor(rng() * 8)));
}

describe('Seq2Seq', () => {
  let model: rnn.Seq2Seq;
  test('with attention it learns to reverse sequences (greedy exact match on held-out data)', () => {
    rnn.manualSeed(1);
    model = new rnn.Seq2Seq({ srcVocab: 11, tgtVocab: 11, embeddingDim: 16, hiddenSize: 48, encoder: 'gru', bidirectional: true, attention: 'general' });
    const opt = new rnn.Adam(model.parameters(), { lr: 5e-3 });
    const rng = seeded(2);
    for (let step = 0; step < 300; step++) {
      const src = seqs(32, Math.floor(rng() * 1e9));
      const loss = model.loss(src, src.map((s) => [...s].reverse()));
      opt.zeroGrad();
      loss.backward();
      rnn.clipGradNorm(model.parameters(), 5);
      opt.step();
    }
    const held = seqs(100, 777);
    const out = model.greedy(held);
    const exact = out.filter((o, i) => o.tokens.join() === [...held[i]].reverse().join()).length / held.length;
    report('seq2seq reversal exact match (greedy, held-out)', exact);
    expect(exact).toBeGreaterThan(0.8);
  });
  test('attention of the trained model points at the mirrored source position', () => {
    const held = seqs(40, 778);
    const out = model.greedy(held);
    let hits = 0, total = 0;
    out.forEach((o, i) => {
      const L = held[i].length;
      o.attention.slice(0, L).forEach((row, j) => {
        total++;
        if (row.indexOf(Math.max(...row)) === L - 1 - j) hits++;
      });
    });
    report('reversal attention on the mirrored position', hits / total);
    expect(hits / total).toBeGreaterThan(0.7);
  });
  test('beam search finds outputs at least as probable as greedy decoding', () => {
    const held = seqs(20, 779);
    const g = model.greedy(held);
    const b = model.beamSearch(held, { beamWidth: 4, lengthPenalty: 0 });
    b.forEach((o, i) => expect(o.logProb).toBeGreaterThanOrEqual(g[i].logProb - 1e-4));
  });
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
  test('save and load keep the decoder behaviour', () => {
    const held = seqs(5, 780);
    const back = rnn.load(rnn.toBytes(rnn.save(model))) as rnn.Seq2Seq;
    expect(back.greedy(held).map((o) => o.tokens)).toEqual(model.greedy(held).map((o) => o.tokens));
  });
  test.each(['none', 'dot', 'additive'] as const)('finite differences through encoder, bridge, attention (%s) and decoder', (attention) => {
    rnn.manualSeed(3);
    const m = new rnn.Seq2Seq({ srcVocab: 7, tgtVocab: 6, embeddingDim: 4, hiddenSize: 5, encoder: attention === 'dot' ? 'lstm' : 'gru', attention });
    const src = [[3, 4, 5], [6, 3]];
    const tgt = [[4, 3], [5, 5, 4]];
    gradCheckTensors(() => m.loss(src, tgt), m.namedParameters().filter(([n]) => !n.includes('embedding')), { elementwiseUpTo: 4 });
  });
  test('teacher forcing ratio is reproducible from the seed', () => {
    const m = new rnn.Seq2Seq({ srcVocab: 11, tgtVocab: 11, hiddenSize: 8 });
    const src = seqs(4, 5), tgt = seqs(4, 6);
    rnn.manualSeed(9);
    const a = m.loss(src, tgt, { teacherForcingRatio: 0.5 }).item();
    rnn.manualSeed(9);
    expect(m.loss(src, tgt, { teacherForcingRatio: 0.5 }).item()).toBe(a);
  });
  test('errors', () => {
    expect(() => new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, attention: 'cosine' as 'dot' })).toThrow("attention must be 'none', 'dot', 'general' or 'additive'");
    expect(() => new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, bidirectional: true, attention: 'dot' })).toThrow("'dot' attention needs the encoder output size (128) equal to hiddenSize (64)");
    const m = new rnn.Seq2Seq({ srcVocab: 8, tgtVocab: 8, hiddenSize: 8 });
    expect(() => m.loss([[3, 9]], [[3]])).toThrow('embedding: ids[1] must be an integer in [0, 7], got 9');
    expect(() => m.loss([[3]], [])).toThrow('tgt must hold one sequence per source (1), got 0');
  });
});

describe('seq2seq autoencoder', () => {
  test('reconstructs its input through a fixed-size code, and similar sequences get similar codes', () => {
    rnn.manualSeed(4);
    const ae = new rnn.Seq2Seq({ srcVocab: 11, tgtVocab: 11, embeddingDim: 16, hiddenSize: 48, encoder: 'lstm' });
    const opt = new rnn.Adam(ae.parameters(), { lr: 5e-3 });
    const rng = seeded(5);
    for (let step = 0; step < 1500; step++) {
      const src = seqs(32, Math.floor(rng() * 1e9), 3, 6);
      const loss = ae.loss(src, src);
      opt.zeroGrad();
      loss.backward();
      rnn.clipGradNorm(ae.parameters(), 5);
      opt.step();
    }
    const held = seqs(60, 901, 3, 6);
    const out = ae.greedy(held);
    const exact = out.filter((o, i) => o.tokens.join() === held[i].join()).length / held.length;
    report('autoencoder exact reconstruction', exact);
    expect(exact).toBeGreaterThan(0.7);
    // one substituted token vs an unrelated sequence of the same length
    const r = seeded(902);
    const near = held.map((s) => s.map((v, i) => (i === s.length - 1 - Math.floor(r() * 2) ? 3 + ((v - 3 + 1 + Math.floor(r() * 7)) % 8) : v)));
    const far = held.map((s) => s.map(() => 3 + Math.floor(r() * 8)));
    const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((acc, v, i) => acc + (v - b[i]) ** 2, 0));
    const codes = (x: number[][]) => rnn.noGrad(() => ae.code(x)).toArray();
    const H = 48;
    const [c0, cn, cf] = [codes(held), codes(near), codes(far)];
    let dNear = 0, dFar = 0;
    for (let i = 0; i < held.length; i++) {
      dNear += dist(c0.subarray(i * H, (i + 1) * H), cn.subarray(i * H, (i + 1) * H));
      dFar += dist(c0.subarray(i * H, (i + 1) * H), cf.subarray(i * H, (i + 1) * H));
    }
    report('autoencoder code distance near / far', dNear / dFar);
    expect(dNear).toBeLessThan(0.7 * dFar);
  });
});
