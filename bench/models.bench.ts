// The composed workloads of BENCHMARKS.md (W7–W11) for rnn-wasm, beside PyTorch on one thread
// measured by a child process in the same run (Debian's python3-torch; skipped with a note where
// absent). Prints medians in ms and rnn-wasm's speed-up (> 1: faster).
//   node --experimental-wasm-relaxed-simd scripts/run.mjs bench/models.bench.ts [--threads=2]
// (with --threads=2 every row runs on two threads, and W7 and W8 are also timed on one against two)
import * as rnn from '../src/node.js';
import { gflops, loadCeilingFor } from './ceiling.js';
import { alternateThreads, fmt, printTable, randomArray, runTorch, timeAlternating, timeIt } from './util.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
await rnn.init({ threads: Number(args.threads ?? 1) });
const { ops } = rnn;

function w7(): () => void {
  rnn.manualSeed(1);
  const model = new rnn.Sequential(
    new rnn.Embedding({ numEmbeddings: 65, embeddingDim: 32 }),
    new rnn.LSTM({ inputSize: 32, hiddenSize: 192 }),
    new rnn.Linear({ inFeatures: 192, outFeatures: 65 }),
  );
  const opt = new rnn.Adam(model.parameters(), { lr: 1e-3 });
  const ids = Array.from({ length: 32 }, (_, b) => Array.from({ length: 64 }, (_, t) => (b * 7 + t * 3) % 65));
  const targets = ids.map((s) => s.map((v) => (v + 1) % 65));
  const x = rnn.tensor(ids);
  return () => {
    const loss = rnn.crossEntropy(model.forward(x), targets);
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(model.parameters(), 5);
    opt.step();
  };
}

function w8(): () => void {
  rnn.manualSeed(2);
  const cell = new rnn.LSTMCell({ inputSize: 64, hiddenSize: 256 });
  const xs = Array.from({ length: 200 }, (_, i) => rnn.tensor(randomArray(64, i + 1), [1, 64]));
  return () =>
    rnn.noGrad(() => {
      let s: { h?: rnn.Tensor; c?: rnn.Tensor } = {};
      for (const x of xs) s = cell.forward(x, s);
    });
}

function w9(): () => void {
  const keys = rnn.tensor(randomArray(16 * 30 * 128, 3), [16, 30, 128], { requiresGrad: true });
  const qs = Array.from({ length: 20 }, (_, i) => rnn.tensor(randomArray(16 * 128, 10 + i), [16, 1, 128], { requiresGrad: true }));
  return () => {
    keys.grad = null;
    let loss = rnn.tensor(0);
    const kt = ops.transpose(keys, 1, 2);
    for (const q of qs) {
      const w = ops.softmax(ops.matmul(q, kt), -1); // [16,1,30]
      loss = ops.add(loss, ops.sum(ops.tanh(ops.matmul(w, keys))));
    }
    loss.backward();
  };
}

// W9 with the Bahdanau scorer: nn.Attention('additive'), A = 128 (it projects the unchanged keys once)
function w9additive(): () => void {
  rnn.manualSeed(3);
  const att = new rnn.Attention({ kind: 'additive', querySize: 128, keySize: 128, hiddenSize: 128 });
  const keys = rnn.tensor(randomArray(16 * 30 * 128, 3), [16, 30, 128], { requiresGrad: true });
  const qs = Array.from({ length: 20 }, (_, i) => rnn.tensor(randomArray(16 * 128, 10 + i), [16, 128], { requiresGrad: true }));
  return () => {
    keys.grad = null;
    let loss = rnn.tensor(0);
    for (const q of qs) loss = ops.add(loss, ops.sum(ops.tanh(att.forward(q, keys).context)));
    loss.backward();
  };
}

function w10(T: number): () => void {
  rnn.manualSeed(4);
  const lstm = new rnn.LSTM({ inputSize: 64, hiddenSize: 128 });
  const x = rnn.tensor(randomArray(8 * T * 64, 5), [8, T, 64], { requiresGrad: true });
  return () => {
    x.grad = null;
    ops.sum(lstm.forward(x).output).backward();
  };
}

function w11(): () => void {
  rnn.manualSeed(6);
  const ntm = new rnn.NTM({ inputSize: 10, outputSize: 8, controllerSize: 100, memorySize: 32, memoryWidth: 16 });
  const x = rnn.tensor(randomArray(16 * 21 * 10, 7), [16, 21, 10]);
  const y = rnn.tensor(
    randomArray(16 * 21 * 8, 8).map((v) => (v > 0 ? 1 : 0)),
    [16, 21, 8],
  );
  const opt = new rnn.Adam(ntm.parameters(), { lr: 1e-3 });
  return () => {
    const loss = rnn.bceWithLogits(ntm.forward(x).output, y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  };
}

// W10's two lengths in alternation: their ratio (the cost per step's growth) is the target, and
// this machine's speed drifts more between one timing block and the next than that
const [w10short, w10long] = timeAlternating([w10(100), w10(1000)], { rounds: 7 });

const ours: Record<string, number> = {
  W7: await timeIt(w7(), { reps: 5 }),
  W8: await timeIt(w8(), { reps: 5 }),
  W9: await timeIt(w9(), { reps: 7 }),
  'W9 additive': await timeIt(w9additive(), { reps: 7 }),
  'W10 T=100': w10short,
  'W10 T=1000': w10long,
  W11: await timeIt(w11(), { reps: 3 }),
};

// PyTorch, one thread, the same shapes
const PY = `
a, b = torch.randn(512, 512), torch.randn(512, 512)
out['sgemm GFLOP/s'] = 2 * 512 ** 3 / med(lambda: a @ b, 10) / 1e6
emb, lstm, lin = torch.nn.Embedding(65, 32), torch.nn.LSTM(32, 192, batch_first=True), torch.nn.Linear(192, 65)
params = list(emb.parameters()) + list(lstm.parameters()) + list(lin.parameters())
opt = torch.optim.Adam(params, 1e-3)
ids = torch.randint(0, 65, (32, 64)); tg = torch.randint(0, 65, (32 * 64,))
def w7():
    loss = torch.nn.functional.cross_entropy(lin(lstm(emb(ids))[0]).reshape(-1, 65), tg)
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 5); opt.step()
out['W7'] = med(w7, 5)
cell = torch.nn.LSTMCell(64, 256); xs = [torch.randn(1, 64) for _ in range(200)]
def w8():
    with torch.no_grad():
        h = c = torch.zeros(1, 256)
        for x in xs: h, c = cell(x, (h, c))
out['W8'] = med(w8, 5)
keys = torch.randn(16, 30, 128, requires_grad=True); qs = [torch.randn(16, 1, 128, requires_grad=True) for _ in range(20)]
def w9():
    kt = keys.transpose(1, 2); loss = 0
    for q in qs: loss = loss + torch.tanh(torch.softmax(q @ kt, -1) @ keys).sum()
    loss.backward()
out['W9'] = med(w9, 7)
Wq, Wk, va = torch.nn.Linear(128, 128, bias=False), torch.nn.Linear(128, 128, bias=False), torch.nn.Linear(128, 1, bias=False)
qs2 = [torch.randn(16, 128, requires_grad=True) for _ in range(20)]
def w9a():
    loss = 0; kp = Wk(keys)  # the keys' projection once, as rnn-wasm's Attention makes it
    for q in qs2:
        s = va(torch.tanh(Wq(q).unsqueeze(1) + kp)).squeeze(2)
        loss = loss + torch.tanh((torch.softmax(s, -1).unsqueeze(1) @ keys).squeeze(1)).sum()
    loss.backward()
out['W9 additive'] = med(w9a, 7)
l10 = torch.nn.LSTM(64, 128, batch_first=True)
for T in (100, 1000):
    x = torch.randn(8, T, 64, requires_grad=True)
    out['W10 T=%d' % T] = med(lambda: l10(x)[0].sum().backward(), 5 if T == 100 else 3)
# W11: the same NTM (LSTM controller 100, memory 32x16, 1 read + 1 write head, shifts -1..1),
# composed from torch ops as src/nn/ntm.ts is, B=16, T=21, BCE-with-logits train step with Adam
import torch.nn.functional as F
class NTM(torch.nn.Module):
    def __init__(s, I=10, O=8, Hc=100, N=32, M=16, S=1):
        super().__init__()
        s.N, s.M, s.S = N, M, S
        P = M + 4 + 2 * S
        s.ctrl = torch.nn.LSTMCell(I + M, Hc)
        s.rh = torch.nn.Linear(Hc, P); s.wh = torch.nn.Linear(Hc, P + 2 * M); s.out = torch.nn.Linear(Hc + M, O)
        s.mem0 = torch.nn.Parameter(torch.rand(N, M) * 0.2 - 0.1); s.r0 = torch.nn.Parameter(torch.zeros(1, M))
    def address(s, p, mem, wp):
        M, S = s.M, s.S
        k = torch.tanh(p[:, :M]); beta = F.softplus(p[:, M:M + 1]); g = torch.sigmoid(p[:, M + 1:M + 2])
        sh = torch.softmax(p[:, M + 2:M + 3 + 2 * S], -1); gamma = 1 + F.softplus(p[:, M + 3 + 2 * S:M + 4 + 2 * S])
        cos = (mem @ k.unsqueeze(2)).squeeze(2) / (mem.norm(dim=-1) * k.norm(dim=-1, keepdim=True) + 1e-8)
        wg = g * torch.softmax(beta * cos, -1) + (1 - g) * wp
        wt = sum(torch.roll(wg, j - S, 1) * sh[:, j:j + 1] for j in range(2 * S + 1))
        pw = (wt + 1e-12) ** gamma
        return pw / pw.sum(-1, keepdim=True)
    def forward(s, x):
        B, T, _ = x.shape
        mem = s.mem0.expand(B, -1, -1); r = s.r0.expand(B, -1)
        wr = torch.zeros(B, s.N); wr[:, 0] = 1; ww = wr.clone()
        h = torch.zeros(B, s.ctrl.hidden_size); c = torch.zeros_like(h); outs = []
        for t in range(T):
            h, c = s.ctrl(torch.cat([x[:, t], r], 1), (h, c))
            wr = s.address(s.rh(h), mem, wr); r = (wr.unsqueeze(1) @ mem).squeeze(1)
            p = s.wh(h); M = s.M
            ww = s.address(p[:, :-2 * M], mem, ww)
            e = torch.sigmoid(p[:, -2 * M:-M]); a = torch.tanh(p[:, -M:])
            mem = mem * (1 - ww.unsqueeze(2) * e.unsqueeze(1)) + ww.unsqueeze(2) * a.unsqueeze(1)
            outs.append(s.out(torch.cat([h, r], 1)))
        return torch.stack(outs, 1)
ntm = NTM(); opt11 = torch.optim.Adam(ntm.parameters(), 1e-3)
x11 = torch.randn(16, 21, 10); y11 = (torch.randn(16, 21, 8) > 0).float()
def w11():
    loss = F.binary_cross_entropy_with_logits(ntm(x11), y11)
    opt11.zero_grad(); loss.backward(); opt11.step()
out['W11'] = med(w11, 3)
`;
const { ms: torch, note: failure } = runTorch(PY);
let note = failure;

const what: Record<string, string> = {
  W7: 'char LM train step: Embedding(65→32) → LSTM(192) → Linear, B=32, T=64, CE, clip 5, Adam',
  W8: 'LSTMCell 64→256, B=1, 200 steps carrying (h, c), inference',
  W9: '20 steps of dot attention from ops, keys [16,30,128], fwd + bwd',
  'W9 additive': '20 steps of Attention additive (A 128), keys [16,30,128], fwd + bwd',
  'W10 T=100': 'LSTM 64→128, B=8, T=100, fwd + bwd',
  'W10 T=1000': 'LSTM 64→128, B=8, T=1000, fwd + bwd',
  W11: 'NTM copy model (LSTM 100, memory 32×16, 1+1 heads), B=16, T=21, train step',
};
const info = rnn.backendInfo();
const sgemm = torch['sgemm GFLOP/s'];
delete torch['sgemm GFLOP/s'];
if (sgemm !== undefined && sgemm < 50) {
  note += `PyTorch's own 512³ sgemm ran at ${fmt(sgemm, 1)} GFLOP/s here: Debian's torch uses the system BLAS, and the reference one is slow; apt-get install libopenblas0-pthread before comparing. `;
}
console.log(
  `rnn-wasm ${info.version}, relaxed SIMD ${info.relaxedSimd}, ${info.threads} thread(s); PyTorch ${sgemm ? `CPU, 1 thread, its 512³ sgemm ${fmt(sgemm, 1)} GFLOP/s` : '—'}\n`,
);
printTable(
  ['id', 'workload', 'rnn-wasm ms', 'PyTorch 1t ms', 'speed-up'],
  Object.keys(ours).map((id) => [
    id,
    what[id],
    fmt(ours[id]),
    torch[id] ? fmt(torch[id]) : '—',
    torch[id] ? `${fmt(torch[id] / ours[id], 2)}×` : '—',
  ]),
);
// W7 end to end against the ceiling kernel on its step product [32×192]·[192×768], timed right
// after it. The work counted: the LSTM's x·W_ihᵀ and h·W_hhᵀ over all steps and their backward
// products (dW_ih, dx — the embedding needs it —, dW_hh, dh·W_hh), and the head's product with
// its two backward ones; the gate kernels, the loss and Adam are left out.
const ceiling = await loadCeilingFor(info.relaxedSimd);
if (ceiling) {
  const [B, T, I, H, V] = [32, 64, 32, 192, 65];
  const G = 4 * H;
  const flops = 2 * B * T * G * (I + H) + 2 * B * T * G * (2 * I + 2 * H) + 3 * 2 * B * T * H * V;
  const rate = flops / 1e6 / ours.W7;
  const ceil = gflops(ceiling.kernel.prepare(B, H, G), B, H, G);
  console.log(
    `\nW7 end to end against the ${ceiling.name} ceiling kernel on [${B}×${H}]·[${H}×${G}]: ` +
      `${fmt(flops / 1e9, 2)} GFLOP a step, ${fmt(rate)} GFLOP/s against ${fmt(ceil)}: ${fmt((100 * rate) / ceil, 0)} %`,
  );
} else console.log('\nW7 against the ceiling: skipped (../shared/perf/ceiling-kernel.ts is not here)');
// with --threads, W7 (a target: 2 threads >= 1.8x one) and W8 on one thread against all of them
if (info.threads > 1) {
  for (const [id, make] of [
    ['W7', w7],
    ['W8', w8],
  ] as const) {
    const { one, all } = alternateThreads(make(), 7);
    const perStep = id === 'W8' ? ` (${fmt((1000 * one) / 200)} / ${fmt((1000 * all) / 200)} µs a step)` : '';
    console.log(
      `\n${id} on 1 / ${info.threads} threads (alternating, a warm call after each switch): ${fmt(one)} / ${fmt(all)} ms = ${fmt(one / all, 2)}×${perStep}`,
    );
  }
}
console.log(
  `\nW8 per step: ${fmt((1000 * ours.W8) / 200)} µs; W10 cost per step, T=1000 over T=100 (timed alternately): ${fmt(ours['W10 T=1000'] / 10 / ours['W10 T=100'], 3)}×`,
);
if (note) console.log(note);
if (args.json) console.log(JSON.stringify({ ours, torch }));
