// An end-to-end memory network answers questions about stories (generated bAbI-style tasks 1
// and 2), then shows where each of its three hops looked in a held-out story.
//   npm run example:memory-network
import * as rnn from 'rnn-wasm';
import { ROOMS, VOCAB, singleFactStory, storyBatch, twoFactStory, type Story } from './babi-data.js';
import { mulberry32 } from './copy-data.js';

await rnn.init();
const tasks: [string, (rng: () => number) => Story, number, number][] = [
  ['task 1, one supporting fact', singleFactStory, 600, 8],
  ['task 2, two supporting facts', twoFactStory, 1500, 10],
];
for (const [name, make, steps, S] of tasks) {
  rnn.manualSeed(1);
  const net = new rnn.MemoryNetwork({ vocabSize: VOCAB.length + 1, embeddingDim: 20, memorySize: S, hops: 3, answerSize: ROOMS.length });
  const opt = new rnn.Adam(net.parameters(), { lr: 0.01 });
  const rng = mulberry32(5);
  const t0 = performance.now();
  for (let s = 1; s <= steps; s++) {
    const b = storyBatch(
      Array.from({ length: 32 }, () => make(rng)),
      S,
    );
    const loss = rnn.crossEntropy(net.forward(b.story, b.question), b.answers);
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(net.parameters(), 40);
    opt.step();
    if (s % 300 === 0) console.log(`${name}: step ${s}, loss ${loss.item().toFixed(3)}`);
  }
  const heldRng = mulberry32(77);
  const stories = Array.from({ length: 500 }, () => make(heldRng));
  const held = storyBatch(stories, S);
  const { logits, attention } = rnn.noGrad(() => net.attend(held.story, held.question));
  const answer = (i: number) => {
    const row = Array.from(logits.data.subarray(i * ROOMS.length, (i + 1) * ROOMS.length));
    return row.indexOf(Math.max(...row));
  };
  const right = stories.filter((_, i) => answer(i) === held.answers[i]).length;
  console.log(`${name}: ${((100 * right) / 500).toFixed(1)} % of 500 held-out stories (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const st = stories[0];
  console.log(`  ${st.question}? -> ${ROOMS[answer(0)]} (answer: ${st.answer}); attention of hops 1, 2, 3:`);
  st.sentences.forEach((line, i) => {
    const w = attention.map((p) => p.data[i].toFixed(2)).join(' ');
    console.log(`    ${w}  ${line}${st.supporting.includes(i) ? '   <- supporting fact' : ''}`);
  });
  console.log();
}
