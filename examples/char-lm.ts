// The main demo: a character-level LSTM language model trained on 600 kB of Vim's help
// (examples/data/README.md: source and licence), the last 10 % held out. It reports validation
// bits per character next to what a unigram and a bigram model of the training text score on the
// same held-out text, shows a progress bar (loss, chars/s, ETA) and samples at intervals, and
// saves the model with its vocabulary, then reloads it and generates from the reloaded copy.
//   npm run demo -- [--corpus=path.txt] [--hidden=192] [--seconds=90] [--seq=64] [--batch=32] [--out=char-lm.rnnw]
import * as rnn from 'rnn-wasm';
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const corpusPath = args.corpus ?? new URL('./data/vim-help.txt', import.meta.url).pathname;
const H = Number(args.hidden ?? 192);
const seconds = Number(args.seconds ?? 90);
const T = Number(args.seq ?? 64);
const B = Number(args.batch ?? 32);
const out = args.out ?? 'char-lm.rnnw';

await rnn.init();
rnn.manualSeed(Number(args.seed ?? 1));
const text = readFileSync(corpusPath, 'utf8');
const chars = [...new Set(text)].sort();
const V = chars.length;
const index = new Map(chars.map((c, i) => [c, i]));
const all = Int32Array.from(text, (c) => index.get(c)!);
const split = Math.floor(all.length * 0.9);
const ids = all.subarray(0, split); // training text
const held = all.subarray(split); // validation text, never trained on
console.log(
  `corpus ${corpusPath}: ${text.length} characters, ${V} distinct; ${ids.length} to train on, ${held.length} held out; LSTM(${H}), windows of ${T}, batch ${B}, ${seconds} s`,
);

// Baselines on the held-out text, from counts over the training text (add-one smoothing)
const unigram = new Float64Array(V).fill(1);
const bigram = Array.from({ length: V }, () => new Float64Array(V).fill(1));
for (let i = 0; i < ids.length; i++) {
  unigram[ids[i]]++;
  if (i > 0) bigram[ids[i - 1]][ids[i]]++;
}
const uniTotal = unigram.reduce((a, b) => a + b, 0);
const rowTotals = bigram.map((r) => r.reduce((a, b) => a + b, 0));
let uniBits = 0;
let biBits = 0;
for (let i = 1; i < held.length; i++) {
  uniBits -= Math.log2(unigram[held[i]] / uniTotal);
  biBits -= Math.log2(bigram[held[i - 1]][held[i]] / rowTotals[held[i - 1]]);
}
uniBits /= held.length - 1;
biBits /= held.length - 1;
console.log(
  `held-out bits per character: unigram ${uniBits.toFixed(3)}, bigram ${biBits.toFixed(3)} (a uniform guess: ${Math.log2(V).toFixed(3)})`,
);
console.log(`backend: ${JSON.stringify(rnn.backendInfo())}\n`);

const model = new rnn.Sequential(
  new rnn.Embedding({ numEmbeddings: V, embeddingDim: 32 }),
  new rnn.LSTM({ inputSize: 32, hiddenSize: H, forgetBias: 1 }),
  new rnn.Linear({ inFeatures: H, outFeatures: V }),
);
const [emb, lstm, head] = model.layers as [rnn.Embedding, rnn.LSTM, rnn.Linear];
const opt = new rnn.Adam(model.parameters(), { lr: 3e-3 });

// Validation: the model's cross-entropy on 64 fixed held-out windows (each scored after a warm-up
// of the window's first half, so every scored character has context), in bits per character.
const evalWindows = Array.from({ length: 64 }, (_, k) => Math.floor((k * (held.length - 2 * T - 1)) / 64));
function validationBits(): number {
  return rnn.noGrad(() => {
    model.eval();
    const x = evalWindows.map((s) => Array.from(held.subarray(s, s + 2 * T)));
    const y = evalWindows.map((s) => Array.from(held.subarray(s + 1, s + 2 * T + 1), (c, t) => (t < T ? -100 : c)));
    const loss = rnn.crossEntropy(model.forward(rnn.tensor(x)), y).item();
    model.train();
    return loss / Math.LN2;
  });
}

function batch(): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let b = 0; b < B; b++) {
    const s = Math.floor(Math.random() * (ids.length - T - 1));
    x.push(Array.from(ids.subarray(s, s + T)));
    y.push(Array.from(ids.subarray(s + 1, s + T + 1)));
  }
  return { x, y };
}

// Sampling: feed the prompt, then one character at a time, carrying (h, c) between calls.
function sample(prompt: string, n: number, temperature = 0.7): string {
  return sampleWith(emb, lstm, head, chars, prompt, n, temperature);
}

function sampleWith(
  emb: rnn.Embedding,
  lstm: rnn.LSTM,
  head: rnn.Linear,
  chars: string[],
  prompt: string,
  n: number,
  temperature = 0.7,
): string {
  const index = new Map(chars.map((c, i) => [c, i]));
  const V = chars.length;
  return rnn.noGrad(() => {
    let state: { h0?: rnn.Tensor; c0?: rnn.Tensor } = {};
    let outText = '';
    let next = [...prompt].map((c) => index.get(c) ?? 0);
    for (let i = 0; i < n; i++) {
      const r = lstm.forward(emb.forward([next]), state);
      state = { h0: r.hN, c0: r.cN };
      const logits = head.forward(rnn.ops.select(r.output, 1, -1));
      const p = rnn.ops.softmax(rnn.ops.mul(logits, 1 / temperature)).toArray();
      let u = Math.random();
      let c = 0;
      for (; c < V - 1; c++) {
        u -= p[c];
        if (u <= 0) break;
      }
      outText += chars[c];
      next = [c];
    }
    return outText;
  });
}

const bar = (frac: number, width = 24) => '█'.repeat(Math.round(frac * width)).padEnd(width, '·');
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const t0 = performance.now();
let step = 0;
let avg = Math.log(V);
let nextSample = 0;
let lastDraw = 0;
const samples = 4;
for (;;) {
  const elapsed = (performance.now() - t0) / 1000;
  if (elapsed >= nextSample * (seconds / samples) || elapsed >= seconds) {
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    console.log(
      `— after ${step} steps (${clock(elapsed)}), loss ${avg.toFixed(3)}, validation ${validationBits().toFixed(3)} bits/char:\n  ${JSON.stringify(sample('The ', 160))}\n`,
    );
    nextSample++;
  }
  if (elapsed >= seconds) break;
  const { x, y } = batch();
  const logits = model.forward(rnn.tensor(x));
  const loss = rnn.crossEntropy(logits, y);
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(model.parameters(), 5);
  opt.step();
  step++;
  avg = 0.95 * avg + 0.05 * loss.item();
  const e = (performance.now() - t0) / 1000;
  const rate = (step * B * T) / e;
  const line = `${bar(Math.min(e / seconds, 1))} ${clock(e)} step ${step}  loss ${avg.toFixed(3)}  ${Math.round(rate).toLocaleString('en')} chars/s  ETA ${clock(Math.max(seconds - e, 0))}`;
  // redraw at most 10 times a second on a terminal; elsewhere (CI logs, pipes) a line per 10%
  if (process.stdout.isTTY) {
    if (e - lastDraw >= 0.1) {
      process.stdout.write(`\r${line}`);
      lastDraw = e;
    }
  } else if (Math.floor((10 * e) / seconds) > Math.floor((10 * lastDraw) / seconds)) {
    console.log(line);
    lastDraw = e;
  }
}
if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
const finalBits = validationBits();
console.log(`trained ${step} steps in ${clock((performance.now() - t0) / 1000)}; training loss ${avg.toFixed(3)} nats/char`);
console.log(
  `held-out bits per character: LSTM ${finalBits.toFixed(3)}, bigram ${biBits.toFixed(3)}, unigram ${uniBits.toFixed(3)}, uniform ${Math.log2(V).toFixed(3)}`,
);
// the vocabulary travels with the model, so the file alone is enough to generate text again
await rnn.saveFile(model, out, {
  metadata: { vocab: JSON.stringify(chars), corpus: corpusPath, validationBitsPerChar: finalBits.toFixed(4) },
});
const saved = rnn.fromBytes(readFileSync(out));
const again = rnn.load<rnn.Sequential>(saved);
const vocab: string[] = JSON.parse(saved.metadata!.vocab);
console.log(`saved to ${out} (${again.numParameters().toLocaleString('en')} parameters, with its ${vocab.length}-character vocabulary)`);
console.log(`reloaded: rnn.load(rnn.fromBytes(readFileSync('${out}'))) — and from the reloaded model:`);
const [e2, l2, h2] = again.layers as [rnn.Embedding, rnn.LSTM, rnn.Linear];
console.log(`  ${JSON.stringify(sampleWith(e2, l2, h2, vocab, 'The ', 120))}`);
