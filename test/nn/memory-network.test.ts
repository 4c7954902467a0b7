// MemoryNetwork against a float64 forward pass written from the paper's equations
// (src/reference/memory-network.ts), by finite differences, and its contract: memory size,
// empty sentences, attention, and its errors.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../../src/node.js';
import { ops } from '../../src/node.js';
import { memN2NForward } from '../../src/reference/memory-network.js';
import { expectClose, seeded } from '../helpers.js';
import { gradCheckTensors } from '../gradcheck.js';

beforeAll(async () => {
  await rnn.init();
});

const V = 11;
const randomStory = (rng: () => number, S: number, W: number): number[][] =>
  Array.from({ length: S }, (_, i) => {
    const words = i === 1 ? 0 : 2 + Math.floor(rng() * (W - 1)); // sentence 1 is empty
    return Array.from({ length: W }, (_, j) => (j < words ? 1 + Math.floor(rng() * (V - 1)) : 0));
  });
const weightsOf = (net: rnn.MemoryNetwork) => {
  const sd = net.stateDict();
  return {
    embeddings: Array.from({ length: net.hops + 1 }, (_, k) => sd[`embedding_${k}`].data),
    temporal: net.temporalEncoding ? Array.from({ length: net.hops + 1 }, (_, k) => sd[`temporal_${k}`].data) : null,
    answer: sd['answer.weight'].data,
  };
};

describe('MemoryNetwork', () => {
  test.each([
    [3, true, true, 8],
    [1, true, true, 8],
    [2, false, true, 8],
    [3, true, false, 8],
    [2, true, true, 3], // a memory smaller than the stories: the 3 most recent sentences
  ])('hops %i, position encoding %s, temporal %s, memory %i: matches the reference', (hops, pe, te, mem) => {
    rnn.manualSeed(31);
    const net = new rnn.MemoryNetwork({
      vocabSize: V,
      embeddingDim: 7,
      memorySize: mem,
      hops,
      answerSize: 5,
      positionEncoding: pe,
      temporalEncoding: te,
    });
    const rng = seeded(3);
    const stories = [randomStory(rng, 6, 5), randomStory(rng, 6, 5), randomStory(rng, 6, 5)];
    const questions = [
      [3, 4, 0],
      [5, 0, 0],
      [1, 2, 9],
    ];
    const logits = net.forward(stories, questions);
    expect(logits.shape).toEqual([3, 5]);
    const w = weightsOf(net);
    const want = stories.flatMap((s, b) => Array.from(memN2NForward(s, questions[b], w, 7, mem, pe)));
    expectClose(logits.data, want, { rtol: 1e-5, atol: 1e-6 });
  });

  test('attention: a distribution over the sentences in memory, 0 on empty and forgotten ones', () => {
    rnn.manualSeed(32);
    const net = new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 6, memorySize: 3, hops: 2, answerSize: 4 });
    const story = randomStory(seeded(4), 6, 4); // sentences 0, 2..5; memory keeps 3, 4, 5
    const { attention } = net.attend([story], [[1, 2, 0, 0]]);
    expect(attention).toHaveLength(2);
    for (const p of attention) {
      expect(p.shape).toEqual([1, 6]);
      expect(Array.from(p.data.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(p.data.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
    }
  });

  test('empty sentences anywhere change nothing', () => {
    rnn.manualSeed(33);
    const net = new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 6, memorySize: 5, answerSize: 4 });
    const story = [
      [1, 2, 3],
      [4, 5, 0],
      [6, 0, 0],
    ];
    const empty = [0, 0, 0];
    const a = net.forward([story], [[7, 8]]).data;
    const b = net.forward([[empty, story[0], empty, story[1], story[2], empty]], [[7, 8]]).data;
    expectClose(b, a, { rtol: 1e-6, atol: 1e-7 });
  });

  test('finite differences: every parameter', () => {
    rnn.manualSeed(34);
    const net = new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 5, memorySize: 4, hops: 2, answerSize: 3 });
    const rng = seeded(5);
    const stories = [randomStory(rng, 5, 4), randomStory(rng, 5, 4)];
    const questions = [
      [2, 3, 4],
      [5, 6, 0],
    ];
    const r = rnn.randn([2, 3]);
    gradCheckTensors(() => ops.sum(ops.mul(net.forward(stories, questions), r)), net.namedParameters(), { elementwiseUpTo: 20 });
  });

  test('takes Tensors of ids', () => {
    rnn.manualSeed(35);
    const net = new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 4, memorySize: 4, answerSize: 3 });
    const story = [
      [
        [1, 2],
        [3, 0],
      ],
    ];
    const a = net.forward(story, [[4, 5]]).data;
    const b = net.forward(rnn.tensor(story.flat(2), [1, 2, 2]), rnn.tensor([4, 5], [1, 2])).data;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  test('bad calls are named', () => {
    const net = new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 4, memorySize: 4, answerSize: 3 });
    const story = [
      [
        [1, 2],
        [3, 0],
      ],
    ];
    expect(() => net.forward(story, [[4, 11]])).toThrow(
      'MemoryNetwork: question ids must be integers in [0, 10] (0 = padding), got 11 at flat index 1',
    );
    expect(() => net.forward([[[1, 2], [3]]], [[4]])).toThrow(
      'MemoryNetwork: story[0][1] must have 2 entries like story[0][0] (pad with 0), got 1',
    );
    expect(() => net.forward(story, [[4], [5]])).toThrow('MemoryNetwork: question must be [1, W] (one per story), got [2,1]');
    expect(() => net.forward([[[0, 0]]], [[4]])).toThrow('MemoryNetwork: story[0] has no sentence (every id is 0)');
    expect(() => net.forward(rnn.zeros([2, 3]), [[4]])).toThrow('MemoryNetwork: story must have 3 dimensions ([B, S, W]), got [2,3]');
    expect(() => net.forward([] as never, [[4]])).toThrow('MemoryNetwork: story must be a Tensor or nested arrays of rank 3');
    expect(() => new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 4, memorySize: 4 } as never)).toThrow('answerSize');
    expect(() => new rnn.MemoryNetwork({ vocabSize: V, embeddingDim: 4, memorySize: 4, answerSize: 3, hops: 0 })).toThrow(
      'hops must be a positive integer, got 0',
    );
  });
});
