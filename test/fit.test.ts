import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { report, seeded } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

// id sequences of length 3..10 over 6 tokens
function sequences(n: number, seed: number): number[][] {
  const rng = seeded(seed);
  return Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rng() * 8) }, () => Math.floor(rng() * 6)));
}
const tagger = (out: number) =>
  new rnn.Sequential(
    new rnn.Embedding({ numEmbeddings: 6, embeddingDim: 8 }),
    new rnn.GRU({ inputSize: 8, hiddenSize: 24 }),
    new rnn.Linear({ inFeatures: 24, outFeatures: out }),
  );

describe('fit', () => {
  test('many-to-one on variable-length sequences: recalls the first token (chance loss ln 6 = 1.79)', async () => {
    rnn.manualSeed(1);
    const model = tagger(6);
    const inputs = sequences(512, 1);
    const data = { inputs, targets: inputs.map((s) => s[0]) };
    const h = await rnn.fit(model, data, { epochs: 12, batchSize: 32, optimizer: new rnn.Adam(model.parameters(), { lr: 1e-2 }), seed: 3 });
    const test = sequences(200, 2);
    const ev = rnn.evaluate(model, { inputs: test, targets: test.map((s) => s[0]) });
    expect(h.loss[h.loss.length - 1]).toBeLessThan(h.loss[0]);
    report('fit many-to-one first-token recall loss / accuracy', `${ev.loss.toFixed(4)} / ${ev.metric}`);
    expect(ev.loss).toBeLessThan(0.2);
    expect(ev.metric).toBeGreaterThan(0.95);
  });
  test('many-to-many with padding ignored: tags each step with the previous token', async () => {
    rnn.manualSeed(2);
    const model = tagger(7);
    const inputs = sequences(384, 4);
    const targets = inputs.map((s) => s.map((_, t) => (t === 0 ? 6 : s[t - 1])));
    await rnn.fit(model, { inputs, targets }, { epochs: 8, optimizer: new rnn.Adam(model.parameters(), { lr: 1e-2 }), clipNorm: 5 });
    const test = sequences(100, 5);
    const ev = rnn.evaluate(model, { inputs: test, targets: test.map((s) => s.map((_, t) => (t === 0 ? 6 : s[t - 1]))) });
    expect(ev.metric).toBeGreaterThan(0.97);
    const out = rnn.predict(model, test.slice(0, 3));
    expect(out.map((o) => o.shape)).toEqual(test.slice(0, 3).map((s) => [s.length, 7]));
  });
  test("mse many-to-one on feature sequences: learns the mean of the first feature (baseline: the target's variance)", async () => {
    rnn.manualSeed(3);
    const rng = seeded(9);
    const inputs = Array.from({ length: 256 }, () => Array.from({ length: 2 + Math.floor(rng() * 6) }, () => [rng() * 2 - 1, rng()]));
    const targets = inputs.map((s) => [s.reduce((a, v) => a + v[0], 0) / s.length]);
    const variance = targets.reduce((a, [t]) => a + t * t, 0) / targets.length;
    const model = new rnn.Sequential(new rnn.LSTM({ inputSize: 2, hiddenSize: 16 }), new rnn.Linear({ inFeatures: 16, outFeatures: 1 }));
    const h = await rnn.fit(
      model,
      { inputs, targets },
      { epochs: 25, loss: 'mse', optimizer: new rnn.Adam(model.parameters(), { lr: 1e-2 }) },
    );
    expect(h.loss[h.loss.length - 1]).toBeLessThan(variance / 5);
  });
  test('progress events, abort, early stopping, scheduler', async () => {
    rnn.manualSeed(4);
    const model = tagger(6);
    const inputs = sequences(64, 6);
    const data = { inputs, targets: inputs.map((s) => s[0]) };
    const events: rnn.ProgressEvent[] = [];
    const ac = new AbortController();
    const h = await rnn.fit(model, data, {
      epochs: 5,
      batchSize: 16,
      onProgress: (e) => {
        events.push(e);
        if (events.length === 6) ac.abort();
      },
      signal: ac.signal,
    });
    expect(events[0]).toMatchObject({ phase: 'batch', epoch: 1, epochs: 5, batch: 1, batches: 4 });
    expect(events[0].etaSec).toBeGreaterThan(0);
    expect(events[0].sequencesPerSec).toBeGreaterThan(0);
    expect(events.find((e) => e.phase === 'epoch')).toMatchObject({ epoch: 1 });
    expect(h.aborted).toBe(true);
    expect(h.epochs).toBe(2);
    const opt = new rnn.SGD(model.parameters(), { lr: 0 });
    const sched = new rnn.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const h2 = await rnn.fit(model, data, {
      epochs: 10,
      optimizer: opt,
      validationData: data,
      earlyStopping: { patience: 2 },
      scheduler: sched,
    });
    expect(h2.stoppedEarly).toBe(true);
    expect(h2.epochs).toBe(3);
    expect(h2.valLoss).toHaveLength(3);
    expect(sched.lastEpoch).toBe(3);
  });
  test('a non-finite loss names the epoch and batch, or is skipped with skipNonFinite', async () => {
    const model = tagger(6);
    const inputs = sequences(40, 7);
    let calls = 0;
    const loss = (o: rnn.Tensor) => (++calls === 2 ? rnn.ops.mul(rnn.ops.sum(o), NaN) : rnn.ops.mean(o));
    await expect(rnn.fit(model, { inputs, targets: inputs.map(() => 0) }, { batchSize: 16, loss })).rejects.toThrow(
      'fit: the loss is NaN at epoch 1, batch 2',
    );
    calls = 0;
    const h = await rnn.fit(model, { inputs, targets: inputs.map(() => 0) }, { batchSize: 16, loss, skipNonFinite: true });
    expect(h.skippedBatches).toBe(1);
  });
  test('bad data is named', async () => {
    const model = tagger(6);
    await expect(rnn.fit(model, { inputs: [[1, 2]], targets: [] })).rejects.toThrow('fit: data: inputs has 1 sequences but targets has 0');
    await expect(rnn.fit(model, { inputs: [[1, 2], []], targets: [0, 1] })).rejects.toThrow('fit: inputs[1] must be a non-empty array');
    await expect(rnn.fit(model, { inputs: [[1, 9]], targets: [0] })).rejects.toThrow(
      "fit: inputs[0][1] must be an integer in [0, 5], got 9 (a token id of the model's embedding)",
    );
    await expect(rnn.fit(model, { inputs: [[1, 2]], targets: [[0]] })).rejects.toThrow(
      'targets[0] must hold one class per step (2), got 1',
    );
    const timeMajor = new rnn.Sequential(new rnn.LSTM({ inputSize: 2, hiddenSize: 3, batchFirst: false }));
    await expect(rnn.fit(timeMajor, { inputs: [[[1, 2]]], targets: [0] })).rejects.toThrow(
      'fit: batches are padded as [B,T,F], but model.0 (LSTM) has batchFirst: false',
    );
    const jordan = new rnn.Sequential(
      new rnn.Linear({ inFeatures: 2, outFeatures: 2 }),
      new rnn.JordanRNN({ inputSize: 2, hiddenSize: 3, outputSize: 2, batchFirst: false }),
    );
    await expect(rnn.fit(jordan, { inputs: [[[1, 2]]], targets: [0] })).rejects.toThrow(
      'fit: batches are padded as [B,T,F], but model.1 (JordanRNN) has batchFirst: false',
    );
    expect(() => rnn.evaluate(jordan, { inputs: [[[1, 2]]], targets: [0] })).toThrow('evaluate: batches are padded');
    expect(() => rnn.predict(jordan, [[[1, 2]]])).toThrow('predict: batches are padded');
  });
});
