// Every module class the library registers for save/load comes back from rnn.save -> bytes ->
// rnn.load as the same class, with the same config and state dict, and computes bit-identical
// outputs. A class registered without an entry here fails the first test.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { registeredTypes } from '../src/io/registry.js';

beforeAll(async () => {
  await rnn.init();
});

type Run = (m: rnn.Module) => rnn.Tensor[];
const x3 = () => rnn.randn([2, 4, 3]);
const recurrent: Run = (m) => {
  const r = (m as rnn.LSTM).forward(x3());
  return [r.output, r.hN, ...(r.cN ? [r.cN] : [])];
};

const CASES: Record<string, [() => rnn.Module, Run]> = {
  RNN: [() => new rnn.RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu', numLayers: 2, bidirectional: true }), recurrent],
  LSTM: [() => new rnn.LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2, peephole: true }), recurrent],
  GRU: [() => new rnn.GRU({ inputSize: 3, hiddenSize: 5, resetAfter: false }), recurrent],
  JordanRNN: [
    () => new rnn.JordanRNN({ inputSize: 3, hiddenSize: 5, outputSize: 2, nonlinearity: 'relu', outputActivation: 'tanh' }),
    recurrent,
  ],
  ClockworkRNN: [
    () => new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: 5, periods: [1, 3], nonlinearity: 'relu', bidirectional: true }),
    recurrent,
  ],
  MemoryNetwork: [
    () => new rnn.MemoryNetwork({ vocabSize: 9, embeddingDim: 4, memorySize: 3, hops: 2, answerSize: 5, positionEncoding: false }),
    (m) => [
      (m as rnn.MemoryNetwork).forward(
        [
          [
            [1, 2, 3],
            [4, 0, 0],
          ],
        ],
        [[5, 6, 0]],
      ),
    ],
  ],
  SCRN: [() => new rnn.SCRN({ inputSize: 3, hiddenSize: 4, contextSize: 2, alpha: 0.8, numLayers: 2 }), recurrent],
  Linear: [() => new rnn.Linear({ inFeatures: 3, outFeatures: 4, bias: false }), (m) => [(m as rnn.Linear).forward(x3())]],
  Embedding: [
    () => new rnn.Embedding({ numEmbeddings: 7, embeddingDim: 3 }),
    (m) => [
      (m as rnn.Embedding).forward([
        [1, 6, 0],
        [2, 2, 3],
      ]),
    ],
  ],
  Dropout: [() => new rnn.Dropout({ p: 0.25 }), (m) => [(m as rnn.Dropout).forward(x3())]],
  ReLU: [() => new rnn.ReLU(), (m) => [(m as rnn.ReLU).forward(x3())]],
  Tanh: [() => new rnn.Tanh(), (m) => [(m as rnn.Tanh).forward(x3())]],
  Sigmoid: [() => new rnn.Sigmoid(), (m) => [(m as rnn.Sigmoid).forward(x3())]],
  Softmax: [() => new rnn.Softmax({ dim: 1 }), (m) => [(m as rnn.Softmax).forward(x3())]],
  LogSoftmax: [() => new rnn.LogSoftmax({ dim: 0 }), (m) => [(m as rnn.LogSoftmax).forward(x3())]],
  Sequential: [
    () =>
      new rnn.Sequential(
        new rnn.GRU({ inputSize: 3, hiddenSize: 4 }),
        new rnn.Dropout({ p: 0.1 }),
        new rnn.Linear({ inFeatures: 4, outFeatures: 2 }),
      ),
    (m) => [(m as rnn.Sequential).forward(x3()) as rnn.Tensor],
  ],
  Bidirectional: [() => new rnn.Bidirectional(new rnn.LSTM({ inputSize: 3, hiddenSize: 4 }), { mergeMode: 'ave' }), recurrent],
  RNNCell: [
    () => new rnn.RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' }),
    (m) => [(m as rnn.RNNCell).forward(rnn.randn([2, 3]), rnn.randn([2, 4]))],
  ],
  LSTMCell: [
    () => new rnn.LSTMCell({ inputSize: 3, hiddenSize: 4 }),
    (m) => {
      const s = (m as rnn.LSTMCell).forward(rnn.randn([2, 3]), { h: rnn.randn([2, 4]), c: rnn.randn([2, 4]) });
      return [s.h, s.c];
    },
  ],
  GRUCell: [
    () => new rnn.GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false }),
    (m) => [(m as rnn.GRUCell).forward(rnn.randn([2, 3]), rnn.randn([2, 4]))],
  ],
  Attention: [
    () => new rnn.Attention({ kind: 'additive', querySize: 3, keySize: 4, hiddenSize: 5 }),
    (m) => {
      const r = (m as rnn.Attention).forward(rnn.randn([2, 3]), rnn.randn([2, 6, 4]), null, { lengths: [6, 3] });
      return [r.context, r.weights];
    },
  ],
  Seq2Seq: [
    () =>
      new rnn.Seq2Seq({
        srcVocab: 9,
        tgtVocab: 8,
        embeddingDim: 4,
        hiddenSize: 6,
        encoder: 'gru',
        bidirectional: true,
        attention: 'general',
      }),
    (m) => [
      (m as rnn.Seq2Seq).forward(rnn.tensor([3, 4, 5, 0, 6, 7, 8, 3], [2, 4]), rnn.tensor([1, 3, 4, 1, 5, 6], [2, 3]), {
        srcLengths: [3, 4],
      }).logits,
    ],
  ],
  NTM: [
    () => new rnn.NTM({ inputSize: 3, outputSize: 2, controllerSize: 8, memorySize: 6, memoryWidth: 4, readHeads: 2 }),
    (m) => {
      const r = (m as rnn.NTM).forward(x3());
      return [r.output, ...r.readWeights.flat()];
    },
  ],
};

test('every registered module class has a round-trip case', () => {
  expect(Object.keys(CASES).sort()).toEqual(registeredTypes().sort());
});

describe.each(Object.keys(CASES))('%s', (name) => {
  test('save -> bytes -> load: same class, config and state dict, bit-identical outputs', () => {
    const [make, run] = CASES[name];
    rnn.manualSeed(11);
    const m = make();
    m.eval();
    rnn.manualSeed(12);
    const want = rnn.noGrad(() => run(m)).map((t) => Array.from(t.data));
    const back = rnn.load(rnn.fromBytes(rnn.toBytes(rnn.save(m))));
    expect(back.constructor).toBe(m.constructor);
    expect(back.config()).toEqual(m.config());
    const sd = m.stateDict();
    const sdBack = back.stateDict();
    expect(Object.keys(sdBack)).toEqual(Object.keys(sd));
    for (const k of Object.keys(sd)) expect(Array.from(sdBack[k].data), k).toEqual(Array.from(sd[k].data));
    back.eval();
    rnn.manualSeed(12);
    const got = rnn.noGrad(() => run(back)).map((t) => Array.from(t.data));
    expect(got).toEqual(want);
  });
});
