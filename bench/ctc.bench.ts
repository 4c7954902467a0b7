// W6: CTC loss forward + backward at T=200, B=16, C=30, target length 50 (BENCHMARKS.md), beside
// PyTorch's CPU ctc_loss on one thread when Debian's python3-torch is installed (same shapes,
// measured by a child process in this run), and the figure BENCHMARKS.md lists for it.
//   node --experimental-wasm-relaxed-simd scripts/run.mjs bench/ctc.bench.ts [--threads=2]
// With --threads=2 it also times one thread against two in alternation (the sequences are shared).
import * as rnn from '../src/node.js';
import { shareWork } from '../src/backend/wasm.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { alternateThreads, fmt, printTable, randomArray, timeIt } from './util.js';

const [T, B, C, S] = [200, 16, 30, 50];
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const threads = Number(args.threads ?? 1);
await rnn.init({ threads });
const logits = rnn.tensor(randomArray(T * B * C, 1), [T, B, C]);
const lp = rnn.noGrad(() => rnn.ops.logSoftmax(logits, 2));
let s = 7;
const nextLabel = () => {
  s = (s * 48271) % 2147483647;
  return 1 + (s % (C - 1));
};
const targets = Array.from({ length: B }, () => Array.from({ length: S }, nextLabel));
const leaf = rnn.tensor(lp.toArray(), [T, B, C], { requiresGrad: true });
const step = () => {
  leaf.grad = null;
  rnn.ctcLoss(leaf, targets, new Array(B).fill(T), new Array(B).fill(S)).backward();
};
if (threads > 1) shareWork(false);
const ours = await timeIt(step, { reps: 9 });
let threadRow: string[] | null = null;
if (threads > 1) {
  const { one, all } = alternateThreads(step, 15);
  threadRow = [`rnn-wasm, 1 / ${threads} threads (alternating)`, `${fmt(one)} / ${fmt(all)}`, `${fmt(one / all, 2)}× from threads`];
}

let torchMs = NaN;
if (existsSync('/usr/bin/python3')) {
  const py = `
import torch, time
torch.set_num_threads(1)
T,B,C,S=${T},${B},${C},${S}
lp=torch.randn(T,B,C).log_softmax(2).detach().requires_grad_(True)
tg=torch.randint(1,C,(B,S))
il=torch.full((B,),T,dtype=torch.long); tl=torch.full((B,),S,dtype=torch.long)
ts=[]
for i in range(12):
    t0=time.perf_counter(); torch.nn.functional.ctc_loss(lp,tg,il,tl).backward(); ts.append(time.perf_counter()-t0)
ts=sorted(ts[2:]); print(ts[len(ts)//2]*1000)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.status === 0) torchMs = Number(r.stdout.trim());
}
printTable(
  ['W6: CTC fwd+bwd, T=200 B=16 C=30 S=50', 'ms', 'rnn-wasm speed-up'],
  [
    ['rnn-wasm (wasm, 1 thread)', fmt(ours), '1.0×'],
    ['PyTorch CPU, 1 thread, measured here', fmt(torchMs), `${fmt(torchMs / ours, 2)}×`],
    ['PyTorch 1.13 CPU, 1 thread, BENCHMARKS.md', '17.10', `${fmt(17.1 / ours, 2)}×`],
    ...(threadRow ? [threadRow] : []),
  ],
);
