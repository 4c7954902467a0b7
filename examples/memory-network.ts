// An end-to-end memory network answers questions about stories (generated bAbI-style tasks 1
// and 2), then shows where each of its three hops looked in a held-out story.
//   npm run example:memory-network
import * as rnn from 'rnn-wasm';
import { ROOMS, singleFactStory, twoFactStory, type Story } from './babi-data.js';
import { answerStories, trainOnStories } from './babi-model.js';
import { mulberry32 } from './copy-data.js';

await rnn.init();
const tasks: [string, (rng: () => number) => Story, number, number][] = [
  ['task 1, one supporting fact', singleFactStory, 600, 8],
  ['task 2, two supporting facts', twoFactStory, 1500, 10],
];
for (const [name, make, steps, S] of tasks) {
  const t0 = performance.now();
  const net = trainOnStories(make, {
    hops: 3,
    steps,
    memorySize: S,
    onStep: (s, loss) => {
      if (s % 300 === 0) console.log(`${name}: step ${s}, loss ${loss.toFixed(3)}`);
    },
  });
  const heldRng = mulberry32(77);
  const stories = Array.from({ length: 500 }, () => make(heldRng));
  const { rooms, attention } = answerStories(net, stories);
  const right = stories.filter((s, i) => ROOMS[rooms[i]] === s.answer).length;
  console.log(`${name}: ${((100 * right) / 500).toFixed(1)} % of 500 held-out stories (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const st = stories[0];
  console.log(`  ${st.question}? -> ${ROOMS[rooms[0]]} (answer: ${st.answer}); attention of hops 1, 2, 3:`);
  st.sentences.forEach((line, i) => {
    const w = attention.map((p) => p.data[i].toFixed(2)).join(' ');
    console.log(`    ${w}  ${line}${st.supporting.includes(i) ? '   <- supporting fact' : ''}`);
  });
  console.log();
}
