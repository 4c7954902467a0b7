import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// examples/char-lm.ts
import * as rnn from "rnn-wasm";
import { readFileSync } from "node:fs";
var args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
var corpusPath = args.corpus ?? new URL("./data/lighthouse.txt", import.meta.url).pathname;
var H = Number(args.hidden ?? 192);
var seconds = Number(args.seconds ?? 90);
var T = Number(args.seq ?? 64);
var B = Number(args.batch ?? 32);
var out = args.out ?? "char-lm.rnnw";
await rnn.init();
rnn.manualSeed(Number(args.seed ?? 1));
var text = readFileSync(corpusPath, "utf8");
var chars = [...new Set(text)].sort();
var V = chars.length;
var index = new Map(chars.map((c, i) => [c, i]));
var ids = Int32Array.from(text, (c) => index.get(c));
console.log(`corpus ${corpusPath}: ${text.length} characters, ${V} distinct; LSTM(${H}), windows of ${T}, batch ${B}, ${seconds} s`);
console.log(`backend: ${JSON.stringify(rnn.backendInfo())}
`);
var model = new rnn.Sequential(
  new rnn.Embedding({ numEmbeddings: V, embeddingDim: 32 }),
  new rnn.LSTM({ inputSize: 32, hiddenSize: H, forgetBias: 1 }),
  new rnn.Linear({ inFeatures: H, outFeatures: V })
);
var [emb, lstm, head] = model.layers;
var opt = new rnn.Adam(model.parameters(), { lr: 3e-3 });
function batch() {
  const x = [];
  const y = [];
  for (let b = 0; b < B; b++) {
    const s = Math.floor(Math.random() * (ids.length - T - 1));
    x.push(Array.from(ids.subarray(s, s + T)));
    y.push(Array.from(ids.subarray(s + 1, s + T + 1)));
  }
  return { x, y };
}
function sample(prompt, n, temperature = 0.7) {
  return rnn.noGrad(() => {
    let state = {};
    let outText = "";
    let next = [...prompt].map((c) => index.get(c) ?? 0);
    for (let i = 0; i < n; i++) {
      const r = lstm.forward(emb.forward([next]), state);
      state = { h0: r.hN, c0: r.cN };
      const logits = head.forward(rnn.ops.select(r.output, 1, -1));
      const p = rnn.ops.softmax(rnn.ops.mul(logits, 1 / temperature)).toArray();
      let u = Math.random();
      let c = 0;
      while (c < V - 1 && (u -= p[c]) > 0) c++;
      outText += chars[c];
      next = [c];
    }
    return outText;
  });
}
var bar = (frac, width = 24) => "\u2588".repeat(Math.round(frac * width)).padEnd(width, "\xB7");
var clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
var t0 = performance.now();
var step = 0;
var avg = Math.log(V);
var nextSample = 0;
var samples = 4;
for (; ; ) {
  const elapsed = (performance.now() - t0) / 1e3;
  if (elapsed >= nextSample * (seconds / samples) || elapsed >= seconds) {
    process.stdout.write("\r\x1B[K");
    console.log(`\u2014 after ${step} steps (${clock(elapsed)}), loss ${avg.toFixed(3)}:
  ${JSON.stringify(sample("The ", 160))}
`);
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
  const e = (performance.now() - t0) / 1e3;
  const rate = step * B * T / e;
  process.stdout.write(`\r${bar(Math.min(e / seconds, 1))} ${clock(e)} step ${step}  loss ${avg.toFixed(3)}  ${Math.round(rate).toLocaleString("en")} chars/s  ETA ${clock(Math.max(seconds - e, 0))}`);
}
process.stdout.write("\r\x1B[K");
console.log(`trained ${step} steps in ${clock((performance.now() - t0) / 1e3)}; final loss ${avg.toFixed(3)} (a uniform guess: ${Math.log(V).toFixed(3)})`);
await rnn.saveFile(model, out);
var back = await rnn.loadFile(out);
console.log(`saved to ${out} (${back.parameters().reduce((a, p) => a + p.size, 0).toLocaleString("en")} parameters); reload it with rnn.loadFile('${out}')`);
