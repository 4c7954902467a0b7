// What a user sees when looking at a model or a tensor: summary(), numParameters(), console.log.
import { test, expect, beforeAll } from 'vitest';
import { inspect } from 'node:util';
import * as rnn from '../src/node.js';

beforeAll(async () => {
  await rnn.init();
});

test('summary lists every layer with its output shape and parameter count, and the total', () => {
  const model = new rnn.Sequential(
    new rnn.Embedding({ numEmbeddings: 50, embeddingDim: 16 }),
    new rnn.GRU({ inputSize: 16, hiddenSize: 64, bidirectional: true }),
    new rnn.Dropout(0.1),
    new rnn.Linear({ inFeatures: 128, outFeatures: 5 }),
  );
  // by hand: 50·16; GRU per direction 3·64·(16 + 64) + 2·3·64; Linear 128·5 + 5
  const gru = 2 * (3 * 64 * (16 + 64) + 2 * 3 * 64);
  const total = 50 * 16 + gru + 128 * 5 + 5;
  expect(model.numParameters()).toBe(total);
  const lines = model.summary().split('\n');
  expect(lines[0]).toMatch(/^Layer \(type\)\s+Output shape\s+Param #$/);
  const row = (name: string) =>
    lines
      .find((l) => l.includes(name))!
      .trim()
      .split(/\s{2,}/);
  expect(row('0 (Embedding)')).toEqual(['0 (Embedding)', '[B,T,16]', '800']);
  expect(row('1 (GRU)')).toEqual(['1 (GRU)', '[B,T,128]', gru.toLocaleString('en-US')]);
  expect(row('2 (Dropout)')).toEqual(['2 (Dropout)', 'as input', '0']);
  expect(row('3 (Linear)')).toEqual(['3 (Linear)', '[...,5]', '645']);
  expect(lines[lines.length - 1]).toBe(`Total params: ${total.toLocaleString('en-US')}`);
  // a shared layer counts once
  const l = new rnn.Linear({ inFeatures: 3, outFeatures: 3 });
  expect(new rnn.Sequential(l, l).numParameters()).toBe(12);
});

test('console.log of a Tensor shows its shape and leading values, not its fields', () => {
  const t = rnn.tensor([1, 2.5, -3, 4, 5, 6, 7, 8, 9, 10], [2, 5]);
  expect(inspect(t)).toBe('Tensor [2,5] [1, 2.5, -3, 4, 5, 6, 7, 8, … 2 more]');
  expect(inspect(rnn.zeros([2], { requiresGrad: true }))).toBe('Tensor [2] requiresGrad [0, 0]');
  expect(inspect({ x: rnn.tensor(3) })).toBe('{ x: Tensor [] [3] }');
});

test('load() without a class name returns a model whose forward can be called', () => {
  const lstm = new rnn.LSTM({ inputSize: 2, hiddenSize: 3 });
  const x = rnn.randn([1, 4, 2]);
  const back = rnn.load(rnn.toBytes(rnn.save(lstm)));
  const out = back.forward(x) as rnn.RecurrentOutput;
  expect(Array.from(out.output.data)).toEqual(Array.from(lstm.forward(x).output.data));
  const typed = rnn.load<rnn.LSTM>(rnn.save(lstm));
  expect(typed.forward(x).hN.shape).toEqual([1, 1, 3]);
});
