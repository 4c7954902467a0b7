// init({ threads: 2 }): the GEMMs split their panels with a worker thread on a shared memory.
// Results must equal the references: big products against the plain loop, recurrent layers
// against the PyTorch fixtures, and training still learns.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../src/node.js';
import { ops } from '../src/node.js';
import * as ref from '../src/reference/matmul.js';
import * as refT from '../src/reference/transpose.js';
import { arena, kernels, shareWork, workerPool, workerSpin } from '../src/backend/wasm.js';
import { packedSize } from '../src/backend/gemm.js';
import { gemmUnits } from '../src/backend/parallel.js';
import { expectClose, report, seeded } from './helpers.js';

beforeAll(async () => {
  await rnn.init({ threads: 2 });
});

/** fn's result with every kernel on the calling thread (then shared again). */
function onOneThread<T>(fn: () => T): T {
  shareWork(false);
  try {
    return fn();
  } finally {
    shareWork(true);
  }
}

describe('two threads', () => {
  test('backendInfo reports them', () => {
    expect(rnn.backendInfo().threads).toBe(2);
  });
  test.each([
    [33, 65, 70],
    [64, 257, 131],
    [5, 300, 513],
    [128, 128, 9],
  ])('matmul %i×%i·%i and its gradients match the reference', (m, k, n) => {
    const rng = seeded(m + k + n);
    const a = rnn.tensor(
      Float32Array.from({ length: m * k }, () => rng() * 2 - 1),
      [m, k],
      { requiresGrad: true },
    );
    const b = rnn.tensor(
      Float32Array.from({ length: k * n }, () => rng() * 2 - 1),
      [k, n],
      { requiresGrad: true },
    );
    const c = ops.matmul(a, b);
    const want = new Float32Array(m * n);
    ref.gemm_nn(want, a.data, b.data, null, m, k, n, false);
    expectClose(c.data, want, { rtol: 1e-5, atol: 1e-5 });
    const g = Float32Array.from({ length: m * n }, () => rng() * 2 - 1);
    c.backward(g);
    const da = new Float32Array(m * k);
    ref.gemm_nt(da, g, b.data, null, m, n, k, false);
    expectClose(a.grad!.data, da, { rtol: 1e-5, atol: 1e-5 });
    const db = new Float32Array(k * n);
    ref.gemm_tn(db, a.data, g, null, k, m, n, false);
    expectClose(b.grad!.data, db, { rtol: 1e-5, atol: 1e-4 });
  });
  test('a product shared by claimed units equals one thread to the bit (3 row blocks, the last ragged, by 41 panels, the last 3 wide)', () => {
    const rng = seeded(41);
    const [m, k, n] = [101, 129, 323];
    const a = Float32Array.from({ length: m * k }, () => rng() * 2 - 1);
    const b = Float32Array.from({ length: k * n }, () => rng() * 2 - 1);
    const c0 = Float32Array.from({ length: m * n }, () => rng() * 2 - 1);
    const run = () => {
      const ar = arena();
      return ar.scoped(() => {
        const packed = ar.alloc(packedSize(k, n));
        const k2 = kernels();
        k2.gemm_pack(packed, ar.put(b), k, n, 0);
        const c = ar.put(c0);
        k2.gemm_packed(c, ar.put(a), k, 1, packed, 0, m, k, n, 1, n);
        return ar.read(c, m * n);
      });
    };
    const shared = run();
    const alone = onOneThread(run);
    expect(Array.from(shared)).toEqual(Array.from(alone));
    const want = c0.slice();
    ref.gemm_nn(want, a, b, null, m, k, n, true);
    expectClose(shared, want, { rtol: 1e-5, atol: 1e-5 });
  });
  test('a worker that has fallen asleep between calls (20 ms idle) is woken for the next one: the same product', () => {
    const rng = seeded(5);
    const [m, k, n] = [64, 96, 200];
    const a = rnn.tensor(
      Float32Array.from({ length: m * k }, () => rng() * 2 - 1),
      [m, k],
    );
    const b = rnn.tensor(
      Float32Array.from({ length: k * n }, () => rng() * 2 - 1),
      [k, n],
    );
    const first = ops.matmul(a, b).data.slice();
    const idle = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 3; i++) {
      Atomics.wait(idle, 0, 0, 20); // the worker spins for ~100 µs, then sleeps
      expect(Array.from(ops.matmul(a, b).data)).toEqual(Array.from(first));
    }
    const want = new Float32Array(m * n);
    ref.gemm_nn(want, a.data, b.data, null, m, k, n, false);
    expectClose(first, want, { rtol: 1e-5, atol: 1e-5 });
  });
  test('a transpose of 515×131 (shared by rows from 65,536 elements, shares not on a multiple of 4) equals the reference', () => {
    const [r, c] = [515, 131];
    const rng = seeded(r);
    const x = Float32Array.from({ length: r * c }, () => rng() * 2 - 1);
    const want = new Float32Array(r * c);
    refT.transpose_rows(want, x, r, c, 0, r);
    const ar = arena();
    const got = ar.scoped(() => {
      const out = ar.alloc(r * c);
      kernels().transpose_rows(out, ar.put(x), r, c, 0, r);
      return ar.read(out, r * c);
    });
    expect(Array.from(got)).toEqual(Array.from(want));
  });
  test.each([
    ['a thread that owns no units takes them all from the back of the other', 9, 323, 0, 1],
    ['a thread that owns every unit does them all', 9, 323, 1, 0],
    ['the thread that runs first does its own, then takes the rest of the other', 9, 323, 0.5, 0],
    ['41 panels over 3 row blocks, the last ragged (m = 101)', 101, 323, 0.4, 1],
    ['75 panels over all 101 rows', 101, 597, 0.6, 1],
  ])('gemm_packed_claim: %s, each unit exactly once', (_, m, n, split, self) => {
    // accumulating into C: a unit done twice or skipped shows up against the reference
    const rng = seeded(7 + m);
    const k = 33;
    expect(gemmUnits(m, n).byBlocks).toBe(m > 48 && n < 64 * 8);
    const a = Float32Array.from({ length: m * k }, () => rng() * 2 - 1);
    const b = Float32Array.from({ length: k * n }, () => rng() * 2 - 1);
    const c0 = Float32Array.from({ length: m * n }, () => rng() * 2 - 1);
    const want = c0.slice();
    ref.gemm_nn(want, a, b, null, m, k, n, true);
    const { units, byBlocks } = gemmUnits(m, n);
    const cut = Math.round(split * units);
    onOneThread(() => {
      const ar = arena();
      const got = ar.scoped(() => {
        const k1 = kernels();
        const packed = ar.alloc(packedSize(k, n));
        k1.gemm_pack(packed, ar.put(b), k, n, 0);
        // two 64-byte claim lines, each a 64-bit word: first unit, end of the share
        const lines = new Array(32).fill(0);
        [lines[0], lines[1], lines[16], lines[17]] = [0, cut, cut, units];
        const claims = ar.putInts(lines);
        const words = new Int32Array(k1.memory.buffer, claims, 32);
        const c = ar.put(c0);
        const pa = ar.put(a);
        // the two threads' calls one after the other on this thread: the second finds what the first left
        for (const who of self === 1 ? [1, 0] : [0, 1])
          k1.gemm_packed_claim(c, pa, k, 1, packed, 0, m, k, n, 1, n, claims, who | (2 << 8) | (byBlocks ? 1 << 16 : 0));
        expect(words[0]).toBeGreaterThanOrEqual(words[1]); // nothing left to claim
        expect(words[16]).toBeGreaterThanOrEqual(words[17]);
        return ar.read(c, m * n);
      });
      expectClose(got, want, { rtol: 1e-5, atol: 1e-5 });
    });
  });
  test.each(['lstm_b6_h8_lengths', 'gru_b6_h8_bi', 'rnn_b9_h12_bi_lengths', 'lstm_2l_bi_lengths'])('%s matches PyTorch', (name) => {
    const fx = JSON.parse(readFileSync(new URL(`./fixtures/recurrent/${name}.json`, import.meta.url), 'utf8'));
    const T = (j: { shape: number[]; data: number[] }, g = false) => rnn.tensor(j.data, j.shape, { requiresGrad: g });
    const Ctor = { RNN: rnn.RNN, LSTM: rnn.LSTM, GRU: rnn.GRU }[fx.kind as 'RNN' | 'LSTM' | 'GRU'];
    const m = new Ctor(fx.options);
    m.loadStateDict(fx.stateDict);
    const x = T(fx.x, true);
    const res = m.forward(x, { h0: fx.h0 ? T(fx.h0) : null, c0: fx.c0 ? T(fx.c0) : null, lengths: fx.lengths });
    expectClose(res.output.data, fx.output.data, { rtol: 2e-4, atol: 2e-5 });
    let loss = ops.add(ops.sum(ops.mul(res.output, T(fx.R))), ops.sum(ops.mul(res.hN, T(fx.RH))));
    if (fx.RC) loss = ops.add(loss, ops.sum(ops.mul(res.cN!, T(fx.RC))));
    loss.backward();
    expectClose(x.grad!.data, fx.grads.x.data, { rtol: 5e-4, atol: 5e-5 });
    for (const [n, p] of m.namedParameters()) expectClose(p.grad!.data, fx.grads[n].data, { rtol: 5e-4, atol: 5e-5 });
  });
  test.each([5000, 70001])('tanh and relu on %i elements (shared by element ranges above their sizes) equal one thread to the bit', (n) => {
    const rng = seeded(n);
    const data = Float32Array.from({ length: n }, () => rng() * 6 - 3);
    const g = Float32Array.from({ length: n }, () => rng() * 2 - 1);
    const run = () =>
      (['tanh', 'relu'] as const).flatMap((f) => {
        const x = rnn.tensor(data, [n], { requiresGrad: true });
        const y = ops[f](x);
        y.backward(g);
        return [y.data.slice(), x.grad!.data.slice()];
      });
    const shared = run();
    const alone = onOneThread(run);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
  });
  test('softmax, logSoftmax (by rows of 65 from 4,096 elements), exp, log and sigmoid (by element ranges) equal one thread to the bit', () => {
    const rng = seeded(65);
    const [rows, cols] = [517, 65];
    const data = Float32Array.from({ length: rows * cols }, () => rng() * 8 - 4);
    const g = Float32Array.from({ length: rows * cols }, () => rng() * 2 - 1);
    const run = () =>
      (['softmax', 'logSoftmax', 'exp', 'log', 'sigmoid'] as const).flatMap((f) => {
        const x = rnn.tensor(f === 'log' ? data.map((v) => Math.abs(v) + 0.1) : data, [rows, cols], { requiresGrad: true });
        const y = f === 'softmax' || f === 'logSoftmax' ? ops[f](x, -1) : ops[f](x);
        y.backward(g);
        return [y.data.slice(), x.grad!.data.slice()];
      });
    const shared = run();
    const alone = onOneThread(run);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
  });
  test("a loop whose steps are smaller than the pool's minTeamStep (rows × hidden units) runs on the calling thread: the same results", () => {
    const pool = workerPool()!;
    rnn.manualSeed(17);
    const lstm = new rnn.LSTM({ inputSize: 5, hiddenSize: 16 });
    const x = rnn.randn([3, 6, 5]);
    const out = () => Array.from(rnn.noGrad(() => lstm.forward(x).output).data);
    const alone = onOneThread(out);
    const team = pool.team;
    let teams = 0;
    pool.team = (...a) => {
      teams++;
      return team.apply(pool, a);
    };
    try {
      for (const [min, used] of [
        [3 * 16 + 1, false],
        [3 * 16, true],
      ] as const) {
        pool.minTeamStep = min;
        teams = 0;
        expect(out()).toEqual(alone);
        expect(teams > 0).toBe(used);
      }
    } finally {
      pool.team = team;
      pool.minTeamStep = 0;
    }
  });
  test('a worker that sleeps between calls: the caller takes back jobs it has not started (as in browsers), with the same results to the bit', () => {
    // no polling: the worker sleeps after every job, so the caller often finishes first and
    // withdraws the worker's job (a static share it then does itself, or a GEMM's unclaimed panels)
    const rng = seeded(91);
    const [rows, cols] = [517, 65];
    const data = Float32Array.from({ length: rows * cols }, () => rng() * 8 - 4);
    const w = rnn.tensor(
      Float32Array.from({ length: 65 * 96 }, () => rng() - 0.5),
      [65, 96],
    );
    const run = () =>
      Array.from({ length: 40 }, () => {
        const x = rnn.tensor(data, [rows, cols], { requiresGrad: true });
        const y = ops.matmul(ops.tanh(x), w);
        ops.sum(ops.mul(y, y)).backward();
        return [y.data.slice(), x.grad!.data.slice()];
      }).flat();
    const alone = onOneThread(run);
    const pool = workerPool()!;
    const before = pool.withdrawn;
    workerSpin(0);
    pool.withdrawing = true;
    try {
      // (whether the caller gets there first is a race: on a machine busy with other tests the
      // worker may wake in time for every job of a run, so up to five runs, each checked)
      for (let r = 0; r < 5 && pool.withdrawn === before; r++) {
        const shared = run();
        shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
      }
    } finally {
      workerSpin(2000);
      pool.withdrawing = false;
    }
    expect(pool.withdrawn).toBeGreaterThan(before);
  });
  test('crossEntropy shares its rows (from 8,192 logits): losses and gradients equal one thread to the bit', () => {
    const rng = seeded(66);
    const [B, T, C] = [11, 47, 65];
    const data = Float32Array.from({ length: B * T * C }, () => rng() * 8 - 4);
    const targets = Array.from({ length: B * T }, (_, i) => (i % 13 === 5 ? -100 : (i * 7) % C));
    const mask = Array.from({ length: B * T }, (_, i) => (i % 17 === 3 ? 0 : 1));
    const run = () =>
      (['mean', 'none'] as const).flatMap((reduction) => {
        const x = rnn.tensor(data, [B, T, C], { requiresGrad: true });
        const loss = rnn.crossEntropy(x, targets, { mask, reduction, labelSmoothing: 0.1 });
        (reduction === 'none' ? ops.sum(loss) : loss).backward();
        return [loss.data.slice(), x.grad!.data.slice()];
      });
    const shared = run();
    const alone = onOneThread(run);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
  });
  test('ctcLoss shares its sequences between the threads: losses and gradients equal one thread to the bit', () => {
    const rng = seeded(77);
    const [T, B, C] = [37, 7, 9];
    // sequence 5 has sharp logits (its linear recursion underflows: the log-space fallback runs)
    const logits = rnn.tensor(
      Float32Array.from({ length: T * B * C }, (_, i) => (rng() * 2 - 1) * (Math.floor(i / C) % B === 5 ? 60 : 3)),
      [T, B, C],
    );
    const targets = [[1, 2, 3], [4], [], [5, 5, 6, 7], [8, 1], [2, 3, 2, 3, 2], [1, 1]];
    const inputLengths = [37, 30, 12, 37, 0, 33, 5];
    const run = () => {
      const x = rnn.tensor(logits.data, logits.shape, { requiresGrad: true });
      const loss = rnn.ctcLoss(
        ops.logSoftmax(x, -1),
        targets,
        inputLengths,
        targets.map((t) => t.length),
        { reduction: 'none' },
      );
      ops.sum(ops.mul(loss, rnn.tensor([1, 2, 3, 4, 5, 6, 7].map((v) => (Number.isFinite(loss.data[v - 1]) ? v : 0))))).backward();
      return [Array.from(loss.data), Array.from(x.grad!.data)];
    };
    const shared = run();
    const alone = onOneThread(run);
    expect(shared[0][4]).toBe(Number.POSITIVE_INFINITY); // an empty input with a target
    expect(shared[0][2]).toBeGreaterThan(0);
    expect(shared).toEqual(alone);
  });
  test('an LSTM of 128 rows × 256 (its time loops on the team) equals one thread to the bit', () => {
    rnn.manualSeed(4);
    const lstm = new rnn.LSTM({ inputSize: 16, hiddenSize: 256 });
    const x = rnn.randn([128, 3, 16], { requiresGrad: true });
    const run = () => {
      x.grad = null;
      for (const p of lstm.parameters()) p.grad = null;
      const out = lstm.forward(x).output;
      ops.sum(ops.mul(out, out)).backward();
      return [out.data.slice(), x.grad!.data.slice(), ...lstm.parameters().map((p) => p.grad!.data.slice())];
    };
    const shared = run();
    const alone = onOneThread(run);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
  });
  test.each([
    ['H = 24: three runs of 8 units claimed by the two threads, bidirectional, lengths', { hiddenSize: 24, bidirectional: true }],
    [
      'H = 16, peepholes, hard-sigmoid gates, 2 layers',
      { hiddenSize: 16, numLayers: 2, peephole: true, recurrentActivation: 'hardSigmoid' as const },
    ],
    ['H = 12 (not a multiple of 8: the loop runs on one thread of the team)', { hiddenSize: 12, bidirectional: true }],
  ])('an LSTM whose time loops run as one team call (%s) equals one thread to the bit', (_, opts) => {
    rnn.manualSeed(9);
    const lstm = new rnn.LSTM({ inputSize: 7, ...opts });
    const x = rnn.randn([5, 9, 7], { requiresGrad: true });
    const lengths = [9, 4, 9, 1, 6];
    const run = () => {
      x.grad = null;
      for (const p of lstm.parameters()) p.grad = null;
      const res = lstm.forward(x, { lengths });
      // gradients reach the loop through every output step and both final states
      ops.add(ops.add(ops.sum(ops.mul(res.output, res.output)), ops.sum(ops.tanh(res.hN))), ops.sum(ops.mul(res.cN!, res.cN!))).backward();
      return [
        res.output.data.slice(),
        res.hN.data.slice(),
        res.cN!.data.slice(),
        x.grad!.data.slice(),
        ...lstm.parameters().map((p) => p.grad!.data.slice()),
      ];
    };
    const shared = run();
    const alone = onOneThread(run);
    expect(shared.length).toBe(alone.length);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
    expect(shared[3].some((g) => g !== 0)).toBe(true);
  });
  test.each([
    ['GRU, H = 24, bidirectional, lengths', () => new rnn.GRU({ inputSize: 7, hiddenSize: 24, bidirectional: true })],
    [
      'GRU, H = 16, hard-sigmoid gates, 2 layers',
      () => new rnn.GRU({ inputSize: 7, hiddenSize: 16, numLayers: 2, recurrentActivation: 'hardSigmoid' }),
    ],
    ['RNN tanh, H = 24, bidirectional, lengths', () => new rnn.RNN({ inputSize: 7, hiddenSize: 24, bidirectional: true })],
    ['RNN relu, H = 16, 2 layers', () => new rnn.RNN({ inputSize: 7, hiddenSize: 16, numLayers: 2, nonlinearity: 'relu' })],
    ['GRU, H = 20 (not a multiple of 8: one thread of the team)', () => new rnn.GRU({ inputSize: 7, hiddenSize: 20 })],
  ])('a %s whose time loops run as one team call equals one thread to the bit', (_, make) => {
    rnn.manualSeed(11);
    const m = make();
    const x = rnn.randn([5, 9, 7], { requiresGrad: true });
    const lengths = [9, 4, 9, 1, 6];
    const run = () => {
      x.grad = null;
      for (const p of m.parameters()) p.grad = null;
      const res = m.forward(x, { lengths });
      ops.add(ops.sum(ops.mul(res.output, res.output)), ops.sum(ops.tanh(res.hN))).backward();
      return [res.output.data.slice(), res.hN.data.slice(), x.grad!.data.slice(), ...m.parameters().map((p) => p.grad!.data.slice())];
    };
    const shared = run();
    const alone = onOneThread(run);
    expect(shared.length).toBe(alone.length);
    shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
    expect(shared[2].some((g) => g !== 0)).toBe(true);
  });
  test('team loops over steps no sequence reaches (every length below T): LSTM, GRU, RNN equal one thread to the bit', () => {
    rnn.manualSeed(12);
    const models = [
      new rnn.LSTM({ inputSize: 5, hiddenSize: 16, bidirectional: true }),
      new rnn.GRU({ inputSize: 5, hiddenSize: 16, bidirectional: true }),
      new rnn.RNN({ inputSize: 5, hiddenSize: 16, bidirectional: true }),
    ];
    const x = rnn.randn([4, 10, 5], { requiresGrad: true });
    const lengths = [6, 2, 7, 3]; // steps 7..9 run no sequence
    for (const m of models) {
      const run = () => {
        x.grad = null;
        for (const p of m.parameters()) p.grad = null;
        const res = m.forward(x, { lengths });
        ops.add(ops.sum(ops.mul(res.output, res.output)), ops.sum(ops.tanh(res.hN))).backward();
        return [res.output.data.slice(), x.grad!.data.slice(), ...m.parameters().map((p) => p.grad!.data.slice())];
      };
      const shared = run();
      const alone = onOneThread(run);
      shared.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i])));
      expect(shared[1].some((g) => g !== 0)).toBe(true);
    }
  });
  test('a W3-shaped LSTM (its time loops on the team) learns far past the best constant prediction', () => {
    rnn.manualSeed(1);
    const lstm = new rnn.LSTM({ inputSize: 128, hiddenSize: 256 });
    const head = new rnn.Linear({ inFeatures: 256, outFeatures: 10 });
    const opt = new rnn.Adam([...lstm.parameters(), ...head.parameters()], { lr: 3e-3 });
    const x = rnn.randn([32, 20, 128]);
    const y = rnn.randn([32, 10]);
    // predicting each column's mean is the best a model that ignores x can do
    let constant = 0;
    for (let j = 0; j < 10; j++) {
      let m = 0;
      for (let b = 0; b < 32; b++) m += y.data[b * 10 + j] / 32;
      for (let b = 0; b < 32; b++) constant += (y.data[b * 10 + j] - m) ** 2 / 320;
    }
    let loss = Infinity;
    for (let i = 0; i < 30; i++) {
      const l = rnn.mse(head.forward(ops.select(lstm.forward(x).hN, 0, 0)), y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    report('threads: W3-shaped LSTM MSE after 30 steps / best constant MSE', loss / constant);
    expect(loss).toBeLessThan(0.05 * constant);
  });
});
