// The main demo: a character-level LSTM language model trained on a text shipped in the repo,
// with a progress bar (loss, chars/s, ETA), samples at intervals that improve as it learns, and
// the trained model saved at the end.
//   npm run demo -- [--corpus=path.txt] [--hidden=192] [--seconds=90] [--seq=64] [--batch=32] [--out=char-lm.rnnw]
import * as rnn from 'rnn-wasm';
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const corpusPath = args.corpus ?? new URL('./data/lighthouse.txt', import.meta.url).pathname;
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
const ids = Int32Array.from(text, (c) => index.get(c)!);
console.log(`corpus ${corpusPath}: ${text.length} characters, ${V} distinct; LSTM(${H}), windows of ${T}, batch ${B}, ${seconds} s`);
console.log(`backend: ${JSON.stringify(rnn.backendInfo())}\n`);

const model = new rnn.Sequential(
  new rnn.Embedding({ numEmbeddings: V, embeddingDim: 32 }),
  new rnn.LSTM({ inputSize: 32, hiddenSize: H, forgetBias: 1 }),
  new rnn.Linear({ inFeatures: H, outFeatures: V }),
);
const [emb, lstm, head] = model.layers as [rnn.Embedding, rnn.LSTM, rnn.Linear];
const opt = new rnn.Adam(model.parameters(), { lr: 3e-3 });

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
    console.log(`— after ${step} steps (${clock(elapsed)}), loss ${avg.toFixed(3)}:\n  ${JSON.stringify(sample('The ', 160))}\n`);
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
console.log(
  `trained ${step} steps in ${clock((performance.now() - t0) / 1000)}; final loss ${avg.toFixed(3)} (a uniform guess: ${Math.log(V).toFixed(3)})`,
);
await rnn.saveFile(model, out);
const back = await rnn.loadFile(out);
console.log(
  `saved to ${out} (${back
    .parameters()
    .reduce((a, p) => a + p.size, 0)
    .toLocaleString('en')} parameters); reload it with rnn.loadFile('${out}')`,
);
