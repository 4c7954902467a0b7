// Sequence to sequence with attention: learn to reverse sequences of letters, then print the
// attention of a decoded example as a text heatmap (each output letter reads its mirror).
//   npm run example:reverse
import * as rnn from 'rnn-wasm';
import { REVERSE_MODEL, randomWord, toIds, toText } from './reverse-data.js';

await rnn.init();
rnn.manualSeed(1);
let seed = 2024;
const random = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
}; // seeded data, reproducible figures
const newWord = () => randomWord(random);

const model = new rnn.Seq2Seq({ ...REVERSE_MODEL });
const opt = new rnn.Adam(model.parameters(), { lr: 5e-3 });
const t0 = performance.now();
for (let step = 1; step <= 400; step++) {
  const words = Array.from({ length: 32 }, newWord);
  const loss = model.loss(
    words.map(toIds),
    words.map((w) => toIds([...w].reverse().join(''))),
  );
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(model.parameters(), 5);
  opt.step();
  if (step % 100 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(3)}`);
}
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const test = Array.from({ length: 200 }, newWord);
const greedy = model.greedy(test.map(toIds));
const beam = model.beamSearch(test.map(toIds), { beamWidth: 4 });
const acc = (d: rnn.Decoded[]) => d.filter((o, i) => toText(o.tokens) === [...test[i]].reverse().join('')).length / test.length;
console.log(
  `exact reversals on ${test.length} new words: greedy ${(100 * acc(greedy)).toFixed(1)}%, beam ${(100 * acc(beam)).toFixed(1)}%\n`,
);

const word = 'abcdefg';
const [d] = model.greedy([toIds(word)]);
const shades = ' ░▒▓█';
console.log(`attention while decoding "${word}" -> "${toText(d.tokens)}" (rows: output letters, columns: input letters)`);
console.log(`    ${[...word].join(' ')}`);
d.attention.forEach((row, i) => {
  console.log(`${toText([d.tokens[i]])}   ${row.map((w) => shades[Math.min(4, Math.floor(w * 5))]).join(' ')}`);
});
