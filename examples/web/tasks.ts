// The playground's training tasks, run inside a module Worker: each is a loop of training steps
// that reports every few steps (a loss point, and the panel's own view) until it is stopped.
// The models and data are those of examples/*.ts, sized for a browser tab.
import * as rnn from 'rnn-wasm';
import { ctcSample, editDistance } from '../ctc-data.js';
import { ctcReader } from '../ctc-model.js';
import { REVERSE_MODEL, randomWord, toIds, toText } from '../reverse-data.js';
import { copyBatch, mulberry32 } from '../copy-data.js';
import type { FromWorker, Heatmap, TaskName, TaskOptions } from './protocol.js';

/** Where a task reports, and how it learns it should stop. */
export interface TaskContext {
  post: (m: FromWorker) => void;
  stopped: () => boolean;
}

/** Lets the Worker read its messages (a stop) between steps. */
const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

/** One optimiser step on `loss`, the gradients clipped to norm `clip` first. */
function update(opt: rnn.Optimizer, loss: rnn.Tensor, clip: number): void {
  opt.zeroGrad();
  loss.backward();
  rnn.clipGradNorm(opt.params, clip);
  opt.step();
}

const heat = (values: number[][], rows: string[], cols: string[]): Heatmap => ({ rows, cols, values });

/** A character-level LSTM / GRU language model on the given text; samples as it learns. */
async function charlm(ctx: TaskContext, o: TaskOptions): Promise<number> {
  const text = (o.text ?? '').slice(0, 200_000);
  if (text.length < 200) throw new Error(`the training text needs at least 200 characters, got ${text.length}`);
  const chars = [...new Set(text)].sort();
  const V = chars.length;
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = Int32Array.from(text, (c) => index.get(c) ?? 0);
  const H = o.hiddenSize ?? 128;
  const [T, B] = [48, 16];
  const emb = new rnn.Embedding({ numEmbeddings: V, embeddingDim: 32 });
  const cell = o.cell === 'gru' ? new rnn.GRU({ inputSize: 32, hiddenSize: H }) : new rnn.LSTM({ inputSize: 32, hiddenSize: H });
  const head = new rnn.Linear({ inFeatures: H, outFeatures: V });
  const params = [...emb.parameters(), ...cell.parameters(), ...head.parameters()];
  const opt = new rnn.Adam(params, { lr: 3e-3 });
  const rng = mulberry32(o.seed ?? 1);
  const sample = (n: number): string =>
    rnn.noGrad(() => {
      let state: { h0?: rnn.Tensor; c0?: rnn.Tensor } = {};
      let next = [index.get(text[0]) ?? 0];
      let out = text[0];
      for (let i = 0; i < n; i++) {
        const r = cell.forward(emb.forward([next]), state);
        state = { h0: r.hN, ...(r.cN ? { c0: r.cN } : {}) };
        const p = rnn.ops.softmax(rnn.ops.mul(head.forward(rnn.ops.select(r.output, 1, -1)), 1 / 0.8)).toArray();
        let u = rng();
        let c = 0;
        for (; c < V - 1; c++) {
          u -= p[c];
          if (u <= 0) break;
        }
        out += chars[c];
        next = [c];
      }
      return out;
    });
  const t0 = performance.now();
  let step = 0;
  while (!ctx.stopped()) {
    const x: number[][] = [];
    const y: number[][] = [];
    for (let b = 0; b < B; b++) {
      const s = Math.floor(rng() * (ids.length - T - 1));
      x.push(Array.from(ids.subarray(s, s + T)));
      y.push(Array.from(ids.subarray(s + 1, s + T + 1)));
    }
    const logits = head.forward(cell.forward(emb.forward(x)).output);
    const loss = rnn.crossEntropy(logits, y);
    update(opt, loss, 5);
    step++;
    if (step % 5 === 0) {
      const seconds = (performance.now() - t0) / 1000;
      const lines = step % 25 === 0 ? [sample(160)] : undefined;
      ctx.post({
        type: 'progress',
        step,
        loss: loss.item() / Math.LN2,
        lines,
        rate: `${Math.round((step * B * T) / seconds).toLocaleString('en')} chars/s`,
      });
    }
    await yieldToEvents();
  }
  return step;
}

/** Seq2seq with attention learns to reverse words; shows the attention of one decoded word. */
async function reverse(ctx: TaskContext, o: TaskOptions): Promise<number> {
  const rng = mulberry32(o.seed ?? 2);
  const word = () => randomWord(rng);
  const model = new rnn.Seq2Seq({ ...REVERSE_MODEL });
  const opt = new rnn.Adam(model.parameters(), { lr: 5e-3 });
  let step = 0;
  while (!ctx.stopped()) {
    const words = Array.from({ length: 32 }, word);
    const loss = model.loss(
      words.map(toIds),
      words.map((w) => toIds([...w].reverse().join(''))),
    );
    update(opt, loss, 5);
    step++;
    if (step % 5 === 0) {
      const probe = 'abcdefgh';
      const [d] = model.greedy([toIds(probe)]);
      const test = Array.from({ length: 50 }, word);
      const exact = model.greedy(test.map(toIds)).filter((r, i) => toText(r.tokens) === [...test[i]].reverse().join('')).length;
      ctx.post({
        type: 'progress',
        step,
        loss: loss.item(),
        lines: [`"${probe}" → "${toText(d.tokens)}"`, `exact reversals of 50 new words: ${exact}`],
        heatmaps: { attention: heat(d.attention, [...toText(d.tokens), '⏎'].slice(0, d.attention.length), [...probe]) },
      });
    }
    await yieldToEvents();
  }
  return step;
}

/** A bidirectional GRU with CTC reads label sequences from unsegmented noisy frames. */
async function ctc(ctx: TaskContext, o: TaskOptions): Promise<number> {
  let seed = o.seed ?? 12345;
  const rng = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const { run, trainStep } = ctcReader();
  const held = Array.from({ length: 40 }, () => ctcSample(rng));
  let step = 0;
  while (!ctx.stopped()) {
    const samples = Array.from({ length: 16 }, () => ctcSample(rng));
    const loss = trainStep(samples);
    step++;
    if (step % 5 === 0) {
      const r = rnn.noGrad(() => run(held));
      const decoded = rnn.ctcGreedyDecode(r.lp, r.lengths);
      const errors = held.reduce((a, s, i) => a + editDistance(decoded[i], s.labels), 0);
      const total = held.reduce((a, s) => a + s.labels.length, 0);
      const s0 = held[0];
      const frames = s0.frames.map((f) => f.map((v) => Math.min(1, Math.max(0, (v + 0.5) / 2))));
      ctx.post({
        type: 'progress',
        step,
        loss,
        lines: [
          `labels ${s0.labels.join(' ')} → decoded ${decoded[0].join(' ') || '(nothing yet)'}`,
          `label error rate on 40 held-out sequences: ${((100 * errors) / total).toFixed(1)} %`,
        ],
        heatmaps: {
          signal: heat(
            frames[0].map((_, f) => frames.map((fr) => fr[f])),
            frames[0].map((_, f) => (f < 4 ? `label ${f + 1}` : `noise ${f - 3}`)),
            frames.map((_, t) => String(t)),
          ),
        },
      });
    }
    await yieldToEvents();
  }
  return step;
}

/** The NTM copy task; shows where its write and read heads look in memory at each step. */
async function ntm(ctx: TaskContext, o: TaskOptions): Promise<number> {
  const W = 4;
  const rng = mulberry32(o.seed ?? 3);
  const model = new rnn.NTM({ inputSize: W + 1, outputSize: W, controllerSize: 64, memorySize: 20, memoryWidth: 8 });
  const opt = new rnn.Adam(model.parameters(), { lr: 3e-3 });
  let step = 0;
  while (!ctx.stopped()) {
    const L = 1 + Math.floor(rng() * 6);
    const { x, y, T } = copyBatch(rng, 16, L, W);
    const pred = rnn.ops.slice(model.forward(rnn.tensor(x, [16, T, W + 1])).output, 1, L + 1);
    const loss = rnn.bceWithLogits(pred, rnn.tensor(y, [16, L, W]));
    update(opt, loss, 10);
    step++;
    if (step % 10 === 0) {
      const probe = copyBatch(mulberry32(99), 1, 6, W);
      const out = rnn.noGrad(() => model.forward(rnn.tensor(probe.x, [1, probe.T, W + 1])));
      const bits = rnn.ops.slice(out.output, 1, 7).toArray();
      const wrong = bits.reduce((e, v, i) => e + ((v > 0 ? 1 : 0) === probe.y[i] ? 0 : 1), 0);
      const steps = Array.from({ length: probe.T }, (_, t) => String(t));
      const cells = Array.from({ length: 20 }, (_, n) => String(n));
      const rows = (ws: rnn.Tensor[][]) => cells.map((_, n) => ws.map((w) => w[0].data[n]));
      ctx.post({
        type: 'progress',
        step,
        loss: loss.item(),
        lines: [`copying 6 vectors of 4 bits: ${wrong} of 24 bits wrong`],
        heatmaps: { write: heat(rows(out.writeWeights), cells, steps), read: heat(rows(out.readWeights), cells, steps) },
      });
    }
    await yieldToEvents();
  }
  return step;
}

/** The tasks by name. */
export const TASKS: Record<TaskName, (ctx: TaskContext, o: TaskOptions) => Promise<number>> = { charlm, reverse, ctc, ntm };
