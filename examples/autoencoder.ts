// A seq2seq autoencoder: sequences are squeezed into a fixed-size code and rebuilt from it; the
// codes of similar sequences lie close together.
//   npm run example:autoencoder
import * as rnn from 'rnn-wasm';

await rnn.init();
rnn.manualSeed(2);
let seed = 2024;
const random = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
}; // seeded data, reproducible figures
const rand = (n: number) => Math.floor(random() * n);
const seq = () => Array.from({ length: 3 + rand(4) }, () => 3 + rand(8));
const ae = new rnn.Seq2Seq({ srcVocab: 11, tgtVocab: 11, embeddingDim: 16, hiddenSize: 48, encoder: 'lstm' });
const opt = new rnn.Adam(ae.parameters(), { lr: 5e-3 });
for (let step = 1; step <= 1500; step++) {
  const batch = Array.from({ length: 32 }, seq);
  const loss = ae.loss(batch, batch);
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(ae.parameters(), 5);
  opt.step();
  if (step % 300 === 0) console.log(`step ${step}: reconstruction loss ${loss.item().toFixed(3)}`);
}
const held = Array.from({ length: 200 }, seq);
const rebuilt = ae.greedy(held);
console.log(
  `exact reconstructions: ${((100 * rebuilt.filter((o, i) => o.tokens.join() === held[i].join()).length) / held.length).toFixed(1)}%`,
);

const codes = (x: number[][]) => rnn.noGrad(() => ae.code(x)).toArray();
const H = 48;
const dist = (a: Float32Array, b: Float32Array, i: number) =>
  Math.sqrt(Array.from({ length: H }, (_, j) => (a[i * H + j] - b[i * H + j]) ** 2).reduce((x, y) => x + y));
const near = held.map((s) => s.map((v, i) => (i === s.length - 1 ? 3 + ((v - 2) % 8) : v)));
const far = held.map((s) => s.map(() => 3 + rand(8)));
const [c, cn, cf] = [codes(held), codes(near), codes(far)];
const mean = (f: (i: number) => number) => held.reduce((a, _, i) => a + f(i), 0) / held.length;
console.log(`mean code distance to the same sequence with its last token changed: ${mean((i) => dist(c, cn, i)).toFixed(3)}`);
console.log(`mean code distance to an unrelated sequence of the same length:     ${mean((i) => dist(c, cf, i)).toFixed(3)}`);
