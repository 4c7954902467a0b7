// The memory network of examples/memory-network.ts and its learning test, trained on the
// generated stories of babi-data.ts: embeddings of 20, 32 fresh stories a step, Adam (lr 0.01),
// gradient norm clipped at 40.
import * as rnn from 'rnn-wasm';
import { ROOMS, VOCAB, storyBatch, type Story } from './babi-data.js';
import { mulberry32 } from './copy-data.js';

/** Trains a MemoryNetwork of `hops` hops on stories from `make`; `onStep` sees each step's loss. */
export function trainOnStories(
  make: (rng: () => number) => Story,
  { hops, steps, memorySize, onStep }: { hops: number; steps: number; memorySize: number; onStep?: (step: number, loss: number) => void },
): rnn.MemoryNetwork {
  rnn.manualSeed(1);
  const net = new rnn.MemoryNetwork({ vocabSize: VOCAB.length + 1, embeddingDim: 20, memorySize, hops, answerSize: ROOMS.length });
  const opt = new rnn.Adam(net.parameters(), { lr: 0.01 });
  const rng = mulberry32(5);
  for (let s = 1; s <= steps; s++) {
    const b = storyBatch(
      Array.from({ length: 32 }, () => make(rng)),
      memorySize,
    );
    const loss = rnn.crossEntropy(net.forward(b.story, b.question), b.answers);
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(net.parameters(), 40);
    opt.step();
    onStep?.(s, loss.item());
  }
  return net;
}

/** The room the network answers for each story (an index into ROOMS), and each hop's attention [B, S]. */
export function answerStories(net: rnn.MemoryNetwork, stories: Story[]): { rooms: number[]; attention: rnn.Tensor[] } {
  const b = storyBatch(stories, net.memorySize);
  const { logits, attention } = rnn.noGrad(() => net.attend(b.story, b.question));
  const rooms = stories.map((_, i) => {
    const row = Array.from(logits.data.subarray(i * ROOMS.length, (i + 1) * ROOMS.length));
    return row.indexOf(Math.max(...row));
  });
  return { rooms, attention };
}

/** The fraction of `stories` answered right. */
export function storyAccuracy(net: rnn.MemoryNetwork, stories: Story[]): number {
  const { rooms } = answerStories(net, stories);
  return stories.filter((s, i) => ROOMS[rooms[i]] === s.answer).length / stories.length;
}
