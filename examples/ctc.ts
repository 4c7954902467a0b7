// CTC on unsegmented sequences: a bidirectional GRU learns to read label sequences from noisy
// frames whose alignment it is never told, then decodes held-out sequences greedily and with a
// prefix beam search, reporting the label error rate.
//   npm run example:ctc
import * as rnn from 'rnn-wasm';
import { ctcSample, editDistance } from './ctc-data.js';
import { ctcReader } from './ctc-model.js';

await rnn.init();
rnn.manualSeed(1);
let seed = 12345;
const rng = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
};

const { run, trainStep } = ctcReader();

const t0 = performance.now();
for (let step = 1; step <= 300; step++) {
  const samples = Array.from({ length: 16 }, () => ctcSample(rng));
  const loss = trainStep(samples);
  if (step % 50 === 0) console.log(`step ${step}: CTC loss ${loss.toFixed(3)}`);
}
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

const held = Array.from({ length: 200 }, () => ctcSample(rng));
const { lp, lengths } = rnn.noGrad(() => run(held));
const total = held.reduce((a, s) => a + s.labels.length, 0);
for (const [name, decoded] of [
  ['greedy', rnn.ctcGreedyDecode(lp, lengths)],
  ['beam (width 8)', rnn.ctcBeamSearch(lp, lengths, { beamWidth: 8 })],
] as const) {
  const errors = held.reduce((a, s, i) => a + editDistance(decoded[i], s.labels), 0);
  console.log(`${name}: label error rate ${((100 * errors) / total).toFixed(2)}% over ${held.length} held-out sequences`);
}
const show = rnn.ctcGreedyDecode(lp, lengths).slice(0, 3);
held
  .slice(0, 3)
  .forEach((s, i) => console.log(`  ${s.frames.length} frames: labels ${s.labels.join(' ')} -> decoded ${show[i].join(' ')}`));
