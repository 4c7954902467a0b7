// The recurrent workloads of BENCHMARKS.md (W1-W5) for rnn-wasm and TensorFlow.js (cpu and wasm
// backends, one thread), measured side by side in this process, and PyTorch on one thread (Debian's
// python3-torch, a child process in the same run; skipped with a note where absent). Prints
// medians in ms and the speed-up of rnn-wasm over each peer.
// With --threads=N (N > 1) a column gives the speed-up of N threads over one, timed in alternation
// in this process (the machine's speed drifts over minutes: separate runs do not compare).
//   node scripts/run.mjs bench/recurrent.bench.ts [--only=W1,W3] [--peers=wasm,torch,cpu|none] [--reps=5] [--threads=2]
// (tfjs's cpu backend only when --peers names it: on W2 alone it runs for over 20 minutes)
import * as rnn from '../src/node.js';
import { alternateThreads, fmt, printTable, randomArray, runTorch, timeIt } from './util.js';
import { useTf } from './tfjs.js';
import { gflops, loadCeilingFor } from './ceiling.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const only = args.only ? String(args.only).split(',') : ['W1', 'W2', 'W3', 'W4', 'W5'];
const peers = args.peers === 'none' ? [] : args.peers ? String(args.peers).split(',') : ['wasm', 'torch'];
const reps = Number(args.reps ?? 5);
const threads = Number(args.threads ?? 1);

type Kind = 'LSTM' | 'GRU' | 'RNN';
interface Workload {
  id: string;
  what: string;
  kind: Kind;
  layers: number;
  I: number;
  H: number;
  B: number;
  T: number;
  train: boolean;
}
const WORKLOADS: Workload[] = [
  { id: 'W1', what: 'LSTM inference, 1×64→256, B=1, T=100', kind: 'LSTM', layers: 1, I: 64, H: 256, B: 1, T: 100, train: false },
  { id: 'W2', what: 'LSTM inference, 2 layers 128→512, B=16, T=50', kind: 'LSTM', layers: 2, I: 128, H: 512, B: 16, T: 50, train: false },
  {
    id: 'W3',
    what: 'LSTM train step, 128→256, B=32, T=50, Linear→10, MSE, Adam',
    kind: 'LSTM',
    layers: 1,
    I: 128,
    H: 256,
    B: 32,
    T: 50,
    train: true,
  },
  { id: 'W4', what: 'GRU train step, as W3', kind: 'GRU', layers: 1, I: 128, H: 256, B: 32, T: 50, train: true },
  { id: 'W5', what: 'RNN (tanh) train step, as W3', kind: 'RNN', layers: 1, I: 128, H: 256, B: 32, T: 50, train: true },
];

function ours(w: Workload): () => void {
  rnn.manualSeed(1);
  const Ctor = { LSTM: rnn.LSTM, GRU: rnn.GRU, RNN: rnn.RNN }[w.kind];
  const layer = new Ctor({ inputSize: w.I, hiddenSize: w.H, numLayers: w.layers });
  const x = rnn.tensor(randomArray(w.B * w.T * w.I, 3), [w.B, w.T, w.I]);
  if (!w.train) return () => rnn.noGrad(() => layer.forward(x).output);
  const head = new rnn.Linear({ inFeatures: w.H, outFeatures: 10 });
  const y = rnn.tensor(randomArray(w.B * 10, 4), [w.B, 10]);
  const opt = new rnn.Adam([...layer.parameters(), ...head.parameters()], { lr: 1e-3 });
  return () => {
    const h = layer.forward(x).hN; // [1,B,H]: the last step
    const loss = rnn.mse(head.forward(rnn.ops.select(h, 0, 0)), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  };
}

async function peer(w: Workload, backend: 'cpu' | 'wasm'): Promise<{ run: () => void; dispose: () => void }> {
  const tf = await useTf(backend);
  const model = tf.sequential();
  for (let l = 0; l < w.layers; l++) {
    const cfg = { units: w.H, returnSequences: !w.train || l < w.layers - 1, ...(l === 0 ? { inputShape: [w.T, w.I] } : {}) };
    model.add(w.kind === 'LSTM' ? tf.layers.lstm(cfg) : w.kind === 'GRU' ? tf.layers.gru(cfg) : tf.layers.simpleRNN(cfg));
  }
  const x = tf.tensor3d(randomArray(w.B * w.T * w.I, 3), [w.B, w.T, w.I]);
  if (!w.train) {
    return {
      run: () => tf.tidy(() => (model.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync()),
      dispose: () => {
        x.dispose();
        model.dispose();
      },
    };
  }
  model.add(tf.layers.dense({ units: 10 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const y = tf.tensor2d(randomArray(w.B * 10, 4), [w.B, 10]);
  return {
    run: async () => {
      await model.trainOnBatch(x, y);
    },
    dispose: () => {
      x.dispose();
      y.dispose();
      model.dispose();
    },
  } as never;
}

/**
 * The floating-point work of a workload: every layer's x·W_ihᵀ and h·W_hhᵀ over all steps; a
 * training step adds their backward products (dW_ih, dh·W_hh, dW_hh; not dx of the first layer,
 * whose input needs no gradient). The elementwise gate work and the head are left out.
 */
function flops(w: Workload): number {
  const G = { LSTM: 4, GRU: 3, RNN: 1 }[w.kind] * w.H;
  let f = 0;
  for (let l = 0; l < w.layers; l++) {
    const I = l === 0 ? w.I : w.H;
    f += 2 * w.B * w.T * G * (I + w.H);
    if (w.train) f += 2 * w.B * w.T * G * ((l === 0 ? I : 2 * I) + 2 * w.H);
  }
  return f;
}

/** PyTorch's medians (ms) for the workloads, one thread, or a note of why there are none. */
function torchTimes(ws: Workload[]): { ms: Record<string, number>; note: string } {
  return runTorch(`
for w in json.loads('${JSON.stringify(ws)}'):
    cls = {'LSTM': torch.nn.LSTM, 'GRU': torch.nn.GRU, 'RNN': torch.nn.RNN}[w['kind']]
    layer = cls(w['I'], w['H'], num_layers=w['layers'], batch_first=True)
    x = torch.randn(w['B'], w['T'], w['I'])
    if not w['train']:
        def run():
            with torch.no_grad(): layer(x)
    else:
        head = torch.nn.Linear(w['H'], 10); y = torch.randn(w['B'], 10)
        opt = torch.optim.Adam(list(layer.parameters()) + list(head.parameters()), 1e-3)
        def run():
            h = layer(x)[1]
            h = h[0] if w['kind'] == 'LSTM' else h
            loss = torch.nn.functional.mse_loss(head(h[-1]), y)
            opt.zero_grad(); loss.backward(); opt.step()
    out[w['id']] = med(run, 5)
`);
}

async function main() {
  await rnn.init({ threads });
  const info = rnn.backendInfo();
  console.log(
    `rnn-wasm ${info.version}, SIMD ${info.simd}, relaxed SIMD ${info.relaxedSimd}, ${info.threads} thread(s), Node ${process.version}\n`,
  );
  const rows: string[][] = [];
  const chosen = WORKLOADS.filter((x) => only.includes(x.id));
  const ceiling = await loadCeilingFor(info.relaxedSimd);
  const gemmRows: string[][] = [];
  const torch = peers.includes('torch') ? torchTimes(chosen) : { ms: {} as Record<string, number>, note: '' };
  for (const w of chosen) {
    const fn = ours(w);
    const t = await timeIt(fn, { warmup: 2, reps, minMs: 500 });
    const row = [w.id, w.what, fmt(t)];
    // GFLOP/s, and the ceiling kernel on the step's product [B×H]·[H×G] timed right after
    const G = { LSTM: 4, GRU: 3, RNN: 1 }[w.kind] * w.H;
    const rate = flops(w) / 1e6 / t;
    const ceil = ceiling ? gflops(ceiling.kernel.prepare(w.B, w.H, G), w.B, w.H, G) : Number.NaN;
    gemmRows.push([
      w.id,
      `[${w.B}×${w.H}]·[${w.H}×${G}]`,
      fmt(flops(w) / 1e9, 2),
      fmt(rate),
      fmt(ceil),
      ceiling ? `${fmt((100 * rate) / ceil, 0)} %` : '—',
    ]);
    if (threads > 1) {
      const a = alternateThreads(fn, Math.max(reps, 9));
      row.push(`${fmt(a.one)} / ${fmt(a.all)} = ${fmt(a.one / a.all, 2)}×`);
    }
    for (const p of ['wasm', 'cpu']) {
      if (!peers.includes(p)) {
        row.push('—', '—');
        continue;
      }
      const { run, dispose } = await peer(w, p as 'cpu' | 'wasm');
      const slow = p === 'cpu' && w.id !== 'W1';
      const tp = await timeIt(run, { warmup: 1, reps: slow ? Math.min(reps, 3) : reps, minMs: slow ? 0 : 500 });
      dispose();
      row.push(fmt(tp), `${fmt(tp / t, 1)}×`);
    }
    const pt = torch.ms[w.id];
    row.push(pt === undefined ? '—' : fmt(pt), pt === undefined ? '—' : `${fmt(pt / t, 2)}×`);
    rows.push(row);
    console.error(`${w.id} done`);
  }
  const threadCol = threads > 1 ? [`1 thread / ${threads} ms (alternating)`] : [];
  printTable(
    ['id', 'workload', 'rnn-wasm ms', ...threadCol, 'tfjs-wasm ms', 'speed-up', 'tfjs-cpu ms', 'speed-up', 'PyTorch 1t ms', 'speed-up'],
    rows,
  );
  if (torch.note) console.log(`\n${torch.note}`);
  console.log(
    `\nEnd to end against the ${ceiling?.name ?? 'SIMD'} ceiling kernel (bench/ceiling.ts) on each workload's step product, timed right after it:\n`,
  );
  printTable(['id', 'ceiling shape', 'GFLOP', 'rnn-wasm GFLOP/s', 'ceiling GFLOP/s', 'fraction'], gemmRows);
}

await main();
