import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { report, seeded } from '../helpers.js';
import { seqs } from './seq2seq-data.js';

beforeAll(async () => {
  await rnn.init();
});

describe('Seq2Seq reversal', () => {
  let model: rnn.Seq2Seq;
  test('with attention it learns to reverse sequences (greedy exact match on held-out data)', () => {
    rnn.manualSeed(1);
    model = new rnn.Seq2Seq({
      srcVocab: 11,
      tgtVocab: 11,
      embeddingDim: 16,
      hiddenSize: 48,
      encoder: 'gru',
      bidirectional: true,
      attention: 'general',
    });
    const opt = new rnn.Adam(model.parameters(), { lr: 5e-3 });
    // the learning rate annealed to 0 over the run: at a constant 5e-3 Adam reached 0.98 held-out
    // at step 300 but spiked back to 0.69 at steps 450 and 600 (measured), so a fixed stopping
    // step read a random point of a noisy curve; annealed, the score climbs to 1.0 and stays
    const sched = new rnn.CosineAnnealingLR(opt, { tMax: 450 });
    const rng = seeded(2);
    for (let step = 0; step < 450; step++) {
      const src = seqs(32, Math.floor(rng() * 1e9));
      const loss = model.loss(
        src,
        src.map((s) => [...s].reverse()),
      );
      opt.zeroGrad();
      loss.backward();
      rnn.clipGradNorm(model.parameters(), 5);
      opt.step();
      sched.step();
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
    let hits = 0,
      total = 0;
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
  test('save and load keep the decoder behaviour', () => {
    const held = seqs(5, 780);
    const back = rnn.load(rnn.toBytes(rnn.save(model))) as rnn.Seq2Seq;
    expect(back.greedy(held).map((o) => o.tokens)).toEqual(model.greedy(held).map((o) => o.tokens));
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
    const near = held.map((s) =>
      s.map((v, i) => (i === s.length - 1 - Math.floor(r() * 2) ? 3 + ((v - 3 + 1 + Math.floor(r() * 7)) % 8) : v)),
    );
    const far = held.map((s) => s.map(() => 3 + Math.floor(r() * 8)));
    const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((acc, v, i) => acc + (v - b[i]) ** 2, 0));
    const codes = (x: number[][]) => rnn.noGrad(() => ae.code(x)).toArray();
    const H = 48;
    const [c0, cn, cf] = [codes(held), codes(near), codes(far)];
    let dNear = 0,
      dFar = 0;
    for (let i = 0; i < held.length; i++) {
      dNear += dist(c0.subarray(i * H, (i + 1) * H), cn.subarray(i * H, (i + 1) * H));
      dFar += dist(c0.subarray(i * H, (i + 1) * H), cf.subarray(i * H, (i + 1) * H));
    }
    report('autoencoder code distance near / far', dNear / dFar);
    expect(dNear).toBeLessThan(0.7 * dFar);
  });
});
